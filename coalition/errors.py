"""Error pages that say what happened in plain words, and never a stack trace."""

from __future__ import annotations

import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A missing or stale form token (an old tab, cookies blocked): say how to carry on."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unreachable: a temporary state worth a retry."""
    _type, exc, _tb = sys.exc_info()
    if isinstance(exc, DatabaseError):
        # Rendered without the request: its user and session would need the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
