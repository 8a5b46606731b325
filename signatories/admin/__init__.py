"""The moderators' workplace in the Django admin, one module per admin."""

from . import accounts, endorsements, organizations, outbox, updates

__all__ = ["accounts", "endorsements", "organizations", "outbox", "updates"]
