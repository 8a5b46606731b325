"""The letter's social preview (Open Graph image) when it has no banner: its title and its
count on a 1200 x 630 card, drawn by Pillow in the reader's language.

Pillow draws a string with one font, and no vendored font holds both Latin and Arabic letters,
so each word is drawn with the font of its script (Noto Sans, Noto Sans Arabic; both OFL, in
static/vendor/) and the words are placed in the order of the paragraph's direction, with runs
of words in the other direction kept in their own order. Titles are a line or three of words,
which this word-level bidi handles; Pillow's Raqm layout shapes the letters of each word."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_bidi, ngettext
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from signatories.public import SignatoryCount

from .models import Letter

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
CARD_MAX_AGE = 3600
CACHE_SECONDS = 24 * 3600
INK, PAPER, ACCENT, MUTED = (255, 255, 255), (11, 61, 110), (255, 191, 71), (205, 220, 235)

_VENDOR = Path(__file__).resolve().parent.parent / "static/vendor"
_FONTS = {
    ("latin", 400): _VENDOR / "noto-sans/noto-sans-latin-400-normal.woff2",
    ("latin", 700): _VENDOR / "noto-sans/noto-sans-latin-700-normal.woff2",
    ("arabic", 400): _VENDOR / "noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
    ("arabic", 700): _VENDOR / "noto-sans-arabic/noto-sans-arabic-arabic-700-normal.woff2",
}
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")


@lru_cache(maxsize=32)
def _font(script: str, weight: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FONTS[(script, weight)]), size)


@dataclass(frozen=True)
class _Word:
    text: str
    rtl: bool


def _words(text: str) -> list[_Word]:
    return [_Word(word, bool(_ARABIC.search(word))) for word in text.split()]


class _Writer:
    def __init__(self, draw: ImageDraw.ImageDraw, *, weight: int, size: int, rtl: bool) -> None:
        self.draw, self.weight, self.size, self.rtl = draw, weight, size, rtl

    def font(self, word: _Word) -> ImageFont.FreeTypeFont:
        return _font("arabic" if word.rtl else "latin", self.weight, self.size)

    def width(self, word: _Word) -> float:
        return self.font(word).getlength(word.text, direction="rtl" if word.rtl else "ltr")

    @property
    def space(self) -> float:
        return _font("latin", self.weight, self.size).getlength(" ")

    def lines(self, words: list[_Word], max_width: float) -> list[list[_Word]]:
        lines: list[list[_Word]] = [[]]
        used = 0.0
        for word in words:
            width = self.width(word)
            if lines[-1] and used + self.space + width > max_width:
                lines.append([])
                used = 0.0
            used += (self.space if lines[-1] else 0) + width
            lines[-1].append(word)
        return [line for line in lines if line]

    def visual_order(self, line: list[_Word]) -> list[_Word]:
        """Left to right on the card: the paragraph's order, with each run of words of the
        other direction kept in its own order."""
        runs: list[list[_Word]] = []
        for word in line:
            if runs and runs[-1][0].rtl == word.rtl:
                runs[-1].append(word)
            else:
                runs.append([word])
        if self.rtl:
            runs.reverse()
        return [word for run in runs for word in (reversed(run) if run[0].rtl else run)]

    def write(self, line: list[_Word], y: float, *, fill: tuple[int, int, int]) -> None:
        words = self.visual_order(line)
        total = sum(self.width(w) for w in words) + self.space * (len(words) - 1)
        x = WIDTH - MARGIN - total if self.rtl else MARGIN
        for word in words:
            self.draw.text(
                (x, y),
                word.text,
                font=self.font(word),
                fill=fill,
                direction="rtl" if word.rtl else "ltr",
            )
            x += self.width(word) + self.space


def _count_lines(count: SignatoryCount) -> tuple[str, str]:
    n = count["signatories"]
    if not n:
        return _("No organisation has signed yet."), ""
    headline = ngettext("%(n)s organisation", "%(n)s organisations", n) % {
        "n": number_format(n, force_grouping=True)
    }
    countries = ngettext("from %(n)s country", "from %(n)s countries", count["countries"]) % {
        "n": count["countries"]
    }
    continents = ngettext("on %(n)s continent", "on %(n)s continents", count["continents"]) % {
        "n": count["continents"]
    }
    return headline, f"{countries} {continents}"


def _draw(letter: Letter, count: SignatoryCount) -> bytes:
    rtl = get_language_bidi()
    title_rtl = letter.shown_language == "ar"
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN
    bottom = HEIGHT - MARGIN - 34
    title_height = bottom - 160 - MARGIN - 24
    # The largest size at which the title fits above the count; a longer one is cut.
    for size in (68, 60, 52, 46, 40, 34):
        title = _Writer(draw, weight=700, size=size, rtl=title_rtl)
        lines = title.lines(_words(letter.title), text_width)
        if len(lines) * size * 1.3 <= title_height:
            break
    lines = lines[: max(1, int(title_height // (size * 1.3)))]
    y: float = MARGIN
    for line in lines:
        title.write(line, y, fill=INK)
        y += size * 1.3
    headline, detail = _count_lines(count)
    big = _Writer(draw, weight=700, size=64, rtl=rtl)
    small = _Writer(draw, weight=400, size=34, rtl=rtl)
    site = _Writer(draw, weight=400, size=30, rtl=rtl)
    for line in site.lines(_words(settings.SITE_NAME), text_width)[:1]:
        site.write(line, bottom, fill=MUTED)
    if detail:
        for line in small.lines(_words(detail), text_width)[:1]:
            small.write(line, bottom - 70, fill=INK)
    for line in big.lines(_words(headline), text_width)[:1]:
        big.write(line, bottom - 70 - 90, fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def letter_card(letter: Letter, count: SignatoryCount) -> bytes:
    """The PNG, from the cache when this title, language and count were drawn already."""
    state = "|".join(
        map(
            str,
            (
                letter.pk,
                get_language(),
                letter.title,
                settings.SITE_NAME,
                count["signatories"],
                count["countries"],
                count["continents"],
            ),
        )
    )
    key = "letter-card:" + sha256(state.encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = _draw(letter, count)
        cache.set(key, png, CACHE_SECONDS)
    return png
