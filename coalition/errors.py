"""Error pages that say what happened in plain words, and never a stack trace.

Bad input is the sender's to fix (400, with what was wrong); an unreachable database is ours
and temporary (503, with Retry-After); anything else is a bug (500)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A missing or stale form token (an old tab, cookies blocked): say how to carry on."""
    return render(request, "403_csrf.html", status=403)


def bad_input(message: str) -> HttpResponse:
    # Rendered without the request: its user and session are read from the database, and
    # the input that brought us here may be the session cookie itself.
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))


def refused_by_database() -> HttpResponse:
    return bad_input(
        _(
            "Something you sent could not be stored as it is: a value is too long, or holds a "
            "character that is not allowed. Please go back, check what you entered, and try "
            "again."
        )
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500; 503 when the database is unreachable, a temporary state worth a retry; 400 when
    the database refused a value that got past the forms (BadInputMiddleware answers those
    raised in views; this catches the ones raised in middleware)."""
    _type, exc, _tb = sys.exc_info()
    if isinstance(exc, OperationalError | InterfaceError):
        # Rendered without the request: its user and session would need the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    if isinstance(exc, DataError):
        return refused_by_database()
    return HttpResponse(render_to_string("500.html"), status=500)


class BadInputMiddleware:
    """Bad input gets a 400 that says so, never the 503 that says we are down.

    A null character in the query string is refused before any view runs: no page takes
    one, and PostgreSQL refuses it in any query. A value the database refuses anyway (a
    DataError: too long for its column, a null character, out of range) is answered the
    same way, and logged, since it means a form or a view lets such a value through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            return bad_input(
                _(
                    "This address holds a null character, which no page of this site "
                    "accepts. Please check the link you followed."
                )
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            logger.warning(
                "The database refused a value sent to %s", request.path, exc_info=exception
            )
            return refused_by_database()
        return None
