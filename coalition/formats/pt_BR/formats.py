"""Year-first short dates for the staff, day-first input as people here type it
(coalition/formats/__init__.py says why)."""

from coalition.formats import DAY_FIRST_DATE_INPUT_FORMATS, DAY_FIRST_DATETIME_INPUT_FORMATS

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# The first input format is also the one the admin's date fields and calendar write in.
DATE_INPUT_FORMATS = DAY_FIRST_DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = DAY_FIRST_DATETIME_INPUT_FORMATS
