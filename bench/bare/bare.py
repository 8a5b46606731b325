"""The baseline: a bare Django project on the same PostgreSQL, Redis and gunicorn settings as
Coalition, with the three things Coalition's public side does at its simplest. One module is
its settings, its URLconf and its WSGI application:

    DJANGO_SETTINGS_MODULE=bare gunicorn bare:application   (from bench/bare/)

- `/count.json`: a count read from the cache and returned as JSON;
- `/page/`: a one-line HTML page;
- `/form/`: GET shows a form with a CSRF token, POST inserts one row and redirects.

Middleware is Django's own for a project with neither sessions nor users: security, common,
CSRF, clickjacking. bench_surge.py creates the table and counts its rows.
"""

from __future__ import annotations

import os

import environ
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape

env = environ.Env()

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bare"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "bare",
    }
}
USE_TZ = True

TABLE = "bench_bare_entry"


def count(request: HttpRequest) -> JsonResponse:
    value = cache.get("count")
    if value is None:
        value = {"signatories": 223, "countries": 45, "continents": 5}
        cache.set("count", value, 3600)
    return JsonResponse(value)


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>Bare</title><p>An open letter.</p>")


def form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (name, email) VALUES (%s, %s)",
                [request.POST.get("name", ""), request.POST.get("email", "")],
            )
        return HttpResponseRedirect("/page/")
    token = escape(get_token(request))
    return HttpResponse(
        '<!doctype html><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="name"><input name="email"><button>Sign</button></form>'
    )


urlpatterns = [
    path("count.json", count),
    path("page/", page),
    path("form/", form),
]

application = get_wsgi_application()
