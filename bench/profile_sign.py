"""Where the time of one sign POST goes: cProfile over N real sign-form submissions through
Django's test client (PostgreSQL and Redis as in production, mail queued to the outbox and
sent by Celery in the worker, not here), printing the functions with the most cumulative time.

    .venv/bin/python bench/profile_sign.py            # 200 signatures; --top 40
    .venv/bin/python bench/profile_sign.py --time-only  # no profiler: ms and CPU ms per POST
    PROFILE_SORT=tottime PROFILE_CALLEES=signatory_sign_up PROFILE_DUMP=sign.prof ...
    PROFILE_QUERIES=1 ...                            # the statements of one POST

Each form comes from a network of its own, urlencoded, as bench_surge.py's wrk sends it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coalition_bench_surge")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
sys.path.insert(0, str(BENCH))

import bench_public  # noqa: E402 -- the letter, and the environment of the other benchmarks
import bench_surge  # noqa: E402
from database import ensure_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatures", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--time-only", action="store_true", help="no profiler: the bare time")
    args = parser.parse_args()
    os.environ.update(bench_surge.SURGE)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "False"
    bench_public.refuse_remote_services()
    ensure_database()
    import django

    django.setup()
    from django.test import Client

    from signatories.models import Organization

    bench_public.fill(1_000, refill=False)
    bench_surge.forget_earlier_runs()
    run = secrets.token_hex(3)
    with tempfile.TemporaryDirectory() as folder:
        bodies = Path(folder) / "sign.txt"
        bench_surge.sign_bodies(bodies, args.signatures + 5, run, "csrfmiddlewaretoken", "ngo")
        # As wrk sends them: urlencoded, each from its own network behind the trusted proxy.
        forms = [line.rstrip("\n").split("\t") for line in bodies.read_text().splitlines()]
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/letters/{bench_public.LETTER_SLUG}/sign/"

    def post(network: str, form: str) -> int:
        response = client.post(
            url, form, "application/x-www-form-urlencoded", HTTP_X_FORWARDED_FOR=network
        )
        client.cookies.clear()
        return response.status_code

    for network, form in forms[:5]:  # warm: templates compiled, connections open
        assert post(network, form) == 302
    assert Organization.Kind.NGO == "ngo"
    if os.environ.get("PROFILE_QUERIES"):  # the statements of one sign POST, in order
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert post(*forms[5]) == 302
        for query in queries.captured_queries:
            print(f"{query['time']}s  {query['sql'][:160]}")
        print(f"{len(queries.captured_queries)} statements\n")
    profile = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    if not args.time_only:
        profile.enable()
    for network, form in forms[5:]:
        status = post(network, form)
        assert status == 302, status
    profile.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if dump := os.environ.get("PROFILE_DUMP"):  # for pstats or snakeviz
        profile.dump_stats(dump)
    print(
        f"{args.signatures} sign POSTs: {elapsed / args.signatures * 1000:.1f} ms each, "
        f"{cpu / args.signatures * 1000:.1f} ms of it on this process's CPU\n"
    )
    if args.time_only:
        return
    order = os.environ.get("PROFILE_SORT", "cumulative")  # or tottime
    stats = pstats.Stats(profile).sort_stats(order)
    stats.print_stats(args.top)
    if callers := os.environ.get("PROFILE_CALLERS"):  # who calls a function, e.g. choices
        stats.print_callers(callers)
    if callees := os.environ.get("PROFILE_CALLEES"):  # where a function's time goes
        stats.print_callees(callees)


if __name__ == "__main__":
    main()
