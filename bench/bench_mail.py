"""The worker's CPU per mail: queue N mails (endorsement-received, in the five languages), then
run the send task once per mail as the worker would (one task is published per mail), against
a real SMTP server (aiosmtpd) in a process of its own, and print the worker's CPU per mail, the
wall time, and how many SMTP connections and messages the server saw.

    .venv/bin/python bench/bench_mail.py --mails 500

It uses the database coalition_bench_mail (DATABASE_URL overrides it), creates it if missing and
empties its outbox on each run. It prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from database import ensure_database, in_process_environment  # noqa: E402

# A sink that counts what it was sent, and prints the counts when it is told to stop.
SINK = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
counts = {"connections": 0, "messages": 0}
class Sink:
    async def handle_DATA(self, server, session, envelope):
        counts["messages"] += 1
        return "250 OK"
class Counting(Controller):
    def factory(self):
        counts["connections"] += 1
        return SMTP(self.handler)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
controller = Counting(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
controller.stop()
print(counts["connections"], counts["messages"], flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=500)
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    in_process_environment("coalition_bench_mail")
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    ensure_database()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"

    import django

    django.setup()
    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import transaction

    from letters.models import Letter
    from signatories import emails
    from signatories.models import Endorsement, Organization, OutgoingMail, User
    from signatories.outbox import outgoing_mail_send

    call_command("migrate", verbosity=0)
    OutgoingMail.objects.all().delete()
    letter, _ = Letter.objects.get_or_create(
        slug="bench-mail",
        defaults={"title": "Peace & Justice", "summary": "S", "body": "B", "recipients": "R"},
    )
    languages = ["en", "pt-br", "es", "fr", "ar"]
    endorsements = []
    for n, language in enumerate(languages):
        user, _ = User.objects.get_or_create(
            email=f"bench-mail-{n}@org{n}.example.org", defaults={"language": language}
        )
        organization = Organization.objects.filter(user=user).first()
        if organization is None:
            organization = Organization(user=user, name=f"Friends & Allies {n}", country="FR")
            organization.derive_fields()
            organization.save()
        endorsement, _ = Endorsement.objects.get_or_create(organization=organization, letter=letter)
        endorsements.append(endorsement)
    # Queued without publishing: the tasks are run below, one per mail, and timed.
    with transaction.atomic():
        ids = [
            emails.send_endorsement_received(endorsements[n % len(endorsements)]).pk
            for n in range(args.mails)
        ]
        transaction.get_connection().run_on_commit = []

    started, cpu = time.perf_counter(), time.process_time()
    for mail_id in ids:
        outgoing_mail_send.apply(args=(mail_id,))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started

    sink.terminate()
    out, _ = sink.communicate(timeout=30)
    connections, messages = out.split()
    # Less the one connection aiosmtpd's Controller makes to see that it is up.
    connections = str(int(connections) - 1)
    sent = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count()
    print(
        f"{args.mails} mails: worker CPU {cpu * 1000 / args.mails:.2f} ms per mail "
        f"({cpu:.2f} s), wall {wall:.2f} s; SMTP connections {connections}, "
        f"messages received {messages}, rows sent {sent}"
    )


if __name__ == "__main__":
    main()
