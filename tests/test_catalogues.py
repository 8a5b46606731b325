"""Every catalogue is complete: nobody is offered a page that is half English."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_has_no_untranslated_or_fuzzy_entry(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue.translated_entries()) > 400


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_keeps_every_placeholder(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"))
    lost = []
    for entry in catalogue.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for placeholder in _placeholders(entry.msgid):
            # Plural forms such as Arabic's "one" and "two" may spell the number out.
            if not any(placeholder in text for text in translations):
                lost.append((entry.msgid, placeholder))
    assert lost == []


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\(\w+\)[sd]|\{\{ ?\w+(?:\.\w+)* ?\}\}", text)
