"""Exporting 100,000 endorsements: time and peak memory of each export path, beside the time
PostgreSQL's own `COPY ... TO STDOUT` takes for the same rows (the floor).

    .venv/bin/python bench/bench_export.py   # DATABASE_URL defaults to .../coalition_bench_export

The database is created and filled on the first run (about a minute) and reused afterwards.
Each measurement runs in a fresh process, so that its peak resident memory is its own; Python's
peak allocation (tracemalloc) is measured in a second, separate run because tracing slows the
code down. Options: --rows N (default 100000), --refill.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from database import ensure_database, in_process_environment  # noqa: E402 -- bench/'s own

in_process_environment("coalition_bench_export")

LETTER_SLUG = "bench-export"
ADMIN_EMAIL = "bench-export-admin@example.org"
COUNTRIES = [
    "FR", "SN", "BR", "KE", "IN", "DE", "LB", "MX", "PH", "ZA", "CI", "EG", "AR", "CO", "PE",
    "CL", "BO", "TN", "MA", "JO", "PS", "IQ", "NP", "BD", "ID", "VN", "JP", "KR", "AU", "NZ",
    "FJ", "CA", "US", "GB", "IE", "NO", "SE", "PL", "UA", "TR", "NG", "GH", "ES", "IT", "PT",
    "BE", "NL", "CH", "AT", "GR", "CY", "RO", "BG", "HU", "CZ", "SK", "SI", "HR", "RS", "BA",
    "AL", "MK", "MD", "BY", "LT", "LV", "EE", "FI", "DK", "IS", "CM", "CD", "CG", "GA", "TD",
    "NE", "ML", "BF", "GN", "SL", "LR", "TG", "BJ", "ET", "SO", "SD", "SS", "UG", "RW", "BI",
    "TZ", "MZ", "MW", "ZM", "ZW", "AO", "NA", "BW", "MG", "MU", "PK", "AF", "IR", "SY", "YE",
    "OM", "AE", "QA", "KW", "SA", "BH", "GE", "AM", "AZ", "KZ", "UZ", "KG", "TJ", "MN", "CN",
]  # fmt: skip
NAMES = (
    "Friends & Allies of {n}",
    "Médecins pour la Paix {n}",
    "جمعية حقوق الإنسان {n}",
    "Réseau des Femmes {n}",
    "Syndicat National {n}",
    "Fundación Ñandú {n}",
    '=HYPERLINK("http://x","{n}")',
    "Peace Brigades {n}",
)
PATHS = (
    "admin-csv",
    "admin-json",
    "admin-xlsx",
    "workbook-by-country",
    "public-csv",
    "public-json",
    "import-export-in-memory",
)


def setup_django() -> None:
    import django

    django.setup()


def fill(rows: int, refill: bool) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from letters.models import Letter
    from signatories.models import Endorsement, Organization, User, domain_of, normalize_name

    call_command("migrate", verbosity=0)
    letter, _ = Letter.objects.get_or_create(
        slug=LETTER_SLUG,
        defaults={
            "title": "Benchmark letter",
            "summary": "For the export benchmark.",
            "body": "Text.",
            "recipients": "Everyone",
            "status": Letter.Status.OPEN,
        },
    )
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(email=ADMIN_EMAIL, password="bench admin password 42")  # noqa: S106
    have = Endorsement.objects.filter(letter=letter).count()
    if have == rows and not refill:
        return
    print(f"Filling {rows:,} endorsements…", file=sys.stderr, flush=True)
    with transaction.atomic():
        Endorsement.objects.filter(letter=letter).delete()
        Organization.objects.filter(user__email__startswith="bench-export-").delete()
        User.objects.filter(email__startswith="bench-export-").exclude(email=ADMIN_EMAIL).delete()
    now = timezone.now()
    batch = 5000
    for start in range(0, rows, batch):
        numbers = range(start, min(start + batch, rows))
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(email=f"bench-export-{n}@org{n}.example.org", password="!")  # noqa: S106
                for n in numbers
            )
            organizations = []
            for n, user in zip(numbers, users, strict=True):
                name = NAMES[n % len(NAMES)].format(n=n)
                website = f"https://www.org{n}.example.org"
                organizations.append(
                    Organization(
                        user=user,
                        name=name,
                        normalized_name=normalize_name(name)[:200],
                        country=COUNTRIES[n % len(COUNTRIES)],
                        city="Dakar" if n % 2 else "São Paulo",
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
                    comment="We stand with you." if n % 3 == 0 else "",
                    verified_at=now,
                    approved_at=now,
                )
                for n, organization in zip(numbers, organizations, strict=True)
            )


def measure(path: str, trace: bool) -> dict[str, float]:
    """One export path, its output thrown away as it comes; returns seconds, bytes, peaks."""
    from django.http import StreamingHttpResponse
    from django.test import Client

    from letters.models import Letter
    from signatories.exports import staff
    from signatories.models import Endorsement, User

    letter = Letter.objects.get(slug=LETTER_SLUG)
    queryset = Endorsement.objects.filter(letter=letter)
    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    export_url = (
        f"/admin/signatories/endorsement/export/?status__exact=all&letter__id__exact={letter.pk}"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    size = 0
    if path.startswith("admin-"):
        file_format = {"admin-csv": "0", "admin-xlsx": "1", "admin-json": "2"}[path]
        response = client.post(export_url, {"format": file_format, "resource": "0"})
        assert response.status_code == 200, response.status_code
        for chunk in cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content):
            size += len(chunk)
        response.close()
    elif path == "workbook-by-country":
        for chunk in staff.staff_workbook_by_country(staff.SignatoryResource(), queryset):
            size += len(chunk)
    elif path.startswith("public-"):
        # The open data, as anyone downloads it (approved and listed rows only).
        response = client.get(f"/letters/{letter.slug}/signatories.{path[len('public-') :]}")
        assert response.status_code == 200, response.status_code
        for chunk in cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content):
            size += len(chunk)
        response.close()
    else:
        # django-import-export's own path: the whole dataset in memory, then the whole file.
        dataset = staff.SignatoryResource().export(queryset=queryset)
        size = len(dataset.csv)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0.0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": elapsed,
        "bytes": size,
        "python_peak_mb": peak / 2**20,
        "rss_growth_mb": (rss - rss_before) / 1024,
        "rss_peak_mb": rss / 1024,
    }


def copy_floor() -> dict[str, float]:
    """The same columns, joined and sorted in PostgreSQL, streamed out by COPY."""
    from django.db import connection

    from letters.models import Letter

    letter = Letter.objects.get(slug=LETTER_SLUG)
    sql = f"""
        COPY (
            SELECT o.name, o.country, o.city, o.website, o.kind, o.contact_name, u.email,
                   e.status, e.comment, e.signed_at::date, e.approved_at::date
            FROM signatories_endorsement e
            JOIN signatories_organization o ON o.id = e.organization_id
            JOIN signatories_user u ON u.id = o.user_id
            WHERE e.letter_id = {int(letter.pk)}
            ORDER BY o.country, o.normalized_name, o.name, e.id
        ) TO STDOUT WITH (FORMAT csv, HEADER)
    """
    started = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for block in copy:
            size += len(block)
    return {"seconds": time.perf_counter() - started, "bytes": size}


def child(path: str, trace: bool) -> None:
    setup_django()
    result = copy_floor() if path == "copy" else measure(path, trace)
    print(json.dumps(result), flush=True)


def run_child(path: str, trace: bool = False) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", path] + (["--trace"] if trace else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--refill", action="store_true")
    parser.add_argument("--child", choices=(*PATHS, "copy"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.trace)
        return

    ensure_database()
    setup_django()
    fill(args.rows, args.refill)

    floor = run_child("copy")
    database = urlsplit(os.environ["DATABASE_URL"]).path[1:]
    print(f"\nExport of {args.rows:,} endorsements (PostgreSQL database {database})\n", flush=True)
    header = ("path", "time", "x COPY", "size", "py peak", "RSS +", "RSS")
    print(f"{header[0]:<26}" + "".join(f"{title:>10}" for title in header[1:]), flush=True)
    print(
        f"{'COPY ... TO STDOUT (floor)':<26}{floor['seconds']:>9.2f}s{1:>10.1f}"
        f"{floor['bytes'] / 2**20:>8.1f}MB",
        flush=True,
    )
    for path in PATHS:
        timed = run_child(path)
        traced = run_child(path, trace=True)
        print(
            f"{path:<26}{timed['seconds']:>9.2f}s{timed['seconds'] / floor['seconds']:>10.1f}"
            f"{timed['bytes'] / 2**20:>8.1f}MB{traced['python_peak_mb']:>8.1f}MB"
            f"{timed['rss_growth_mb']:>8.0f}MB{timed['rss_peak_mb']:>8.0f}MB"
        )
    print(
        "\ntime: wall clock, untraced run. py peak: tracemalloc's peak of Python allocations"
        " (traced run).\nRSS +: growth of the process's peak resident memory during the export;"
        " RSS: that peak.\nimport-export-in-memory is the library's own path (a tablib Dataset of"
        " every row),\nshown for comparison; the admin does not use it."
    )


if __name__ == "__main__":
    main()
