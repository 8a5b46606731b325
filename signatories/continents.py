from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Continent(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")


# No organisation can sign from these, so they count towards no continent.
UNINHABITED: frozenset[str] = frozenset({"AQ", "BV", "GS", "HM", "TF", "UM"})


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Follows the UN M49 geoscheme regions (e.g. Cyprus and Turkey in Asia, Russia in Europe).
CODES_BY_CONTINENT: dict[str, frozenset[str]] = {
    Continent.AFRICA: _codes(
        "DZ EG LY MA SD TN EH "
        "IO BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "
        "AO CM CF TD CG CD GQ GA ST "
        "BW SZ LS NA ZA "
        "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"
    ),
    Continent.AMERICAS: _codes(
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
        "BZ CR SV GT HN MX NI PA "
        "AR BO BR CL CO EC FK GF GY PY PE SR UY VE "
        "BM CA GL PM US"
    ),
    Continent.ASIA: _codes(
        "KZ KG TJ TM UZ "
        "CN HK MO KP JP MN KR TW "
        "BN KH ID LA MY MM PH SG TH TL VN "
        "AF BD BT IN IR MV NP PK LK "
        "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"
    ),
    Continent.EUROPE: _codes(
        "BY BG CZ HU PL MD RO RU SK UA "
        "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB "
        "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK "
        "AT BE FR DE LI LU MC NL CH"
    ),
    Continent.OCEANIA: _codes(
        "AU CX CC NZ NF FJ NC PG SB VU GU KI MH FM NR MP PW AS CK PF NU PN WS TK TO TV WF"
    ),
}

COUNTRY_CONTINENT: dict[str, str] = {
    code: continent for continent, codes in CODES_BY_CONTINENT.items() for code in codes
}


def continent_of(country_code: str) -> str | None:
    return COUNTRY_CONTINENT.get(country_code)


def countries_in(continent: str) -> list[str]:
    return sorted(code for code, value in COUNTRY_CONTINENT.items() if value == continent)
