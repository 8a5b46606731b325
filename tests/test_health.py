from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


@pytest.mark.django_db
def test_healthy_without_redis_reports_eager_broker(
    client: Client, settings: SettingsWrapper
) -> None:
    settings.REDIS_URL = ""
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}


@pytest.mark.django_db
def test_healthy_with_redis_reachable(
    client: Client, settings: SettingsWrapper, redis_url: str
) -> None:
    settings.REDIS_URL = redis_url
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_broker_down_answers_503_naming_the_broker(
    client: Client, settings: SettingsWrapper, closed_port: int
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}
    assert "no-cache" in response["Cache-Control"]
