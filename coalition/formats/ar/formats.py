# Django's Arabic locale has a date format but no date-and-time format: without this the
# English "N j, Y, P" order would show ("ديسمبر 1, 2026, 5 م").
DATE_FORMAT = "j F، Y"
DATETIME_FORMAT = "j F، Y، H:i"
# Django's Arabic locale groups no digits ("12345"). Western digits as the site writes them,
# grouped as the Unicode CLDR does for Arabic in Latin digits: "12,345".
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
