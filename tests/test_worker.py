"""The wiring, end to end: a real Celery worker on Redis delivers the mail to a real SMTP
server; and mail written while the broker was unreachable goes out once it is back."""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from django.test import Client

from coalition.celery import app as celery_app
from signatories import outbox
from signatories.models import Endorsement, OutgoingMail

from .conftest import Inbox, free_port
from .helpers import sign_form

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
