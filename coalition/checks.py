"""System checks that keep a deployed site from running in fewer languages than it offers.

The catalogues are compiled from the `.po` files in git by `manage.py compilemessages`; a site
started without that step serves and mails English to everyone, silently (gettext falls back to
the msgid). These checks make it loud: `runserver`, `manage.py check --deploy` before gunicorn,
and the Celery worker (coalition/celery.py) refuse to start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import to_locale

HINT = (
    "Compile the catalogues: `python manage.py compilemessages` (it needs gettext's msgfmt: "
    "`apt-get install gettext`), then start again. See docs/deploy.md."
)


def _catalogue(language: str, name: str) -> Path | None:
    for directory in settings.LOCALE_PATHS:
        candidate = Path(directory) / to_locale(language) / "LC_MESSAGES" / name
        if candidate.is_file():
            return candidate
    return None


@register()
def catalogues_compiled(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every configured language but the source one has a compiled catalogue at least as new as
    its `.po` file (a `git pull` that changed translations needs compiling again)."""
    problems: list[CheckMessage] = []
    for code, name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        label = f"{name} ({code})"
        source = _catalogue(code, "django.po")
        compiled = _catalogue(code, "django.mo")
        if source is None:
            problems.append(
                Error(
                    f"{label} is offered in LANGUAGES but has no catalogue: no "
                    f"{to_locale(code)}/LC_MESSAGES/django.po in LOCALE_PATHS.",
                    hint="Add the catalogue (docs/translating.md) or remove the language.",
                    id="coalition.E101",
                )
            )
        elif compiled is None:
            problems.append(
                Error(
                    f"{label} is not compiled: {source.with_suffix('.mo')} is missing, so "
                    "its readers would get every page and every mail in English.",
                    hint=HINT,
                    id="coalition.E102",
                )
            )
        elif compiled.stat().st_mtime < source.stat().st_mtime:
            problems.append(
                Error(
                    f"{label}'s compiled catalogue {compiled} is older than {source.name}: "
                    "its newest translations would not be shown.",
                    hint=HINT,
                    id="coalition.E103",
                )
            )
    return problems
