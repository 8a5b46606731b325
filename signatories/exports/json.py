"""JSON, streamed: an array of objects, alone or inside an envelope of other keys. Values go
as they are: JSON is read by programs, not run by spreadsheets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from .streaming import export_failed_notice, guarded

# One encoder for every item: json.dumps(cls=...) would build a new one per call.
_ENCODER = DjangoJSONEncoder(ensure_ascii=False)
ITEMS_PER_CHUNK = 500


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


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
    batch: list[str] = []
    separator = "\n"
    for item in items:
        batch.append(separator + _dumps(item))
        separator = ",\n"
        if len(batch) >= ITEMS_PER_CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    yield "\n]}\n" if envelope is not None else "\n]\n"
