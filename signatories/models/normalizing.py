"""The keys models derive and compare: folded names, look-alike keys, domains, hashed
networks and addresses as stored. Plain functions, so that services and the import read them
too."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import icu
from django.conf import settings
from django.contrib.auth.models import BaseUserManager
from django.utils.crypto import salted_hmac


def normalize_name(name: str) -> str:
    """Fold case, accents, punctuation and spacing: "Médecins  du-Monde" -> "medecins du monde"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", stripped.casefold())
    return " ".join(words.split())


_SPOOF_CHECKER = icu.SpoofChecker()


def duplicate_key(name: str) -> str:
    """Names that look alike on screen share this key: "Amnesty" with a Cyrillic capital A, or with
    a zero-width space inside, is "Amnesty". Invisible format characters are dropped, then
    ICU's confusable skeleton (Unicode UTS #39) maps look-alikes to one prototype."""
    visible = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return normalize_name(_SPOOF_CHECKER.getSkeleton(0, normalize_name(visible)))[:200]


def domain_of(url_or_email: str) -> str:
    """The registrable-looking host of a website or an email address, without "www."."""
    value = url_or_email.strip().lower()
    if "@" in value and "://" not in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "://" in value else f"//{value}").hostname or ""
    return host.removeprefix("www.").rstrip(".")


def domains_agree(email_domain: str, website_domain: str) -> bool:
    """Whether an address plausibly belongs to a website: the same domain, or one inside the
    other (contact@mail.ngo.org for ngo.org)."""
    return (
        email_domain == website_domain
        or email_domain.endswith(f".{website_domain}")
        or website_domain.endswith(f".{email_domain}")
    )


def hash_ip(ip: str) -> str:
    """IP addresses are kept only as this salted hash: enough to see that two signatures came
    from one network, useless to find out which network."""
    return salted_hmac("signatories.ip", ip, secret=settings.IP_HASH_SALT).hexdigest()[:32]


def normalized_email(email: str) -> str:
    """An address as an account stores it (and as the sign form judges its length)."""
    return BaseUserManager.normalize_email(email.strip()).lower()
