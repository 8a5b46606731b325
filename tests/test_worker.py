"""The wiring, end to end: a real Celery worker on Redis delivers the mail to a real SMTP
server; mail written while the broker was unreachable goes out once it is back; and no mail
waits behind a PDF, which renders on a worker of its own."""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coalition.celery import app as celery_app
from letters import pdf
from letters.models import LetterPdf
from signatories import outbox
from signatories.models import Endorsement, OutgoingMail

from .conftest import Inbox, free_port
from .helpers import approved_signatories_in_bulk, sign_form

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_delivers_the_verification_mail_over_smtp(
    client: Client, letter, smtp_server: tuple[Inbox, int], start_worker
) -> None:
    inbox, _port = smtp_server
    start_worker()
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 302
    (message,) = inbox.wait_for(1, timeout=60)
    assert message["To"] == "rania@friends-allies.example.org"
    assert "Confirm that Friends & Allies of Aleppo signs" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", text)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Check and confirm" in html
    wait_until_sent()


def wait_until_sent() -> None:
    """The worker marks the row sent just after the server took the message."""
    deadline = time.monotonic() + 30
    while OutgoingMail.objects.get().status != OutgoingMail.Status.SENT:
        assert time.monotonic() < deadline, "the sent mail was never marked sent"
        time.sleep(0.1)


@pytest.fixture
def broker_unreachable(point_celery_at):
    """Point the web side's Celery at a port where nothing listens; calling it points back."""
    real = celery_app.conf.broker_url
    point_celery_at(f"redis://127.0.0.1:{free_port()}/0")
    return lambda: point_celery_at(real)


def test_mail_written_while_the_broker_is_unreachable_goes_out_when_it_is_back(
    client: Client,
    letter,
    smtp_server: tuple[Inbox, int],
    start_worker,
    broker_unreachable,
    settings,
) -> None:
    inbox, _port = smtp_server
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 302  # no error page: the endorsement is saved
    assert Endorsement.objects.get().status == Endorsement.Status.UNVERIFIED
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.QUEUED

    broker_unreachable()  # the broker is back
    worker: subprocess.Popen = start_worker()
    settings.OUTBOX_STALE_SECONDS = 0
    assert outbox.outgoing_mail_sweep() == 1
    messages = inbox.wait_for(1, timeout=60)
    assert [m["To"] for m in messages] == ["rania@friends-allies.example.org"]
    wait_until_sent()
    assert worker.poll() is None


def wait_for_workers(count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while len(celery_app.control.ping(timeout=0.5) or []) < count:
        assert time.monotonic() < deadline, "the workers never answered"


def test_a_confirmation_mail_goes_out_within_seconds_while_the_pdf_worker_renders(
    client: Client, letter, smtp_server: tuple[Inbox, int], start_worker, settings
) -> None:
    inbox, _port = smtp_server
    # Long enough that its PDF renders for well over ten seconds on a two-core machine.
    approved_signatories_in_bulk(letter, 3500)
    start_worker(queues="pdf", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    start_worker()
    wait_for_workers(2)
    pdf_url = reverse("letters:pdf", kwargs={"slug": letter.slug})
    assert client.get(pdf_url).status_code == 503
    queued = pdf._queued_key(letter.pk, "en", "public")
    deadline = time.monotonic() + 20
    while cache.get(queued) is not None:  # the PDF worker clears it as it starts the render
        assert time.monotonic() < deadline, "the PDF worker never started the render"
        time.sleep(0.1)
    render_started = time.monotonic()

    response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 302
    signed = time.monotonic()
    # Before: the one worker took the mail after the render (233 s behind four of them).
    (message,) = inbox.wait_for(1, timeout=10)
    delivered = time.monotonic()
    assert message["To"] == "rania@friends-allies.example.org"
    assert delivered - signed < 10
    assert not LetterPdf.objects.exists(), "the PDF was no longer rendering: no overlap shown"

    deadline = time.monotonic() + 90
    while not LetterPdf.objects.exists():
        assert time.monotonic() < deadline, "the PDF worker never stored the PDF"
        time.sleep(0.5)
    print(
        f"mail delivered {delivered - signed:.1f} s after signing; "
        f"the PDF took {time.monotonic() - render_started:.1f} s"
    )
