"""The offline import's preview (and, with --confirm, its confirmation) for files of 3,000 and
20,000 rows, through the admin as a staff member uses it, beside the time Python's csv module
takes to read the same file (the floor).

    .venv/bin/python bench/bench_import.py   # DATABASE_URL defaults to .../coalition_bench_import

The database is created and filled on the first run (5,000 organisations already on record, a
fifth of whom already endorsed the letter) and reused afterwards. In each file a tenth of the
rows name an organisation on record by its address and a twentieth by its name and country; the
rest are new. The confirmation runs inside a transaction that is rolled back, so runs repeat.
Options: --rows N (repeatable; default 3000 and 20000), --xlsx (also time .xlsx files),
--confirm, --refill.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from database import ensure_database, in_process_environment  # noqa: E402 -- bench/'s own

in_process_environment("coalition_bench_import")

LETTER_SLUG = "bench-import"
ADMIN_EMAIL = "bench-import-admin@example.org"
EXISTING = 5000
IMPORT_URL = "/admin/signatories/endorsement/import/"
CONFIRM_URL = "/admin/signatories/endorsement/process_import/"
COLUMNS = ["organization", "country", "city", "website", "email", "type"]
COUNTRIES = ["FR", "Senegal", "BRA", "Kenya", "india", "DE", "Lebanon", "MX", "Philippines", "ZA"]
NAMES = (
    "Friends & Allies of {n}",
    "Médecins pour la Paix {n}",
    "جمعية حقوق الإنسان {n}",
    "Réseau des Femmes {n}",
    "Fundación Ñandú {n}",
)
COUNTRY_CODES = ["FR", "SN", "BR", "KE", "IN", "DE", "LB", "MX", "PH", "ZA"]


def setup_django() -> None:
    import django

    django.setup()


def existing_name(n: int) -> str:
    return f"Known Organisation {n}"


def fill(refill: bool) -> None:
    """EXISTING organisations with confirmed addresses; one in five endorsed the letter."""
    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from letters.models import Letter
    from signatories.models import Endorsement, Organization, User, normalize_name

    call_command("migrate", verbosity=0)
    letter, _ = Letter.objects.get_or_create(
        slug=LETTER_SLUG,
        defaults={
            "title": "Benchmark letter",
            "summary": "For the import benchmark.",
            "body": "Text.",
            "recipients": "Everyone",
            "status": Letter.Status.OPEN,
        },
    )
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(email=ADMIN_EMAIL, password="bench admin password 42")  # noqa: S106
    known = Organization.objects.filter(user__email__startswith="bench-import-known-")
    if known.count() == EXISTING and not refill:
        return
    print(f"Filling {EXISTING:,} organisations…", file=sys.stderr, flush=True)
    with transaction.atomic():
        Endorsement.objects.filter(letter=letter).delete()
        Organization.objects.filter(user__email__startswith="bench-import-").delete()
        User.objects.filter(email__startswith="bench-import-").exclude(email=ADMIN_EMAIL).delete()
        users = User.objects.bulk_create(
            User(email=f"bench-import-known-{n}@known{n}.example.org", password="!")  # noqa: S106
            for n in range(EXISTING)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
        )
        organizations = Organization.objects.bulk_create(
            Organization(
                user=user,
                name=existing_name(n),
                normalized_name=normalize_name(existing_name(n)),
                country=COUNTRY_CODES[n % len(COUNTRY_CODES)],
                contact_name=f"Contact {n}",
            )
            for n, user in enumerate(users)
        )
        now = timezone.now()
        Endorsement.objects.bulk_create(
            Endorsement(
                organization=organization,
                letter=letter,
                status=Endorsement.Status.APPROVED,
                verified_at=now,
                approved_at=now,
            )
            for n, organization in enumerate(organizations)
            if n % 5 == 0
        )


def file_rows(count: int) -> list[dict[str, str]]:
    rows = []
    for n in range(count):
        row = {
            "organization": NAMES[n % len(NAMES)].format(n=n),
            "country": COUNTRIES[n % len(COUNTRIES)],
            "city": ["Dakar", "São Paulo", "بيروت", ""][n % 4],
            "website": [f"https://org{n}.example.org", f"www.org{n}.example.net", ""][n % 3],
            "email": f"Contact{n}@Org{n}.example.org",
            "type": ["NGO", "Trade union", "network", ""][n % 4],
        }
        known = n % EXISTING
        if n % 10 == 0:
            row["email"] = f"bench-import-known-{known}@known{known}.example.org"
        elif n % 20 == 1:
            row["organization"] = existing_name(known).upper()
            row["country"] = COUNTRY_CODES[known % len(COUNTRY_CODES)]
        rows.append(row)
    return rows


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def hidden_inputs(page: str) -> dict[str, str]:
    """The confirmation form's fields, as the browser would send them back."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def measure(content: bytes, extension: str, confirm: bool) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client

    from letters.models import Letter
    from signatories.models import User

    letter = Letter.objects.get(slug=LETTER_SLUG)
    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    data = {
        "resource": "0",
        "letter": str(letter.pk),
        "format": "0" if extension == "csv" else "1",
        "import_file": SimpleUploadedFile(f"offline.{extension}", content),
    }
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.post(IMPORT_URL, data)
        preview = time.perf_counter() - started
    page = response.content.decode()
    result: dict[str, Any] = {
        "preview": preview,
        "queries": queries,
        "page_kb": len(response.content) / 1024,
        "ok": response.status_code == 200 and "Confirm import" in page,
    }
    if confirm and result["ok"]:
        with transaction.atomic():
            started = time.perf_counter()
            answer = client.post(CONFIRM_URL, {**hidden_inputs(page), "confirm": "1"})
            result["confirm"] = time.perf_counter() - started
            result["confirm_ok"] = answer.status_code == 302
            transaction.set_rollback(True)
    elif result["ok"]:
        # Leave nothing in the upload store.
        client.post(CONFIRM_URL, {**hidden_inputs(page), "cancel": "1"})
    return result


