"""Addresses that leave the site (mail, the embed code, open data) are absolute."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
