"""Every model of the app, importable as `signatories.models.X` as before the split (the
migrations name `signatories.models.UserManager`)."""

from __future__ import annotations

from .accounts import User, UserManager
from .endorsements import Endorsement, EndorsementEvent, EndorsementQuerySet
from .mail import OutgoingMail
from .normalizing import (
    domain_of,
    domains_agree,
    duplicate_key,
    hash_ip,
    normalize_name,
    normalized_email,
)
from .organizations import Organization
from .updates import Update, UpdateDelivery, UpdateQuerySet, UpdateTranslation

__all__ = [
    "Endorsement",
    "EndorsementEvent",
    "EndorsementQuerySet",
    "Organization",
    "OutgoingMail",
    "Update",
    "UpdateDelivery",
    "UpdateQuerySet",
    "UpdateTranslation",
    "User",
    "UserManager",
    "domain_of",
    "domains_agree",
    "duplicate_key",
    "hash_ip",
    "normalize_name",
    "normalized_email",
]
