from __future__ import annotations

from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<slug:slug>/", views.detail, name="detail"),
    path("letters/<slug:slug>/count/", views.count_fragment, name="count_fragment"),
    path("letters/<slug:slug>/signatories/", views.signatories, name="signatories"),
    path("letters/<slug:slug>/embed/", views.embed, name="embed"),
    path("letters/<slug:slug>/card.png", views.card, name="card"),
    path("letters/<slug:slug>/letter.pdf", views.letter_pdf, name="pdf"),
]
