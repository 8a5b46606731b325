"""The columns of an offline file, and the values in them, as people write them in the
site's five languages: headings, countries and types of organisation, each folded (case, accents,
punctuation) as `normalize_name` folds them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django_countries import countries

from ..models import Organization, normalize_name

COLUMNS = ("organization", "country", "city", "website", "email", "type")
# Headings people actually write in a spreadsheet, in the site's five languages, folded as
# `normalize_name` folds them (case, accents, punctuation), to the column they mean.
HEADER_ALIASES = {
    **dict.fromkeys(
        (
            "organisation", "organization name", "organisation name", "name", "org",
            "organizacao", "nome da organizacao", "nome", "entidade", "organizacion",
            "nombre de la organizacion", "nombre", "entidad", "nom", "nom de l organisation",
            "structure", "منظمة", "المنظمة", "اسم المنظمة", "الاسم", "الجهة",
        ),
        "organization",
    ),
    **dict.fromkeys(
        ("pays", "pais", "nation", "البلد", "بلد", "الدولة", "دولة"), "country"
    ),
    **dict.fromkeys(("town", "ville", "cidade", "ciudad", "المدينة", "مدينة"), "city"),
    **dict.fromkeys(
        (
            "web site", "url", "site", "site web", "site internet", "sitio web", "sitio",
            "pagina web", "web", "الموقع", "الموقع الالكتروني", "الموقع الإلكتروني",
        ),
        "website",
    ),
    **dict.fromkeys(
        (
            "e mail", "email address", "contact email", "mail", "courriel", "adresse e mail",
            "adresse electronique", "correo", "correo electronico", "endereco de e mail",
            "البريد الإلكتروني", "البريد الالكتروني", "البريد", "بريد إلكتروني",
        ),
        "email",
    ),
    **dict.fromkeys(
        (
            "kind", "organization type", "organisation type", "category", "tipo",
            "tipo de organizacao", "tipo de organizacion", "type d organisation", "categorie",
            "categoria", "النوع", "نوع المنظمة", "الفئة",
        ),
        "type",
    ),
}  # fmt: skip
# Country names in common use that none of the five languages' ISO short names cover.
COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "united states": "US", "america": "US", "eeuu": "US", "eua": "US",
    "etats unis": "US", "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "grande bretagne": "GB",
    "ivory coast": "CI", "cote d ivoire": "CI", "dr congo": "CD", "drc": "CD", "rdc": "CD",
    "rd congo": "CD", "congo kinshasa": "CD", "congo brazzaville": "CG",
    "republic of the congo": "CG", "north korea": "KP", "south korea": "KR", "korea": "KR",
    "laos": "LA", "burma": "MM", "swaziland": "SZ", "cape verde": "CV", "east timor": "TL",
    "holland": "NL", "the netherlands": "NL", "the gambia": "GM", "vatican": "VA",
    "macedonia": "MK", "state of palestine": "PS", "palestine": "PS", "gaza": "PS",
    "russia": "RU", "russian federation": "RU", "syria": "SY", "iran": "IR", "vietnam": "VN",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "turkey": "TR",
    "turkiye": "TR", "czech republic": "CZ", "czechia": "CZ", "uae": "AE", "emirates": "AE",
    "taiwan": "TW", "brunei": "BN", "micronesia": "FM", "eswatini": "SZ",
    "الإمارات": "AE", "امريكا": "US", "أمريكا": "US", "فلسطين": "PS",
}  # fmt: skip
# Types as people write them, in the five languages (folded), beside the labels themselves.
Kind = Organization.Kind
KIND_SYNONYMS = {
    **dict.fromkeys(
        (
            "ngo", "ngos", "ingo", "ingos", "ong", "ongs", "ongi", "ong internationale",
            "ong internacional", "inngo", "non governmental organisation",
            "non governmental organization", "nongovernmental organization", "charity",
            "association", "associacao", "asociacion", "cso", "civil society",
            "civil society organisation", "civil society organization", "osc",
            "organisation non gouvernementale", "organizacao nao governamental",
            "organizacion no gubernamental", "منظمة غير حكومية", "جمعية", "منظمة مجتمع مدني",
        ),
        Kind.NGO,
    ),
    **dict.fromkeys(
        (
            "network", "coalition", "alliance", "platform", "federation", "rede", "coalizao",
            "coligacao", "red", "coalicion", "reseau", "plateforme", "plataforma", "شبكة",
            "تحالف", "ائتلاف",
        ),
        Kind.NETWORK,
    ),
    **dict.fromkeys(
        (
            "faith", "faith based", "faith based organisation", "faith based organization",
            "fbo", "religious", "religious organisation", "religious organization", "church",
            "mosque", "synagogue", "temple", "confessionnelle", "organisation confessionnelle",
            "eglise", "mosquee", "religieuse", "igreja", "mesquita", "religiosa",
            "organizacao religiosa", "iglesia", "mezquita", "organizacion religiosa",
            "confesional", "منظمة دينية", "كنيسة", "مسجد", "دينية",
        ),
        Kind.FAITH_BASED,
    ),
    **dict.fromkeys(
        (
            "academic", "academia", "university", "college", "school", "research institute",
            "think tank", "universite", "academique", "universidade", "academico",
            "universidad", "instituto de investigacion", "جامعة", "أكاديمية", "اكاديمية",
            "مؤسسة أكاديمية",
        ),
        Kind.ACADEMIC,
    ),
    **dict.fromkeys(
        (
            "union", "trade union", "trades union", "labour union", "labor union", "syndicat",
            "syndicale", "union syndicale", "sindicato", "sindical", "central sindical",
            "نقابة", "اتحاد نقابي", "نقابة عمالية",
        ),
        Kind.TRADE_UNION,
    ),
    **dict.fromkeys(
        ("foundation", "fondation", "fundacao", "fundacion", "stiftung", "مؤسسة خيرية"),
        Kind.FOUNDATION,
    ),
    **dict.fromkeys(("other", "autre", "outro", "otro", "أخرى", "اخرى", "غير ذلك"), Kind.OTHER),
}  # fmt: skip


def _folded(table: Mapping[str, str]) -> dict[str, str]:
    return {normalize_name(key): value for key, value in table.items()}


@functools.cache
def _headers() -> dict[str, str]:
    return {**_folded(HEADER_ALIASES), **{column: column for column in COLUMNS}}


def header_column(value: Any) -> str:
    heading = normalize_name(str(value or ""))
    return _headers().get(heading, heading)


@functools.cache
def _countries_by_name() -> dict[str, str]:
    """Country names in every language of the site (English last, so that it wins should two
    languages ever give one name to two countries), then the short forms people use."""
    names: dict[str, str] = {}
    languages = [code for code, _name in settings.LANGUAGES if code != "en"] + ["en"]
    for language in languages:
        with translation.override(language):
            names.update((normalize_name(str(name)), code) for code, name in countries)
    return {**names, **_folded(COUNTRY_ALIASES)}


# A file names the same few dozen countries thousands of times.
@functools.lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """An ISO 3166-1 code (alpha-2 or alpha-3) or a country's name in one of the site's
    languages ("Brasil", "Côte d'Ivoire", "USA"), as alpha-2."""
    text = value.strip()
    if not text:
        return None
    if text.isalpha() and len(text) in (2, 3):
        by_code = countries.alpha2(text.upper())
        if by_code:
            return by_code
    by_name = _countries_by_name().get(normalize_name(text))
    if by_name:
        return by_name
    # django-countries also knows official names ("Viet Nam", "Russian Federation").
    with translation.override("en"):
        return countries.by_name(text) or None


@functools.cache
def _kinds() -> dict[str, str]:
    """The types' labels in every language of the site, their codes, and the synonyms."""
    labels: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update(
                (normalize_name(str(label)), code) for code, label in Organization.Kind.choices
            )
    return {
        **labels,
        **{normalize_name(code): code for code in Organization.Kind.values},
        **_folded(KIND_SYNONYMS),
    }


def kind_code(value: str) -> str | None:
    """The type a cell names, case, accents and punctuation aside; NGO when it is empty,
    None when it names none of them."""
    if not value:
        return Organization.Kind.NGO
    return _kinds().get(normalize_name(value))
