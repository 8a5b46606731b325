"""{% load moderation %}: the admin index's table of endorsements per status for each open
letter (templates/admin/index.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count
from django.urls import reverse

from letters.models import Letter

from ..models import Endorsement

Status = Endorsement.Status

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_moderation_counts(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("signatories.view_endorsement"):
        return {}
    letters = list(Letter.objects.filter(status=Letter.Status.OPEN).order_by("-created_at"))
    counts = {
        (row["letter"], row["status"]): row["n"]
        for row in Endorsement.objects.filter(letter__in=letters)
        .values("letter", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    changelist = reverse("admin:signatories_endorsement_changelist")
    rows = [
        {
            "letter": letter,
            "cells": [
                {
                    "status": status,
                    "count": counts.get((letter.pk, status), 0),
                    "url": f"{changelist}?letter__id__exact={letter.pk}&status__exact={status}",
                }
                for status in Status.values
            ],
            "total": sum(counts.get((letter.pk, status), 0) for status in Status.values),
            "total_url": f"{changelist}?letter__id__exact={letter.pk}&status__exact=all",
        }
        for letter in letters
    ]
    return {"statuses": Status.labels, "rows": rows}
