"""A mail's template context as JSON, so that the request only writes the outbox row and the
worker renders the message (in the recipient's language) when it sends it.

Model instances are kept as their label and primary key and read again in the worker, links
as the view and its arguments (reversed in the recipient's language), dates as ISO 8601;
anything else must already be JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.template.loader import get_template
from django.urls import reverse

from coalition.links import absolute_url

MODEL, LINK, DATETIME = "$model", "$link", "$datetime"


class MissingObject(Exception):
    """A model instance the mail speaks of was deleted before the mail was rendered."""


@dataclass(frozen=True)
class Link:
    """An absolute link to a view, reversed when called (so in the active language)."""

    view: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __call__(self) -> str:
        return absolute_url(reverse(self.view, kwargs=self.kwargs or None))


def freeze(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {MODEL: value._meta.label_lower, "pk": value.pk}
    if isinstance(value, Link):
        return {LINK: value.view, "kwargs": value.kwargs}
    if isinstance(value, datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, dict):
        return {str(key): freeze(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [freeze(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a mail's context cannot hold {type(value).__name__}")


def thaw(value: Any, fetch: Callable[[str, Any], models.Model] | None = None) -> Any:
    fetch = fetch or _fetch
    if isinstance(value, dict):
        if MODEL in value:
            return fetch(value[MODEL], value["pk"])
        if LINK in value:
            return Link(value[LINK], value["kwargs"])
        if DATETIME in value:
            return datetime.fromisoformat(value[DATETIME])
        return {key: thaw(item, fetch) for key, item in value.items()}
    if isinstance(value, list):
        return [thaw(item, fetch) for item in value]
    return value


class BatchReads:
    """What the mails of one batch read alike, read once for the batch: the objects their
    contexts name (a hundred updates speak of one letter) and their compiled templates."""

    def __init__(self) -> None:
        self._objects: dict[tuple[str, Any], models.Model] = {}
        self._templates: dict[str, Any] = {}

    def fetch(self, label: str, pk: Any) -> models.Model:
        key = (label, pk)
        if key not in self._objects:
            self._objects[key] = _fetch(label, pk)
        return self._objects[key]

    def render(self, template_name: str, context: dict[str, Any]) -> str:
        if template_name not in self._templates:
            self._templates[template_name] = get_template(template_name)
        return self._templates[template_name].render(context)


def _fetch(label: str, pk: Any) -> models.Model:
    model = apps.get_model(label)
    try:
        return model._default_manager.get(pk=pk)
    except model.DoesNotExist as exc:
        raise MissingObject(f"{label} {pk} no longer exists") from exc
