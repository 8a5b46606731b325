"""JSON, streamed: an array of objects, alone or inside an envelope of other keys. Values go
as they are: JSON is read by programs, not run by spreadsheets."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from .streaming import export_failed_notice, guarded


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_stream(
    items: Iterable[Mapping[str, Any]],
    *,
    envelope: Mapping[str, Any] | None = None,
    key: str = "",
) -> Iterator[str]:
    """`[item, ...]`, or `{**envelope, key: [item, ...]}` when an envelope is given."""
    # Text after an unclosed array: no JSON parser accepts a file cut short.
    return guarded(_chunks(items, envelope, key), lambda: "\n" + export_failed_notice() + "\n")


def _chunks(
    items: Iterable[Mapping[str, Any]], envelope: Mapping[str, Any] | None, key: str
) -> Iterator[str]:
    if envelope is not None:
        head = _dumps({**envelope, key: []})
        # The envelope's own rendering, opened where its (empty) list was.
        yield head[: head.rindex("[]")] + "["
    else:
        yield "["
    separator = "\n"
    for item in items:
        yield separator + _dumps(item)
        separator = ",\n"
    yield "\n]}\n" if envelope is not None else "\n]\n"
