"""The sentences stored before reasons were codes (English hold notes, duplicate hints and audit
notes in whatever language their writer had) become codes, so that they too are shown in the
reader's language; what a person typed stays as typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("signatories", "0011_outgoingmail_to_recent")]
AFTER = [("signatories", "0012_reasons_as_codes")]


def migrate(targets: list[tuple[str, str]]):
    """The database at `targets`, every other app at its latest; the models as they were then."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    apps = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in apps]
    return executor.loader.project_state([*targets, *others]).apps


def test_stored_sentences_in_any_language_become_codes() -> None:
    old = migrate(BEFORE)
    user = old.get_model("signatories", "User").objects.create(email="a@ngo.example.org")
    organization = old.get_model("signatories", "Organization").objects.create(
        user=user,
        name="Amal",
        country="JO",
        contact_name="Layla",
        duplicate_reasons=[
            "Same name and country as “Amal Jordan”.",
            "Signée depuis le même réseau que “Nour”, “Hope” au cours des dernières 24 heures.",
            "Something a moderator wrote once.",
        ],
    )
    letter = old.get_model("letters", "Letter").objects.create(
        slug="l", title="L", summary="", body="", recipients=""
    )
    endorsement = old.get_model("signatories", "Endorsement").objects.create(
        organization=organization,
        letter=letter,
        held_reason="rate limit per network; honeypot filled",
    )
    events = old.get_model("signatories", "EndorsementEvent").objects
    declined = events.create(
        endorsement=endorsement,
        to_status="withdrawn",
        actor_label="email verification",
        reason="The owner of the address said they did not sign.",
    )
    typed = events.create(
        endorsement=endorsement, to_status="rejected", actor_label="m@x.org", reason="Spam"
    )

    new = migrate(AFTER)
    organization = new.get_model("signatories", "Organization").objects.get(pk=organization.pk)
    assert organization.duplicate_reasons == [
        {"code": "same-name", "params": {"other": "Amal Jordan"}},
        {"code": "same-network", "params": {"names": ["Nour", "Hope"]}},
        {"code": "note", "params": {"text": "Something a moderator wrote once."}},
    ]
    endorsement = new.get_model("signatories", "Endorsement").objects.get(pk=endorsement.pk)
    assert endorsement.held_reasons == [
        {"code": "over-network-limit", "params": {}},
        {"code": "honeypot-filled", "params": {}},
    ]
    events = new.get_model("signatories", "EndorsementEvent").objects
    assert events.values_list("reason_code", "reason").get(pk=declined.pk) == ("not-me", "")
    assert events.values_list("reason_code", "reason").get(pk=typed.pk) == ("", "Spam")
