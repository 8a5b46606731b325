from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _letter_changed(**kwargs: Any) -> None:
    """A letter or one of its translations was saved or deleted: the cached public pages are
    rendered again once the change is committed (a page rendered before would show the old)."""
    from coalition.pagecache import public_pages_changed

    transaction.on_commit(public_pages_changed)


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        # The site's own checks (coalition/ is wiring, not an app): registered with the first app.
        from coalition import checks  # noqa: F401
        from coalition.pagecache import cached_page

        from . import views

        # The pages that are the same for every anonymous reader (of a language).
        for name in ("home", "detail", "embed"):
            cached_page("letters", name)
        cached_page(
            "letters",
            "signatories",
            country=views.canonical_country,
            page=views.canonical_page,
            q=views.canonical_search,
        )
        cached_page("letters_data", "count_json")

        for model in ("Letter", "LetterTranslation"):
            sender = self.get_model(model)
            post_save.connect(_letter_changed, sender=sender, dispatch_uid=f"pages-{model}")
            post_delete.connect(_letter_changed, sender=sender, dispatch_uid=f"pages-{model}-del")
