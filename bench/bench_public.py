"""Requests per second for the public pages under a surge: the letter page, count.json and the
signatories page, served by gunicorn against PostgreSQL and Redis, with 20,000 signatories.

    .venv/bin/python bench/bench_public.py

Defaults: DATABASE_URL=postgres://postgres@127.0.0.1:5432/coalition_bench_public and
REDIS_URL=redis://127.0.0.1:6379/13. The database is created and filled on the first run and
reused afterwards. Everything stays on the loopback interface. It prints figures and asserts
nothing about time. Options: --signatories N (20000), --workers N (gunicorn, one per CPU),
--clients N (concurrent client processes, 4), --requests N (per page, 2000), --refill.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from database import ensure_database  # noqa: E402 -- bench/ is the script's folder

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coalition_bench_public")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["DEBUG"] = "False"  # DEBUG would keep every query in memory
os.environ["DJANGO_SETTINGS_MODULE"] = "coalition.settings"

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LETTER_SLUG = "bench-public"
EMAIL_PREFIX = "bench-public-"
NAMES = (
    "Friends & Allies of {n}",
    "Médecins pour la Paix {n}",
    "جمعية حقوق الإنسان {n}",
    "Réseau des Femmes {n}",
    "Syndicat National {n}",
    "Fundación Ñandú {n}",
    "Peace Brigades {n}",
)


def refuse_remote_services() -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        host = urlsplit(os.environ[name]).hostname
        if host not in LOOPBACK:
            sys.exit(
                f"{name} points at {host}: this benchmark only runs against loopback services."
            )


def fill(signatories: int, refill: bool) -> None:
    """One open letter with `signatories` approved endorsements in 120 countries, one in
    twenty unlisted, and a handful pending."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from letters.demo import LETTER
    from letters.models import Letter
    from signatories import counts
    from signatories.continents import COUNTRY_CONTINENT
    from signatories.models import Endorsement, Organization, User, domain_of, normalize_name

    countries = sorted(COUNTRY_CONTINENT)

    call_command("migrate", verbosity=0)
    letter, _ = Letter.objects.update_or_create(
        slug=LETTER_SLUG,
        defaults={
            "title": LETTER["title"],
            "summary": LETTER["summary"],
            "body": LETTER["body"],
            "recipients": LETTER["recipients"],
            "status": Letter.Status.OPEN,
        },
    )
    have = Endorsement.objects.filter(letter=letter).approved().count()
    if have == signatories and not refill:
        counts.signatory_count_refresh(letter=letter)
        return
    print(f"Filling {signatories:,} signatories…", file=sys.stderr)
    with transaction.atomic():
        Endorsement.objects.filter(letter=letter).delete()
        Organization.objects.filter(user__email__startswith=EMAIL_PREFIX).delete()
        User.objects.filter(email__startswith=EMAIL_PREFIX).delete()
    now = timezone.now()
    batch = 5000
    for start in range(0, signatories, batch):
        numbers = range(start, min(start + batch, signatories))
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(email=f"{EMAIL_PREFIX}{n}@org{n}.example.org", password=make_password(None))
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
                        # Skewed like a real letter: a few countries sign far more than others.
                        country=countries[n % 13 if n % 3 else n % len(countries)],
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
                    listed_publicly=n % 20 != 0,
                    verified_at=now,
                    approved_at=now - timedelta(seconds=signatories - n),
                )
                for n, organization in zip(numbers, organizations, strict=True)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would soon: plans for the real row counts
    counts.signatory_count_refresh(letter=letter)


def measure_in_process(paths: dict[str, str], repeat: int = 50) -> dict[str, tuple[int, float]]:
    """For each page: the SQL queries one request costs once the count is cached, and the
    median time Django takes to answer it (test client, same database and cache, no network,
    one request at a time)."""
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def fetch(path: str) -> None:
        response = client.get(path)
        if response.streaming:
            cast(StreamingHttpResponse, response).getvalue()

    result = {}
    for label, path in paths.items():
        fetch(path)
        with CaptureQueriesContext(connection) as queries:
            fetch(path)
        captured = len(queries)  # before the next request resets Django's query log
        times = []
        for _ in range(repeat if not path.endswith(".csv") else 3):
            started = time.perf_counter()
            fetch(path)
            times.append(time.perf_counter() - started)
        result[label] = (captured, statistics.median(times) * 1000)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "coalition.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "/healthz/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz/ within 30 s")


def get(port: int, path: str) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "en"})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def client_run(port: int, path: str, requests: int) -> tuple[list[float], int]:
    """One client process: `requests` requests one after the other; latencies and errors."""
    latencies, errors = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        try:
            status, _ = get(port, path)
        except OSError:
            status = 0
        latencies.append(time.perf_counter() - started)
        errors += status != 200
    return latencies, errors


def load(port: int, path: str, clients: int, requests: int) -> dict[str, float]:
    per_client = max(1, requests // clients)
    with ProcessPoolExecutor(max_workers=clients) as pool:
        started = time.perf_counter()
        results = list(
            pool.map(client_run, [port] * clients, [path] * clients, [per_client] * clients)
        )
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for result in results for latency in result[0])
    return {
        "requests": len(latencies),
        "errors": sum(result[1] for result in results),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatories", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()

    refuse_remote_services()
    ensure_database()
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    fill(args.signatories, args.refill)

    base = f"/letters/{LETTER_SLUG}"
    pages = {
        "letter page": f"{base}/",
        "count.json": f"{base}/count.json",
        "signatories, page 1": f"{base}/signatories/",
        "signatories, page 150": f"{base}/signatories/?page=150",
        "signatories, ?country=FR": f"{base}/signatories/?country=FR",
        "signatories, ?q=paix": f"{base}/signatories/?q=paix",
        "embed": f"{base}/embed/",
    }
    in_process = measure_in_process({**pages, "signatories.csv": f"{base}/signatories.csv"})

    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        for path in pages.values():
            for _ in range(10):
                get(port, path)
        print(
            f"{args.signatories:,} signatories · gunicorn {args.workers} sync workers · "
            f"{args.clients} client processes · {os.cpu_count()} CPUs shared by both · "
            f"load average {os.getloadavg()[0]:.1f} before the run"
        )
        print(
            f"{'page':<26}{'queries':>8}{'Django ms':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'errors':>8}"
        )
        for label, path in pages.items():
            queries, django_ms = in_process[label]
            figures = load(port, path, args.clients, args.requests)
            print(
                f"{label:<26}{queries:>8}{django_ms:>10.1f}{figures['rps']:>8.0f}"
                f"{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}{figures['errors']:>8.0f}"
            )
        started = time.perf_counter()
        status, size = get(port, f"{base}/signatories.csv")
        print(
            f"signatories.csv: {size / 2**20:.1f} MiB in {time.perf_counter() - started:.2f} s "
            f"(status {status}, {in_process['signatories.csv'][0]} queries)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
