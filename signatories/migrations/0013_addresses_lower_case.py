"""Addresses stored lower-case, as every writer now stores them: lookups by address compare
with `=` (served by the column's index), so an address saved in mixed case by an earlier
admin form would no longer be found."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.functions import Lower


def addresses_lower_case(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("signatories", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    # Python's lower(), not the database's: the one normalized_email applies to what is typed.
    for user in User.objects.exclude(email=Lower("email")).only("email"):
        user.email = user.email.lower()
        user.save(update_fields=["email"])
    for address in EmailAddress.objects.exclude(email=Lower("email")):
        lower = address.email.lower()
        # A lower-case twin already on record (the same user's, or a verified one) is the
        # address lookups find; the mixed-case copy stays as it was rather than collide.
        twins = EmailAddress.objects.filter(email=lower)
        if twins.filter(user_id=address.user_id).exists() or (
            address.verified and twins.filter(verified=True).exists()
        ):
            continue
        address.email = lower
        address.save(update_fields=["email"])


class Migration(migrations.Migration):
    dependencies = [
        ("signatories", "0012_reasons_as_codes"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(addresses_lower_case, migrations.RunPython.noop)]
