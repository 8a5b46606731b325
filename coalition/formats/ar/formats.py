# Django's Arabic locale has a date format but no date-and-time format: without this the
# English "N j, Y, P" order would show ("ديسمبر 1, 2026, 5 م").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
# Django's Arabic locale groups no digits ("12345"). Western digits as the site writes them,
# grouped as the Unicode CLDR does for Arabic in Latin digits: "12,345".
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# Short dates are for the staff's lists and audit trails, read by a team spread over several
# continents: "12/08/2026" is 8 December in Paris and 12 August in New York, so every language
# writes them ISO-style, year first ("2026-12-08 14:05"), which no reader takes for another day.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# The first input format is also the one the admin's date fields and calendar write in.
# Django's Arabic locale has no input formats, so it took the month-first defaults ("12/08/2026"
# for 8 December). Day-first stays accepted, as Arabic-speaking countries write it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
