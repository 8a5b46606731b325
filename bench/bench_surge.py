"""The surge, side by side with bare Django: Coalition and a bare Django project (bench/bare/)
served by the same gunicorn settings on the same PostgreSQL and Redis, driven by wrk in the
same run; each row is printed as a ratio, because on a shared machine only ratios measured
together mean anything.

    make bench                                   # installs wrk from Debian if it is missing
    .venv/bin/python bench/bench_surge.py --duration 20 --connections 32

| row | Coalition | bare Django |
|---|---|---|
| count.json | /letters/<slug>/count.json | /count.json (a cached count as JSON) |
| letter page | /letters/<slug>/ | /page/ (a one-line HTML page) |
| signatories page | /letters/<slug>/signatories/ | /page/ |
| signing | POST /letters/<slug>/sign/, a new organisation each | POST /form/, one insert |

Signing posts the real sign form (CSRF cookie and token, the form's signed bot-trap token
minted with the same SECRET_KEY as a page would, a unique organisation and address per
request); afterwards the benchmark counts the endorsements, accounts and outbox rows really
saved, and the bare rows inserted. A Celery worker runs beside Coalition, as in production.
Each signature comes from a network of its own (X-Forwarded-For behind a trusted proxy, as
in production behind nginx or a CDN): the throttles and the shared-network check are the
production ones, unchanged.

Defaults: DATABASE_URL=.../coalition_bench_surge, REDIS_URL=redis://127.0.0.1:6379/14, 5,000
signatories on the letter, gunicorn `--workers 2` sync, wrk 2 threads and 32 connections for
15 s per row. It prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coalition_bench_surge")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
sys.path.insert(0, str(BENCH))

import bench_public  # noqa: E402 -- bench/ is the script's folder; fills the letter
from database import accounts_fill, ensure_database  # noqa: E402

# A surge comes from many networks: each signature arrives from its own office's address,
# in X-Forwarded-For as a reverse proxy in front of gunicorn would send it (TRUSTED_PROXIES=1),
# so that the per-network throttles and the shared-network check run as in production.
SURGE = {
    "TRUSTED_PROXIES": "1",
    "EMAIL_URL": "dummymail://",  # the worker renders and "sends"; nothing leaves the machine
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}
GOALS = {"count.json": 0.8, "letter page": 0.5, "signatories page": 0.3, "signing": 0.2}
CSRF_SECRET = secrets.token_hex(16)  # 32 characters: a valid CSRF cookie and token


def wait_for(port: int, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server on port {port} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"nothing answered http://127.0.0.1:{port}{path} within 30 s")


def gunicorn(module: str, port: int, workers: int, cwd: Path, env: dict[str, str]):
    return subprocess.Popen(
        [
            *(str(Path(sys.executable).with_name("gunicorn")), module),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"),
        ],
        cwd=cwd,
        env=env,
    )


def cpu_seconds(parts: dict[str, subprocess.Popen | str]) -> dict[str, float]:
    """CPU seconds (user + system) spent so far by each part: a process we started, with its
    children (gunicorn's workers, Celery's pool), or every process of a service by name."""
    spent = {}
    for label, part in parts.items():
        if isinstance(part, str):
            processes = [p for p in psutil.process_iter(["name"]) if p.info["name"] == part]
        else:
            parent = psutil.Process(part.pid)
            processes = [parent, *parent.children(recursive=True)]
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        spent[label] = total
    return spent


def cpu_per_request(
    parts: dict[str, subprocess.Popen | str], run: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], str]:
    """Run `run()` (a wrk run), and say how many CPU milliseconds each part spent per request."""
    before = cpu_seconds(parts)
    result = run()
    after = cpu_seconds(parts)
    count = max(result["requests"], 1)
    spent = {label: (after[label] - before[label]) * 1000 / count for label in parts}
    figures = ", ".join(f"{label} {ms:.1f}" for label, ms in spent.items())
    return result, f"{figures} (total {sum(spent.values()):.1f}) CPU ms per request"


def wrk(url: str, args: argparse.Namespace, bodies: Path | None = None) -> dict[str, Any]:
    env = {**os.environ, "WRK_THREADS": str(args.threads), "WRK_BODIES": str(bodies or "")}
    if bodies:
        env["WRK_COOKIE"] = f"{args.csrf_cookie}={CSRF_SECRET}"
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--timeout", "10s", "-s", str(BENCH / "wrk" / "report.lua"), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def letter_page_on_the_wire(url: str) -> str:
    """The letter page's bytes as a browser receives them (Accept-Encoding: gzip, as curl
    --compressed) and as a client that accepts no compression does."""
    sizes = []
    for encoding in ("gzip", "identity"):
        request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
        for _ in range(2):  # the first may be the miss that renders it
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 -- loopback
                body = response.read()
                used = response.headers.get("Content-Encoding", "identity")
        sizes.append(f"{len(body):,} bytes ({used})")
    return ", ".join(sizes)


def network(n: int) -> str:
    """The address the n-th request comes from: one network each, as offices signing."""
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def sign_bodies(path: Path, count: int, run: str, csrf_field: str, kind: str) -> None:
    """One sign form per line, each a new organisation and address from a network of its own:
    the client's address, a tab, the urlencoded form."""
    from signatories.forms import BotTrapForm

    shown_at = time.time() - 60  # as if each visitor took a minute to fill the form in
    countries = ["BR", "SY", "FR", "KE", "IN", "AR", "LB", "ZA", "US", "ID"]
    with path.open("w") as file:
        for n in range(count):
            fields = {
                "name": f"Surge Organisation {run} {n}",
                "country": countries[n % len(countries)],
                "city": "Recife",
                "website": f"https://org{n}.{run}.example.org",
                "kind": kind,
                "contact_name": f"Person {n}",
                "description": "",
                "email": f"surge-{run}-{n}@org{n}.{run}.example.org",
                "comment": "",
                "listed_publicly": "on",
                "wants_updates": "on",
                "leave_empty": "",
                "started": BotTrapForm.new_token(shown_at=shown_at),
                csrf_field: CSRF_SECRET,
            }
            file.write(f"{network(n)}\t{urlencode(fields)}\n")


