"""What every streamed file does about failure: the query runs before the first byte, and a
file cut midway never passes for a complete one."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.utils.translation import gettext

logger = logging.getLogger(__name__)
T = TypeVar("T")


def started(rows: Iterator[T]) -> Iterator[T]:
    """The rows with the first one already fetched: the query runs now, while the view can
    still answer with an error page, rather than after the first bytes of a file have left."""
    try:
        first = next(rows)
    except StopIteration:
        return iter(())
    return itertools.chain([first], rows)


def export_failed_notice() -> str:
    return gettext(
        "EXPORT FAILED: this file is incomplete. Export the list again; if it fails again, "
        "tell the site's administrators."
    )


def guarded(stream: Iterator[T], tail: Callable[[], T] | None = None) -> Iterator[T]:
    """A file being streamed that fails midway must not pass for a complete one: the error is
    logged, `tail` (a line a reader cannot miss) is sent, and the error is raised again so that
    the server aborts the transfer (a chunked response without its last chunk: the browser
    reports the download as failed). A zip cut short has no central directory: no tail."""
    try:
        yield from stream
    except Exception:
        logger.exception("Export failed midway; the file sent is incomplete")
        if tail is not None:
            yield tail()
        raise
