"""Accounts: an organisation's contact address, or a staff member."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from letters.models import language_choices

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        """`createsuperuser`: the operator at the server vouches for the address they type, so
        it counts as verified and the first sign-in to the admin needs no mail round-trip."""
        from allauth.account.models import EmailAddress

        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create(email, password, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user


class User(AbstractUser):
    """An account: an organisation's contact address, or a staff member. Email is the login."""

    username = None  # type: ignore[assignment,misc]
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    # Mail to this account is written in this language (the one it signed in).
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # Two tabs signing up the same address at once must not make two accounts.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


def person_field(
    verbose_name: StrOrPromise, *, editable: bool = True
) -> models.ForeignKey[User | None, User | None]:
    """Who made a change (decided, wrote, sent): the account while it exists, None once it is
    erased, when the label recorded beside it, if any, still says who."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=editable,
        verbose_name=verbose_name,
    )
