"""Uploaded images, served: only files we wrote ourselves (coalition.images), under their
random names, with the type their extension says (which their content is, since we encoded
them) and nothing a browser could mistake for a page."""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .images import CONTENT_TYPES, RULES

_DIRECTORIES = "|".join(re.escape(rule.directory) for rule in RULES.values())
_NAME = re.compile(
    rf"^(?P<directory>{_DIRECTORIES})/[A-Za-z0-9_-]{{1,80}}\.(?P<extension>png|jpg)$"
)
# A stored image never changes: a new upload gets a new name.
MAX_AGE = 365 * 24 * 3600


@require_safe
def media(request: HttpRequest, path: str) -> FileResponse:
    match = _NAME.match(path)
    if match is None:
        raise Http404
    try:
        stored = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    response = FileResponse(stored, content_type=CONTENT_TYPES[match["extension"]])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    patch_cache_control(response, public=True, max_age=MAX_AGE, immutable=True)
    return response
