"""The world map of a letter's signatories: vendored country shapes (svg-maps' World, CC BY
4.0, static/vendor/svg-maps-world/), keyed by ISO 3166-1 alpha-2 code, shaded on the server by
how many listed organisations each country has. No tiles, no script: the SVG is part of the
page, so it is cached with it.

The vendored file holds 1.2 MB of path data, drawn to a precision no screen shows. It is read
once per process (about 0.15 s) and redrawn on a grid of a tenth of a unit (the map is 1010
units wide), with points closer than MIN_STEP units to the last one dropped: 149 kB (35 kB
gzipped) for the whole world, the same picture at the widths a page gives it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signatories.public import countries_by_name

WORLD_SVG = Path(__file__).resolve().parent.parent / "static/vendor/svg-maps-world/world.svg"
VIEW_BOX = "0 0 1010 666"
# Shading classes beyond "none": 5 steps of a colour-blind-safe sequential blue.
LEVELS = 5
MIN_STEP = 1.5

_PATH = re.compile(r"<path\s+([^>]*)/>", re.S)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_TOKEN = re.compile(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _simplified(d: str) -> str:
    """The outline in relative moves on a 0.1 grid, without the points too close to matter.
    Understands the commands the vendored file uses: moves, lines and closes."""
    tokens = _TOKEN.findall(d)
    out: list[str] = []
    x = y = 0.0  # the current point, exact
    px = py = 0  # the last point written, in tenths
    start = (0.0, 0.0)
    command = ""
    ring: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal px, py
        if len(ring) < 3:
            ring.clear()
            return
        first = True
        for qx, qy in ring:
            dx, dy = qx - px, qy - py
            out.append(f"{'m' if first else ''}{dx / 10:g} {dy / 10:g}")
            first = False
            px, py = qx, qy
        out.append("z")
        # A close takes the pen back to the ring's first point.
        px, py = ring[0]
        ring.clear()

    def point(nx: float, ny: float) -> None:
        q = (round(nx * 10), round(ny * 10))
        if ring and math.dist(q, ring[-1]) < MIN_STEP * 10:
            return
        ring.append(q)

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                x, y = start
                flush()
                # After a close, the pen is back at the ring's start; the next ring's first
                # point is written relative to the last point written, which flush tracks.
            continue
        if command in "Mm":
            nx, ny = float(tokens[i]), float(tokens[i + 1])
            i += 2
            if command == "m":
                nx, ny = x + nx, y + ny
            if ring:
                flush()
            x, y = nx, ny
            start = (x, y)
            point(x, y)
            command = "l" if command == "m" else "L"
        elif command in "Ll":
            nx, ny = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + nx, y + ny) if command == "l" else (nx, ny)
            point(x, y)
        elif command in "Hh":
            value = float(tokens[i])
            i += 1
            x = x + value if command == "h" else value
            point(x, y)
        elif command in "Vv":
            value = float(tokens[i])
            i += 1
            y = y + value if command == "v" else value
            point(x, y)
        else:
            raise ValueError(f"unexpected path command {command!r} in {WORLD_SVG.name}")
    flush()
    # The first move of a path is relative to the origin: "m" from (0, 0) is absolute.
    return "".join(part if part == "z" else f" {part}" for part in out).strip()


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, str]:
    """ISO alpha-2 code (upper case) to path data, for every shape in the vendored map."""
    shapes: dict[str, str] = {}
    for match in _PATH.finditer(WORLD_SVG.read_text(encoding="utf-8")):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        code = attributes.get("id", "").upper()
        if code and "d" in attributes:
            shapes[code] = _simplified(attributes["d"])
    return shapes


@dataclass(frozen=True)
class MapCountry:
    code: str
    path: str
    count: int = 0
    level: int = 0
    label: str = ""
    href: str = ""


@dataclass(frozen=True)
class LegendStep:
    level: int
    label: str


@dataclass(frozen=True)
class WorldMap:
    view_box: str
    shaded: list[MapCountry]
    # Every country without a listed signatory, as one path: nothing to link or name.
    unshaded: str
    legend: list[LegendStep]
    # For the table: (name, count, href), in the reader's alphabetical order.
    rows: list[tuple[str, int, str]]
    selected: str = ""


def _lower_bounds(highest: int) -> list[int]:
    """The smallest count of each shading level: one level per count up to LEVELS, then
    geometric steps (1, 3, 9, 28, 84 for a largest count of 250), since a few countries
    always have many more signatories than the rest."""
    if highest <= LEVELS:
        return list(range(1, highest + 1))
    bounds = [1]
    for k in range(1, LEVELS):
        bound = max(round(highest ** (k / LEVELS)), bounds[-1] + 1)
        bounds.append(bound)
    return bounds


def _level(count: int, bounds: list[int]) -> int:
    """1 to LEVELS; with fewer classes than colours, the highest class takes the darkest."""
    return sum(1 for bound in bounds if count >= bound) + LEVELS - len(bounds)


def _range_label(low: int, high: int) -> str:
    if low == high:
        return str(low)
    return _("%(low)s\u2013%(high)s") % {"low": low, "high": high}


def world_map(
    per_country: dict[str, int], href: Callable[[str], str], selected: str = ""
) -> WorldMap:
    """The map of `per_country` (code to number of listed organisations); `href` gives a
    country's list. Countries the map has no shape for (too small at this scale) are still
    in the table."""
    shapes = country_shapes()
    counts = {code: n for code, n in per_country.items() if n > 0}
    bounds = _lower_bounds(max(counts.values(), default=0))
    rows = []
    shaded = []
    for code, name in countries_by_name(counts):
        count = counts[code]
        link = href(code)
        rows.append((name, count, link))
        if code in shapes:
            label = ngettext(
                "%(country)s: %(n)s organisation", "%(country)s: %(n)s organisations", count
            ) % {"country": name, "n": count}
            shaded.append(MapCountry(code, shapes[code], count, _level(count, bounds), label, link))
    unshaded = " ".join(path for code, path in shapes.items() if code not in counts)
    highest = max(counts.values(), default=0)
    legend = [
        LegendStep(
            level=i + 1 + LEVELS - len(bounds),
            label=_range_label(low, (bounds[i + 1] - 1) if i + 1 < len(bounds) else highest),
        )
        for i, low in enumerate(bounds)
    ]
    return WorldMap(VIEW_BOX, shaded, unshaded, legend, rows, selected)
