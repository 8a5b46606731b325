"""Our date formats where Django's do not suit a letter read across five continents.

`FORMAT_MODULE_PATH` points here; what a module leaves out keeps Django's own format for that
language (pt-BR "1 de dezembro de 2026 às 17:00", fr "1 décembre 2026 17:00"). Every language
sets the short formats and the input formats: the staff's dates are year first, everywhere."""

# What the languages that write the day first share (fr, es, pt-BR): the staff's short dates
# year first, and the locale's day-first form ("08/12/2026") still accepted as people type it.
DAY_FIRST_DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DAY_FIRST_DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
