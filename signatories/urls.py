from __future__ import annotations

from django.urls import path

from . import views

app_name = "signatories"

urlpatterns = [
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/sign/done/", views.sign_done, name="sign_done"),
    path("account/", views.dashboard, name="dashboard"),
    path("account/details/", views.organization_edit, name="organization_edit"),
    path(
        "account/endorsements/<uuid:code>/withdraw/",
        views.endorsement_withdraw,
        name="withdraw",
    ),
    path(
        "account/endorsements/<uuid:code>/confirm/",
        views.endorsement_confirm,
        name="confirm",
    ),
]
