"""The letter's PDF with 5,000 signatories: time and peak memory to render it in English, in
Arabic, and as the staff copy, beside a one-page PDF rendered by the same WeasyPrint with the
same fonts (the floor: starting the renderer, loading fonts, writing a file).

    .venv/bin/python bench/bench_pdf.py   # DATABASE_URL defaults to .../coalition_bench_pdf

The database is created and filled on the first run and reused afterwards. Each measurement
runs in a fresh process, so that its peak resident memory (ru_maxrss) is its own. Options:
--rows N (default 5000), --refill.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from database import ensure_database, in_process_environment  # noqa: E402 -- bench/'s own

in_process_environment("coalition_bench_pdf")

LETTER_SLUG = "bench-pdf"
COUNTRIES = [
    "FR", "SN", "BR", "KE", "IN", "DE", "LB", "MX", "PH", "ZA", "CI", "EG", "AR", "CO", "PE",
    "CL", "BO", "TN", "MA", "JO", "PS", "IQ", "NP", "BD", "ID", "VN", "JP", "KR", "AU", "NZ",
    "FJ", "CA", "US", "GB", "IE", "NO", "SE", "PL", "UA", "TR", "NG", "GH", "ES", "IT", "PT",
    "BE", "NL", "CH", "AT", "GR", "IL", "TH", "AM", "GE", "ET", "LK", "KH", "PK", "YE", "SY",
]  # fmt: skip
# Names in the scripts signatories use, as long as real ones.
NAMES = (
    "Friends & Allies for Civilian Protection {n}",
    "Médecins pour la Paix et la Dignité {n}",
    "جمعية حقوق الإنسان والتنمية {n}",
    "Réseau des Femmes pour la Paix {n}",
    "Fundación Ñandú para los Derechos Humanos {n}",
    "平和と人権のための市民フォーラム {n}",
    "शांति और मानवाधिकार संगठन {n}",
    "ארגון זכויות האדם {n}",
    "Asociación Civil «Ceibo Azul» de Estudios Humanitarios {n}",
    "Peace Brigades International Chapter {n}",
)
CASES = ("floor", "en", "ar", "en-staff")


def setup_django() -> None:
    import django

    django.setup()


def fill(rows: int, refill: bool) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from letters.demo import LETTER, TRANSLATIONS
    from letters.models import Letter, LetterTranslation
    from signatories.models import Endorsement, Organization, User, domain_of, normalize_name

    call_command("migrate", verbosity=0)
    letter, _ = Letter.objects.get_or_create(
        slug=LETTER_SLUG,
        defaults={
            "title": LETTER["title"],
            "summary": LETTER["summary"],
            "body": LETTER["body"],
            "recipients": LETTER["recipients"],
            "status": Letter.Status.OPEN,
        },
    )
    arabic = TRANSLATIONS["ar"]
    LetterTranslation.objects.get_or_create(
        letter=letter,
        language="ar",
        defaults={key: arabic[key] for key in ("title", "summary", "body", "recipients")}
        | {"published": True},
    )
    if Endorsement.objects.filter(letter=letter).count() == rows and not refill:
        return
    print(f"Filling {rows:,} endorsements…", file=sys.stderr, flush=True)
    with transaction.atomic():
        Endorsement.objects.filter(letter=letter).delete()
        Organization.objects.filter(user__email__startswith="bench-pdf-").delete()
        User.objects.filter(email__startswith="bench-pdf-").delete()
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"bench-pdf-{n}@org{n}.example.org", password="!")  # noqa: S106
            for n in range(rows)
        )
        organizations = []
        for n, user in enumerate(users):
            name = NAMES[n % len(NAMES)].format(n=n)
            website = f"https://www.org{n}.example.org"
            organizations.append(
                Organization(
                    user=user,
                    name=name,
                    normalized_name=normalize_name(name)[:200],
                    country=COUNTRIES[n % len(COUNTRIES)],
                    city=("Dakar", "São Paulo", "بيروت", "", "Kathmandu")[n % 5],
                    website=website,
                    website_domain=domain_of(website),
                    kind=Organization.Kind.NGO,
                    contact_name=f"Contact person {n}",
                )
            )
        organizations = Organization.objects.bulk_create(organizations)
        Endorsement.objects.bulk_create(
            Endorsement(
                organization=organization,
                letter=letter,
                status=Endorsement.Status.APPROVED,
                # One in twenty asked not to be listed: counted, not named.
                listed_publicly=n % 20 != 0,
                verified_at=now,
                approved_at=now,
            )
            for n, organization in enumerate(organizations)
        )


def floor() -> bytes:
    """A one-page PDF through the same renderer, fetcher and fonts."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from letters import pdf

    html = (
        '<style>@font-face { font-family: "Print Sans"; src: url("NotoSans-Regular.ttf"); }'
        '@font-face { font-family: "Print Arabic"; src: url("NotoSansArabic-Regular.ttf"); }'
        'body { font-family: "Print Sans", "Print Arabic"; }</style>'
        "<h1>One page</h1><p>Friends &amp; Allies, جمعية حقوق الإنسان</p>"
    )
    document = HTML(
        string=html, base_url=pdf.FONTS_DIR.as_uri() + "/", url_fetcher=pdf.fonts_only_fetcher()()
    )
    return document.write_pdf(font_config=FontConfiguration())


def measure(case: str) -> dict[str, float]:
    from letters import pdf
    from letters.models import Letter

    letter = Letter.objects.with_translations().get(slug=LETTER_SLUG)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if case == "floor":
        content = floor()
    else:
        language, _, audience = case.partition("-")
        content = pdf.letter_pdf_render(
            letter=letter, language=language, audience=audience or "public"
        )
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"letter-{case}.pdf"
    path.write_bytes(content)
    return {
        "seconds": elapsed,
        "bytes": len(content),
        "pages": _pages(path),
        "rss_growth_mb": (rss - rss_before) / 1024,
        "rss_peak_mb": rss / 1024,
    }


def _pages(path: Path) -> int:
    """From poppler's pdfinfo (the page objects sit in compressed object streams)."""
    if shutil.which("pdfinfo") is None:
        return 0
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def run_child(case: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", case]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        setup_django()
        print(json.dumps(measure(args.child)), flush=True)
        return

    ensure_database()
    setup_django()
    fill(args.rows, args.refill)
    database = urlsplit(os.environ["DATABASE_URL"]).path[1:]
    print(f"\nThe letter's PDF, {args.rows:,} signatories (PostgreSQL database {database})\n")
    header = ("case", "time", "x floor", "pages", "size", "RSS +", "RSS peak")
    print(f"{header[0]:<12}" + "".join(f"{title:>10}" for title in header[1:]), flush=True)
    base = 0.0
    for case in CASES:
        result = run_child(case)
        base = base or result["seconds"]
        print(
            f"{case:<12}{result['seconds']:>9.2f}s{result['seconds'] / base:>9.1f}x"
            f"{int(result['pages']):>10}{result['bytes'] / 2**20:>8.2f}MB"
            f"{result['rss_growth_mb']:>8.0f}MB{result['rss_peak_mb']:>8.0f}MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
