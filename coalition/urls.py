from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("signatories.urls")),
    path("", include("letters.urls")),
]
