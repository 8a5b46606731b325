from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from signatories.counts import signatory_count
from signatories.models import Endorsement

from .models import Letter

RECENT_SIGNATORIES = 10


def home(request: HttpRequest) -> HttpResponse:
    letters = list(Letter.objects.public())
    open_letters = [letter for letter in letters if letter.is_accepting_signatures]
    other_letters = [letter for letter in letters if not letter.is_accepting_signatures]
    return render(
        request,
        "letters/home.html",
        {"open_letters": open_letters, "other_letters": other_letters},
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    recent = (
        Endorsement.objects.filter(letter=letter)
        .public()
        .select_related("organization")
        .order_by("-approved_at")[:RECENT_SIGNATORIES]
    )
    return render(
        request,
        "letters/detail.html",
        {"letter": letter, "count": signatory_count(letter), "recent": recent},
    )


def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.public(), slug=slug)
    endorsements = (
        Endorsement.objects.filter(letter=letter)
        .public()
        .select_related("organization")
        .order_by("organization__country", "organization__name")
    )
    return render(
        request,
        "letters/signatories.html",
        {"letter": letter, "endorsements": endorsements, "count": signatory_count(letter)},
    )
