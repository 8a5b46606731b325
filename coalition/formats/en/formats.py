# Day before month, the month in words, a 24-hour clock: read the same way in Nairobi,
# London and Washington ("1 December 2026, 17:00"), never "12/1".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

# Short dates are for the staff's lists and audit trails, read by a team spread over several
# continents: "12/08/2026" is 8 December in Paris and 12 August in New York, so every language
# writes them ISO-style, year first ("2026-12-08 14:05"), which no reader takes for another day.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# The first input format is also the one the admin's date fields and calendar write in.
# Month-first ("12/08/2026") is not accepted either: typed by a colleague who writes the day
# first, it would be saved as another day without a word.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
