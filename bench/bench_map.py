"""The world map's cost: reading the vendored shapes (once per process), and drawing the map
of a letter with signatories in every country (once per count change and language: the page
keeps it in its fragment cache), beside a bare baseline in the same run: rendering the
signatories page's country menu, a template of the same page that every request renders.

    .venv/bin/python bench/bench_map.py
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coalition.settings")
os.environ.setdefault("DEBUG", "True")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402
from django_countries import countries  # noqa: E402

from letters import worldmap  # noqa: E402

RUNS = 30


def median_ms(action: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    shapes = worldmap.country_shapes()
    print(f"reading {len(shapes)} shapes once per process: {time.perf_counter() - start:.2f} s")
    # 20,000 signatories in every country, a few far larger than the rest.
    codes = [code for code, _name in countries]
    per_country = {code: 1 + (7919 * i) % 40 for i, code in enumerate(codes)}
    per_country.update({"BR": 2500, "FR": 1800, "US": 1200})

    def draw_map() -> str:
        world = worldmap.world_map(per_country, lambda code: f"?country={code}")
        return render_to_string("letters/_map.html", {"map": world})

    def country_menu() -> str:
        options = [(code, f"{code} ({n})") for code, n in per_country.items()]
        return render_to_string(
            "letters/_signatory_page.html",
            {"countries": options, "listed_total": 0, "total": 0, "groups": []},
        )

    for language in ("en", "ar"):
        with translation.override(language):
            html = draw_map()
            baseline = median_ms(country_menu)
            drawn = median_ms(draw_map)
            print(
                f"{language}: map of {len(per_country)} countries {drawn:.1f} ms "
                f"(country menu baseline {baseline:.1f} ms, ratio {drawn / baseline:.1f}); "
                f"{len(html) / 1024:.0f} kB, {len(gzip.compress(html.encode())) / 1024:.0f} kB "
                "gzipped"
            )


if __name__ == "__main__":
    main()