def bare_bodies(path: Path, count: int, run: str) -> None:
    with path.open("w") as file:
        for n in range(count):
            fields = {"name": f"Bare {run} {n}", "email": f"bare-{run}-{n}@example.org"}
            body = urlencode({**fields, "csrfmiddlewaretoken": CSRF_SECRET})
            file.write(f"{network(n)}\t{body}\n")


def saved_signatures(run: str) -> dict[str, int]:
    from signatories.models import Endorsement, OutgoingMail, User

    prefix = f"surge-{run}-"
    return {
        "accounts": User.objects.filter(email__startswith=prefix).count(),
        "endorsements": Endorsement.objects.filter(
            organization__user__email__startswith=prefix
        ).count(),
        "outbox rows": OutgoingMail.objects.filter(to__startswith=prefix).count(),
    }


def mail_sent(run: str, timeout: float = 300) -> None:
    """Wait until the worker has sent every mail this run's signatures queued (it works
    through the backlog after the load stops), so that its CPU is counted whole."""
    from signatories.models import OutgoingMail

    waiting = OutgoingMail.objects.filter(to__startswith=f"surge-{run}-").exclude(
        status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED]
    )
    deadline = time.monotonic() + timeout
    while waiting.exists():
        if time.monotonic() > deadline:
            print(f"WARNING: mail still unsent after {timeout:.0f} s", file=sys.stderr)
            return
        time.sleep(0.5)


def forget_earlier_runs() -> None:
    from signatories.models import Endorsement, Organization, OutgoingMail, User

    Endorsement.objects.filter(organization__user__email__startswith="surge-").delete()
    Organization.objects.filter(user__email__startswith="surge-").delete()
    OutgoingMail.objects.filter(to__startswith="surge-").delete()
    User.objects.filter(email__startswith="surge-").delete()


def bare_table(command: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if command == "reset":
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_bare_entry "
                "(id bigserial PRIMARY KEY, name varchar(200), email varchar(254))"
            )
            cursor.execute("TRUNCATE bench_bare_entry")
            return 0
        cursor.execute("SELECT count(*) FROM bench_bare_entry")
        return cursor.fetchone()[0]


