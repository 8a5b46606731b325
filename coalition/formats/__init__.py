"""Our date formats where Django's do not suit a letter read across five continents.

`FORMAT_MODULE_PATH` points here; a language without a module keeps Django's own formats
(pt-BR "1 de dezembro de 2026 às 17:00", fr "1 décembre 2026 17:00")."""
