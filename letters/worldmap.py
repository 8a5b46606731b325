"""The world map of a letter's signatories: vendored country shapes (svg-maps' World, CC BY
4.0, static/vendor/svg-maps-world/), keyed by ISO 3166-1 alpha-2 code, shaded on the server by
how many listed organisations each country has. No tiles, no script: the SVG is part of the
page, so it is cached with it.

The vendored file holds 1.2 MB of path data, drawn to a precision no screen shows. It is read
once per process (about 0.2 s) and redrawn on a grid of a tenth of a unit (the map is 1010
units wide), with points closer than MIN_STEP units to the last one dropped: 157 kB (37 kB
gzipped) for the whole world, the same picture at the widths a page gives it."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from signatories.public import countries_by_name

WORLD_SVG = Path(__file__).resolve().parent.parent / "static/vendor/svg-maps-world/world.svg"
VIEW_BOX = "0 0 1010 666"
# Shading classes beyond "none": 5 steps of a colour-blind-safe sequential blue.
LEVELS = 5
MIN_STEP = 1.5
# A country whose outline fits in a box this many units wide also gets a dot.
SMALL = 4.0

_PATH = re.compile(r"<path\s+([^>]*)/>", re.S)
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_TOKEN = re.compile(r"[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Shape:
    path: str
    # Where to put a dot for a country too small to see or to tap at this scale (Malta,
    # Singapore, Bahrain...), or None.
    marker: tuple[float, float] | None = None


def _simplified(d: str, min_step: float = MIN_STEP) -> Shape:
    """The outline (an absolute first move, then relative ones) on a 0.1 grid, without the
    points closer than `min_step` to the last one kept. Understands the commands the vendored
    file uses: moves, lines and closes."""
    tokens = _TOKEN.findall(d)
    out: list[str] = []
    x = y = 0.0  # the current point, exact
    px = py = 0  # the last point written, in tenths
    start = (0.0, 0.0)
    command = ""
    ring: list[tuple[int, int]] = []
    xs: list[float] = []
    ys: list[float] = []

    def flush() -> None:
        nonlocal px, py, ring
        if len(ring) >= 3:
            absolute = not out
            for index, (qx, qy) in enumerate(ring):
                if absolute and not index:
                    # Absolute, so that the paths of many countries can be joined into one;
                    # the lines after it are relative ("l"), as after every later "m".
                    out.append(f"M{qx / 10:g} {qy / 10:g}")
                else:
                    dx, dy = qx - px, qy - py
                    prefix = "m" if not index else ("l" if absolute and index == 1 else "")
                    out.append(f"{prefix}{dx / 10:g} {dy / 10:g}")
                px, py = qx, qy
            out.append("z")
            # A close takes the pen back to the ring's first point.
            px, py = ring[0]
        ring = []

    def point(nx: float, ny: float) -> None:
        xs.append(nx)
        ys.append(ny)
        q = (round(nx * 10), round(ny * 10))
        if ring and math.dist(q, ring[-1]) < min_step * 10:
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
    # Numbers, spaces and m/l/z only, written here: nothing to escape in a 150 kB string.
    path = mark_safe(" ".join(out).replace(" z", "z"))  # noqa: S308
    marker = None
    if xs and max(max(xs) - min(xs), max(ys) - min(ys)) < SMALL:
        marker = (round((max(xs) + min(xs)) / 2, 1), round((max(ys) + min(ys)) / 2, 1))
    return Shape(path, marker)


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, Shape]:
    """ISO alpha-2 code (upper case) to its shape, for every country in the vendored map."""
    shapes: dict[str, Shape] = {}
    for match in _PATH.finditer(WORLD_SVG.read_text(encoding="utf-8")):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        code = attributes.get("id", "").upper()
        if code and "d" in attributes:
            # Too small to survive the simplification (Andorra, Malta, the Vatican): finer.
            for min_step in (MIN_STEP, 0.2, 0.0):
                shape = _simplified(attributes["d"], min_step)
                if shape.path:
                    break
            shapes[code] = shape
    return shapes


@dataclass(frozen=True)
class MapCountry:
    code: str
    path: str
    marker: tuple[float, float] | None = None
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
    return f"{low}\u2013{high}"  # the same en dash range in every language


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
            shape = shapes[code]
            shaded.append(
                MapCountry(
                    code=code,
                    path=shape.path,
                    marker=shape.marker,
                    count=count,
                    level=_level(count, bounds),
                    label=label,
                    href=link,
                )
            )
    unshaded = mark_safe(  # noqa: S308 -- joined paths of our own (see _simplified)
        " ".join(shape.path for code, shape in shapes.items() if code not in counts)
    )
    highest = max(counts.values(), default=0)
    legend = [
        LegendStep(
            level=i + 1 + LEVELS - len(bounds),
            label=_range_label(low, (bounds[i + 1] - 1) if i + 1 < len(bounds) else highest),
        )
        for i, low in enumerate(bounds)
    ]
    return WorldMap(VIEW_BOX, shaded, unshaded, legend, rows, selected)