def csv_floor(content: bytes) -> float:
    started = time.perf_counter()
    for _row in csv.reader(io.StringIO(content.decode("utf-8"))):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--confirm", action="store_true")
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()
    sizes = args.rows or [3000, 20000]

    ensure_database()
    setup_django()
    fill(args.refill)

    database = urlsplit(os.environ["DATABASE_URL"]).path[1:]
    print(
        f"\nOffline import preview ({EXISTING:,} organisations on record, "
        f"PostgreSQL database {database})\n"
    )
    print(
        f"{'file':<14}{'size':>9}{'csv floor':>11}{'preview':>10}{'x floor':>9}"
        f"{'queries':>9}{'page':>9}{'confirm':>10}"
    )
    for rows in sizes:
        for extension in ("csv", "xlsx") if args.xlsx else ("csv",):
            source = file_rows(rows)
            content = csv_bytes(source) if extension == "csv" else xlsx_bytes(source)
            floor = csv_floor(csv_bytes(source))
            result = measure(content, extension, args.confirm)
            confirm = (
                f"{result['confirm']:>9.2f}s" + ("" if result["confirm_ok"] else " (failed)")
                if "confirm" in result
                else f"{'-':>10}"
            )
            print(
                f"{f'{rows:,} .{extension}':<14}{len(content) / 2**20:>7.2f}MB"
                f"{floor:>10.3f}s{result['preview']:>9.2f}s{result['preview'] / floor:>9.0f}"
                f"{result['queries']:>9,}{result['page_kb']:>7.0f}kB{confirm}"
                + ("" if result["ok"] else "  (no confirmation offered)"),
                flush=True,
            )
    print(
        "\npreview: the upload's POST, answered with the preview page (wall clock, one run)."
        "\nx floor: preview time over the time csv.reader takes to read the same rows."
        "\nqueries: SQL queries the preview cost. page: the preview page's size."
        "\nconfirm: the confirmation's POST, rolled back afterwards (with --confirm)."
    )


if __name__ == "__main__":
    main()
