# Short dates are for the staff's lists and audit trails, read by a team spread over several
# continents: "12/08/2026" is 8 December in Paris and 12 August in New York, so every language
# writes them ISO-style, year first ("2026-12-08 14:05"), which no reader takes for another day.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# The first input format is also the one the admin's date fields and calendar write in.
# The locale's day-first form ("08/12/2026") stays accepted, as people here write it.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
