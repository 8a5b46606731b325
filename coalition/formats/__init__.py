"""Our date formats where Django's do not suit a letter read across five continents.

`FORMAT_MODULE_PATH` points here; what a module leaves out keeps Django's own format for that
language (pt-BR "1 de dezembro de 2026 às 17:00", fr "1 décembre 2026 17:00"). Every language
sets the short formats and the input formats: the staff's dates are year first, everywhere."""
