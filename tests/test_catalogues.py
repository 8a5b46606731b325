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


GLOSSARY = Path(settings.BASE_DIR) / "docs" / "translating.md"
GLOSSARY_COLUMNS = {"pt-BR": "pt-br", "es": "es", "fr": "fr", "ar": "ar"}


def _glossary() -> dict[str, list[tuple[str, str, list[str]]]]:
    """docs/translating.md's table: per language, (English term, chosen word, rejected words)."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in GLOSSARY.read_text(encoding="utf-8").split("## Glossary", 1)[1].splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    header, body = rows[0], rows[1:]
    terms: dict[str, list[tuple[str, str, list[str]]]] = {}
    for column, language in GLOSSARY_COLUMNS.items():
        index = header.index(column)
        for row in body:
            chosen, _, rejected = row[index].partition("(not:")
            forms = [form.strip() for form in rejected.rstrip(")").split(",") if form.strip()]
            terms.setdefault(language, []).append((row[0], chosen.strip(), forms))
    return terms


def _uses(text: str, word: str, language: str) -> bool:
    # Arabic attaches the article and prepositions to the word (التحالف، للموقّعين).
    if language == "ar":
        return word in text
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def _mentions(msgid: str, term: str) -> bool:
    plural = "ies" if term.endswith("y") else "s"
    stem = term[:-1] if term.endswith("y") else term
    pattern = rf"\b(?:{re.escape(term)}|{re.escape(stem)}{plural})\b"
    return re.search(pattern, msgid, re.IGNORECASE) is not None


def test_the_glossary_table_is_read_with_a_rejected_word_for_every_language() -> None:
    glossary = _glossary()
    assert set(glossary) == {"pt-br", "es", "fr", "ar"}
    assert ("endorsement", "adesão", ["assinatura"]) in glossary["pt-br"]
    assert all(any(rejected for _t, _c, rejected in rows) for rows in glossary.values())


def _glossary_breaches(catalogue: polib.POFile, language: str) -> list[tuple[str, str, str]]:
    rows = _glossary()[language]
    breaches = []
    for entry in catalogue.translated_entries():
        text = " ".join(entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        present = [row for row in rows if _mentions(entry.msgid, row[0])]
        for term, _chosen, rejected in present:
            # "Each endorsement is a signature": signature's own word is not a breach.
            others = text
            for other, chosen, _rejected in present:
                if other != term:
                    others = re.sub(re.escape(chosen), "", others, flags=re.IGNORECASE)
            for word in rejected:
                if _uses(others, word, language):
                    breaches.append((entry.msgid, term, word))
    return breaches


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_glossary_term_is_translated_with_its_one_word(language: str) -> None:
    catalogue = polib.pofile(str(LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"))
    assert _glossary_breaches(catalogue, language) == []


def test_the_glossary_check_flags_a_term_translated_another_way() -> None:
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Review an endorsement", msgstr="Revisar uma assinatura"))
    catalogue.append(polib.POEntry(msgid="Your endorsement", msgstr="Sua adesão"))
    catalogue.append(
        polib.POEntry(
            msgid="Each endorsement is a signature",
            msgstr="Cada adesão é uma assinatura",
        )
    )
    assert _glossary_breaches(catalogue, "pt-br") == [
        ("Review an endorsement", "endorsement", "assinatura")
    ]


def _french_texts() -> list[tuple[str, str]]:
    catalogue = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    return [
        (entry.msgid, text)
        for entry in catalogue.translated_entries()
        for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
    ]


def french_spacing_faults(text: str) -> list[str]:
    """Where a French text breaks the catalogue's spacing rule (docs/translating.md)."""
    faults = [f"breaking space before {m.group(1)}" for m in re.finditer(r" ([:;?!»])", text)]
    faults += ["breaking space after «" for _ in re.finditer(r"« ", text)]
    faults += [f"{m.group(0)!r}" for m in re.finditer(r"\u00a0[;?!»]|«\u00a0|\u202f:", text)]
    faults += [f"no space before {m.group(1)}" for m in re.finditer(r"\w([;?!»])", text)]
    return faults


def test_the_french_spacing_rule_catches_each_wrong_space() -> None:
    assert french_spacing_faults("Pays\u00a0: «\u202fx\u202f», vraiment\u202f?") == []
    assert french_spacing_faults("Pays : « x »") == [
        "breaking space before :",
        "breaking space before »",
        "breaking space after «",
    ]
    assert sorted(french_spacing_faults("Pays\u202f: vraiment\u00a0?")) == [
        "'\\u202f:'",
        "'\\xa0?'",
    ]


def test_french_entries_keep_their_spaces_with_the_punctuation() -> None:
    faults = [
        (msgid, fault) for msgid, text in _french_texts() for fault in french_spacing_faults(text)
    ]
    assert faults == []


def test_french_entries_use_the_typographic_apostrophe_only() -> None:
    straight = [msgid for msgid, text in _french_texts() if "'" in text]
    assert straight == []
    assert sum("\u2019" in text for _msgid, text in _french_texts()) > 150
