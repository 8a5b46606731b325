"""Who an organisation is, and whether a record can be trusted: the rules that signing, the
offline import, the duplicate checks and the moderators' review page read alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Q

from .models import Endorsement, User

# Two signatures from one network this close in time are worth a moderator's look. A hint, not
# a verdict: NGOs often share an office connection.
SAME_NETWORK_WINDOW = timedelta(days=1)


def same_network(ip_hash: str, at: datetime, *, prefix: str = "") -> Q:
    """Signatures made from the network `ip_hash` within SAME_NETWORK_WINDOW of `at`
    (`prefix` reaches them from another model: "endorsements__" from an organisation)."""
    return Q(
        **{
            f"{prefix}ip_hash": ip_hash,
            f"{prefix}signed_at__range": (at - SAME_NETWORK_WINDOW, at + SAME_NETWORK_WINDOW),
        }
    )


def trusted(
    *, address_confirmed: bool, made_by_import: bool, staff: bool, has_password: bool
) -> bool:
    """Whether a record speaks for its organisation, rather than for whoever typed it.

    An online sign-up whose address nobody confirmed is only what someone typed: anyone can
    sign with victim@ngo.org and a name and website of their choosing. It may be replaced by
    the next submission with that address, and an offline import never matches it (that
    would hand the staff's signature to that record). A record whose address was confirmed,
    one set up by hand (a staff account, or one given a password in the admin) or one an
    import made (staff vouched for the file) is trusted. An import makes the organisation and
    its first endorsement together, marked `imported`, while a sign-up's first endorsement
    never is: that first endorsement tells the two apart, with no field of its own. A
    signature the owner refused ("this was not me") is withdrawn but vouches for nothing.

    Trust is about the address, not the name: confirming an address proves who owns that
    address, not which organisation its owner is (the import matches a row with another
    address by name only to a record an import made)."""
    return address_confirmed or made_by_import or staff or has_password


def account_unclaimed(user: User) -> bool:
    """The account's record is not trusted: a sign-up still waiting for its confirmation,
    which may have been typed by someone other than the address's owner."""
    first = (
        Endorsement.objects.filter(organization__user=user)
        .order_by("signed_at", "pk")
        .values_list("imported", flat=True)
        .first()
    )
    return not trusted(
        address_confirmed=EmailAddress.objects.filter(user=user, verified=True).exists(),
        made_by_import=bool(first),
        staff=user.is_staff,
        has_password=user.has_usable_password(),
    )
