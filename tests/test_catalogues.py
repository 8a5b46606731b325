"""Every catalogue is complete: nobody is offered a page that is half English."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.checks import ERROR
from django.core.checks.registry import registry
from django.utils.translation import to_locale

from coalition import checks

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


@pytest.fixture
def compiled_copy(tmp_path: Path, settings) -> Path:
    """The catalogues as an install has them after compilemessages, in a directory of the test's."""
    for language in TRANSLATED:
        directory = tmp_path / to_locale(language) / "LC_MESSAGES"
        directory.mkdir(parents=True)
        (directory / "django.po").write_text("")
        (directory / "django.mo").write_bytes(b"")
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


def test_the_system_check_passes_when_every_catalogue_is_compiled(compiled_copy: Path) -> None:
    assert checks.catalogues_compiled() == []


def test_the_system_check_names_a_language_left_uncompiled(compiled_copy: Path) -> None:
    (compiled_copy / "ar" / "LC_MESSAGES" / "django.mo").unlink()
    (error,) = checks.catalogues_compiled()
    assert error.level == ERROR
    assert error.id == "coalition.E102"
    assert "Arabic (ar) is not compiled" in error.msg
    assert "compilemessages" in error.hint


def test_the_system_check_names_a_catalogue_older_than_its_translations(
    compiled_copy: Path,
) -> None:
    compiled = compiled_copy / "pt_BR" / "LC_MESSAGES" / "django.mo"
    os.utime(compiled, (time.time() - 3600, time.time() - 3600))
    (error,) = checks.catalogues_compiled()
    assert error.id == "coalition.E103"
    assert "Portuguese (Brazil) (pt-br)" in error.msg


def test_the_system_check_is_registered_for_runserver_and_check() -> None:
    assert checks.catalogues_compiled in registry.get_checks()
