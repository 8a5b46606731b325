"""Every page carries the security headers, whatever it is."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import EndorsementFactory
from .helpers import sign_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls() -> list[str]:
    slug = EndorsementFactory(approved=True).letter.slug
    return [
        "/",
        f"/letters/{slug}/",
        f"/letters/{slug}/sign/",
        f"/letters/{slug}/signatories/",
        f"/letters/{slug}/count.json",
        "/accounts/login/",
        "/healthz/",
        "/letters/no-such-letter/",
    ]


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_every_page_has_a_strict_content_security_policy(client: Client, urls: list[str]) -> None:
    for url in urls:
        policy = directives(client.get(url)["Content-Security-Policy"])
        assert policy["default-src"] == "'self'", url
        assert policy["object-src"] == "'none'", url
        assert policy["base-uri"] == "'none'", url
        assert "unsafe-inline" not in policy.get("script-src", "'self'"), url
        assert "unsafe-eval" not in policy.get("script-src", "'self'"), url


def test_every_page_sets_referrer_permissions_and_framing_policies(
    client: Client, urls: list[str]
) -> None:
    for url in urls:
        response = client.get(url)
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_cookies_are_httponly_and_secure_under_https(client: Client, settings) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    slug = EndorsementFactory().letter.slug
    form = client.get(f"/letters/{slug}/sign/")
    csrf = form.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"]
    signed = client.post(f"/letters/{slug}/sign/", sign_form())
    # Signing opens no session: the "check your mail" page reads a signed cookie of its own.
    assert "sessionid" not in signed.cookies
    address = signed.cookies["signed_email"]
    assert address["httponly"] and address["secure"]
    assert "@" in client.get(signed["Location"]).content.decode()


def test_https_requests_get_hsts(client: Client, settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_when_the_site_is_https(client: Client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz/").status_code == 200  # load balancers probe over http
