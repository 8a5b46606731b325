"""The letter's data, the same in every language: outside the language prefixes, so that a
cache in front keeps one copy of each, not five."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "letters_data"

urlpatterns = [
    path("letters/<slug:slug>/count.json", views.count_json, name="count_json"),
    path("letters/<slug:slug>/signatories.csv", views.signatories_csv, name="signatories_csv"),
    path("letters/<slug:slug>/signatories.json", views.signatories_json, name="signatories_json"),
]
