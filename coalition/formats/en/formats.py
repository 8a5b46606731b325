# Day before month, the month in words, a 24-hour clock: read the same way in Nairobi,
# London and Washington ("1 December 2026, 17:00"), never "12/1".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