def row(label: str, ours: dict[str, Any], bare: dict[str, Any], title: str = "") -> str:
    ratio = ours["rps"] / bare["rps"] if bare["rps"] else 0.0
    verdict = "ok" if ratio >= GOALS[label] else "BELOW"
    return (
        f"| {title or label} | {ours['rps']:,.0f} | {bare['rps']:,.0f} | {ratio:.2f} | "
        f">= {GOALS[label]} {verdict} | {ours['p50_us'] / 1000:.1f} / {ours['p99_us'] / 1000:.1f}"
        f" | {bare['p50_us'] / 1000:.1f} / {bare['p99_us'] / 1000:.1f}"
        f" | {ours['status_errors'] + ours['socket_errors']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatories", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--bodies", type=int, default=0, help="sign forms to prepare")
    parser.add_argument("--refill", action="store_true")
    parser.add_argument(
        "--accounts",
        default="1000,100000",
        help="accounts on record while signing is measured, one signing row each",
    )
    parser.add_argument(
        "--rows", default=",".join(GOALS), help="which rows, e.g. --rows signing (default: all)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")

    bench_public.refuse_remote_services()
    ensure_database()
    import django

    django.setup()
    from django.conf import settings

    from signatories.models import Organization

    bench_public.fill(args.signatories, args.refill)
    forget_earlier_runs()
    bare_table("reset")
    args.csrf_cookie = settings.CSRF_COOKIE_NAME
    # More forms than the fastest rate seen here could use, so that none is sent twice.
    bodies = args.bodies or 3_000 * args.duration
    workdir = Path(tempfile.mkdtemp(prefix="bench-surge-"))
    bare_bodies(workdir / "bare.txt", bodies, secrets.token_hex(3))
    sizes = [int(size) for size in args.accounts.split(",")]

    ours_port, bare_port = bench_public.free_port(), bench_public.free_port()
    env = {**os.environ, **SURGE, "SITE_URL": f"http://127.0.0.1:{ours_port}"}
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bare", "PYTHONPATH": str(BENCH / "bare")}
    processes = [
        gunicorn("coalition.wsgi:application", ours_port, args.workers, ROOT, env),
        gunicorn("bare:application", bare_port, args.workers, BENCH / "bare", bare_env),
        subprocess.Popen(
            [
                *(str(Path(sys.executable).with_name("celery")), "-A", "coalition", "worker"),
                *("--concurrency", "1", "--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    try:
        wait_for(ours_port, "/healthz/", processes[0])
        wait_for(bare_port, "/page/", processes[1])
        slug = bench_public.LETTER_SLUG
        ours = f"http://127.0.0.1:{ours_port}"
        bare = f"http://127.0.0.1:{bare_port}"
        pairs = {
            "count.json": (f"{ours}/letters/{slug}/count.json", f"{bare}/count.json"),
            "letter page": (f"{ours}/letters/{slug}/", f"{bare}/page/"),
            "signatories page": (f"{ours}/letters/{slug}/signatories/", f"{bare}/page/"),
        }
        rows = args.rows.split(",")
        results = {}
        wire = letter_page_on_the_wire(f"{ours}/letters/{slug}/")
        for label, (ours_url, bare_url) in pairs.items():
            if label not in rows:
                continue
            for url in (ours_url, bare_url):  # warm: caches filled, connections open
                urllib.request.urlopen(url, timeout=10).read()  # noqa: S310 -- http://127.0.0.1
            print(f"{label}…", file=sys.stderr)
            results[label] = (wrk(ours_url, args), wrk(bare_url, args))
        signings = []
        for size in sizes if "signing" in rows else []:
            if size < args.signatories:
                # The letter's signatories are accounts too: fewer, so that the list is this size.
                bench_public.fill(size // 2, refill=True)
            run = secrets.token_hex(3)
            accounts = accounts_fill(size, keep=f"surge-{run}-")
            sign_bodies(
                workdir / "sign.txt", bodies, run, "csrfmiddlewaretoken", Organization.Kind.NGO
            )
            print(f"signing at {accounts:,} accounts…", file=sys.stderr)
            # Where each signature's CPU goes: the web workers, the database, the worker that
            # renders and sends its mail, Redis; and the same for the bare insert.
            services = {"PostgreSQL": "postgres", "Redis": "redis-server"}

            def sign_and_send(run: str = run) -> dict[str, Any]:
                result = wrk(f"{ours}/letters/{slug}/sign/", args, workdir / "sign.txt")
                mail_sent(run)
                return result

            ours_parts = {"web": processes[0], **services, "worker": processes[2]}
            bare_parts = {"web": processes[1], **services}
            signed, ours_cpu = cpu_per_request(ours_parts, sign_and_send)
            bare_table("reset")
            inserted, bare_cpu = cpu_per_request(
                bare_parts, lambda: wrk(f"{bare}/form/", args, workdir / "bare.txt")
            )
            signings.append(
                (accounts, run, signed, inserted, ours_cpu, bare_cpu, bare_table("count"))
            )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\n{args.signatories:,} signatories; gunicorn --workers {args.workers} (sync); "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s\n"
    )
    print(
        "| row | Coalition req/s | bare req/s | ratio | goal | p50 / p99 ms | bare p50 / p99 ms"
        " | errors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, (ours_result, bare_result) in results.items():
        print(row(label, ours_result, bare_result))
    print(f"\nletter page on the wire: {wire}")
    for accounts, _run, signed, inserted, _cpu, _bare_cpu, _rows in signings:
        print(row("signing", signed, inserted, f"signing at {accounts:,} accounts"))
    for accounts, run, signed, bare_signed, ours_cpu, bare_cpu, bare_saved in signings:
        saved = saved_signatures(run)
        accepted = signed["requests"] - signed["status_errors"] - signed["socket_errors"]
        print(
            f"\nsigning at {accounts:,} accounts: {accepted:,} accepted of "
            f"{signed['requests']:,} requests; saved "
            + ", ".join(f"{number:,} {what}" for what, number in saved.items())
            + f" ({saved['endorsements'] / (signed['duration_us'] / 1e6):,.0f} saved signatures/s);"
            f" bare: {bare_saved:,} rows for {bare_signed['requests']:,} requests."
        )
        print(f"signing at {accounts:,} accounts: {ours_cpu}\nbare insert: {bare_cpu}")
        # wrk stops counting at the deadline; the requests then in flight (at most one per
        # connection) still complete on the server and are saved.
        if not accepted <= saved["endorsements"] <= accepted + args.connections:
            print("WARNING: accepted sign requests and saved endorsements differ", file=sys.stderr)
        if not saved["endorsements"] == saved["accounts"] == saved["outbox rows"]:
            print("WARNING: an endorsement was saved without its account or mail", file=sys.stderr)


if __name__ == "__main__":
    main()
