"""Sessions in the database (losing Redis signs nobody out), with the cookie's key checked
before it reaches a query."""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)
KEY_MIN_LENGTH = 8
KEY_MAX_LENGTH = 40  # django_session.session_key


class SessionStore(DatabaseSessionStore):
    """The cookie holds whatever the browser sends. A key Django could not have made (a null
    character, which PostgreSQL refuses in any query, other characters, too long) is no
    session at all, as an unknown key is, rather than an error page."""

    def _validate_session_key(self, key: str | None) -> bool:
        # Django's own rule is only "at least 8 characters"; it makes keys of 32.
        return (
            key is not None
            and KEY_MIN_LENGTH <= len(key) <= KEY_MAX_LENGTH
            and KEY_CHARACTERS.issuperset(key)
        )
