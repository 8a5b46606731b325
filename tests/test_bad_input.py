"""Bad input on every public form: a clear message and a 4xx, never a 500, nothing half-saved;
markup and formulas are kept as text and shown inert."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.db import (
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connection,
)
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse

from coalition import errors
from signatories.models import Endorsement, Organization, OutgoingMail, User

from .factories import LetterFactory, OrganizationFactory
from .helpers import make_moderator, sign_form

pytestmark = pytest.mark.django_db

LONG = "x" * 5000

SIGN_CASES = [
    ("email", "not an email", "Enter a valid email address."),
    ("email", "a@" + "b" * 300 + ".org", "Ensure this value has at most 254 characters"),
    ("name", LONG, "Ensure this value has at most 200 characters"),
    ("name", "", "This field is required."),
    ("name", "Null\x00Byte", "Null characters are not allowed."),
    ("name", "Bell\x07Org", "invisible control characters"),
    ("city", "Esc\x1bCity", "invisible control characters"),
    ("country", "ZZ", "Select a valid choice."),
    ("country", "", "This field is required."),
    ("website", "javascript:alert(1)", "Enter a valid URL."),
    ("website", "http://", "Enter a valid URL."),
    ("kind", "spy-agency", "Select a valid choice."),
    ("contact_name", LONG, "Ensure this value has at most 200 characters"),
    ("description", LONG, "Ensure this value has at most 500 characters"),
    ("comment", LONG, "Ensure this value has at most 500 characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), SIGN_CASES)
def test_the_sign_form_refuses_bad_input_clearly(field: str, value: str, message: str) -> None:
    letter = LetterFactory()
    response = Client().post(f"/letters/{letter.slug}/sign/", sign_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists() and not Endorsement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [case for case in SIGN_CASES if case[0] not in ("email", "comment")],
)
def test_the_details_form_refuses_bad_input_clearly(field: str, value: str, message: str) -> None:
    organization = OrganizationFactory(name="Unchanged Name")
    client = Client()
    client.force_login(organization.user)
    data = {
        "name": organization.name,
        "country": "FR",
        "city": "Lyon",
        "website": "https://example.org",
        "kind": "ngo",
        "contact_name": "Someone",
        "description": "",
        field: value,
    }
    response = client.post("/account/details/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Please correct the fields marked below." in response.content.decode()
    assert Organization.objects.get().name == "Unchanged Name"


def test_the_signed_in_sign_form_refuses_an_oversized_comment() -> None:
    organization = OrganizationFactory()
    letter = LetterFactory()
    client = Client()
    client.force_login(organization.user)
    response = client.post(f"/letters/{letter.slug}/sign/", {"comment": LONG})
    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/login/", {"login": "not an email", "password": "x"}),
        ("/accounts/login/code/", {"email": "not an email"}),
        ("/accounts/password/reset/", {"email": "a" * 400}),
    ],
)
def test_account_forms_answer_bad_input_without_a_server_error(url: str, data: dict) -> None:
    response = Client().post(url, data)
    assert response.status_code in (200, 400)
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()


def test_an_oversized_request_body_gets_a_400_page(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    letter = LetterFactory()
    response = Client(raise_request_exception=False).post(
        f"/letters/{letter.slug}/sign/", sign_form(description="x" * 20_000)
    )
    assert response.status_code == 400
    assert "could not understand that request" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_too_many_fields_get_a_400_page() -> None:
    letter = LetterFactory()
    data = {**sign_form(), **{f"extra{n}": "x" for n in range(1100)}}
    response = Client(raise_request_exception=False).post(f"/letters/{letter.slug}/sign/", data)
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_a_missing_or_stale_csrf_token_gets_a_friendly_page() -> None:
    letter = LetterFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/letters/{letter.slug}/sign/", sign_form())
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please send the form again" in page
    assert "CSRF verification failed" not in page
    assert not Endorsement.objects.exists()


def test_markup_formulas_and_right_to_left_names_are_kept_and_shown_inert(
    django_capture_on_commit_callbacks,
) -> None:
    from signatories.services import moderation, verification

    letter = LetterFactory()
    names = [
        '<script>alert("x")</script> Relief',
        '=HYPERLINK("http://evil")',
        "منظمة السلام ‏(Peace) & Co",
    ]
    for n, name in enumerate(names):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client(REMOTE_ADDR=f"198.51.100.{n}").post(
                f"/letters/{letter.slug}/sign/",
                sign_form(name=name, email=f"c@o{n}.example.org", website=""),
            )
        assert response.status_code == 302
    moderator = User.objects.create_user(email="mod@example.org")
    for endorsement in Endorsement.objects.all():
        verification.endorsements_verify(user=endorsement.organization.user)
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    assert sorted(Organization.objects.values_list("name", flat=True)) == sorted(names)
    page = Client().get(f"/letters/{letter.slug}/signatories/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Relief" in page
    assert "منظمة السلام" in page
    csv = b"".join(Client().get(f"/letters/{letter.slug}/signatories.csv")).decode()
    assert "'=HYPERLINK" in csv


# 238 characters as typed, 258 once lower-cased: "İ" (U+0130) lower-cases to "i" and a
# combining dot. It passes every length check on the way in, then overflowed a 254 column.
DOTTED_I_EMAIL = (
    "a" * 64 + "@" + "İ" * 20 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 26 + ".org"
)
# 302 characters: within the 320 that allauth's forms allow, past the 254 a column (and SMTP) takes.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + "." + "c" * 50 + ".org"
TOO_LONG = "This address is too long"
NULL_IN_ADDRESS = "This address holds a null character"


@dataclass(frozen=True)
class Attack:
    method: str
    path: str  # "{slug}" is the letter's
    data: dict[str, str] = field(default_factory=dict)
    cookie: str = ""  # the raw Cookie header
    staff: bool = False
    status: int = 400
    shows: str = ""  # "{title}" is the letter's


ATTACKS = {
    "sign form, address longer once lower-cased": Attack(
        "post", "/letters/{slug}/sign/", sign_form(email=DOTTED_I_EMAIL), shows=TOO_LONG
    ),
    # allauth shows a refused form again with 200, as it always does.
    "password reset, address longer once lower-cased": Attack(
        "post", "/accounts/password/reset/", {"email": DOTTED_I_EMAIL}, status=200, shows=TOO_LONG
    ),
    "password reset, 302-character address": Attack(
        "post", "/accounts/password/reset/", {"email": LONG_EMAIL}, status=200, shows=TOO_LONG
    ),
    "login by code, address longer once lower-cased": Attack(
        "post", "/accounts/login/code/", {"email": DOTTED_I_EMAIL}, status=200, shows=TOO_LONG
    ),
    "login by code, 302-character address": Attack(
        "post", "/accounts/login/code/", {"email": LONG_EMAIL}, status=200, shows=TOO_LONG
    ),
    # A session key Django could not have made is no session: the page, as anyone sees it.
    "null character in the session cookie": Attack(
        "get", "/", cookie="sessionid=abcdefgh\x00ijklmnop", status=200, shows="{title}"
    ),
    "quoted null character in the session cookie": Attack(
        "get",
        "/letters/{slug}/sign/",
        cookie='sessionid="abcdefgh\\000ijklmnop"',
        status=200,
        shows="Contact email",
    ),
    "over-long session cookie": Attack(
        "get", "/letters/{slug}/", cookie="sessionid=" + "a" * 5000, status=200, shows="{title}"
    ),
    "admin list, null character in the country filter": Attack(
        "get", "/admin/signatories/endorsement/?country=%00", staff=True, shows=NULL_IN_ADDRESS
    ),
    "admin list, null character in the status filter": Attack(
        "get",
        "/admin/signatories/endorsement/?status__exact=%00",
        staff=True,
        shows=NULL_IN_ADDRESS,
    ),
    "admin mail list, null character in the status filter": Attack(
        "get",
        "/admin/signatories/outgoingmail/?status__exact=%00",
        staff=True,
        shows=NULL_IN_ADDRESS,
    ),
    "signatories, null character in the country": Attack(
        "get", "/letters/{slug}/signatories/?country=%00", shows=NULL_IN_ADDRESS
    ),
    "signatories, null character in the search": Attack(
        "get", "/letters/{slug}/signatories/?q=Peace%00", shows=NULL_IN_ADDRESS
    ),
    "signatories, null character in the page number": Attack(
        "get", "/letters/{slug}/signatories/?page=2%00", shows=NULL_IN_ADDRESS
    ),
    "open data, null character in the country": Attack(
        "get", "/letters/{slug}/signatories.csv?country=%00", shows=NULL_IN_ADDRESS
    ),
    "letter page, null character in a parameter's name": Attack(
        "get", "/letters/{slug}/?utm%00source=x", shows=NULL_IN_ADDRESS
    ),
    "login, null character in the next address": Attack(
        "get", "/accounts/login/?next=/account/%00", shows=NULL_IN_ADDRESS
    ),
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_bad_input_gets_a_message_and_never_the_database_down_page(attack: Attack) -> None:
    letter = LetterFactory()
    client = Client(HTTP_COOKIE=attack.cookie) if attack.cookie else Client()
    if attack.staff:
        client.force_login(make_moderator())
    url = attack.path.format(slug=letter.slug)
    response = getattr(client, attack.method)(url, attack.data)
    page = response.content.decode()
    assert response.status_code == attack.status
    assert attack.shows.format(title=letter.title) in page
    assert "temporarily unavailable" not in page
    assert not Endorsement.objects.exists() and not OutgoingMail.objects.exists()
    assert User.objects.count() == (1 if attack.staff else 0)


def test_an_address_of_exactly_254_characters_once_lower_cased_still_signs() -> None:
    letter = LetterFactory()
    email = "a" * 64 + "@" + "İ" * 10 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 42 + ".org"
    assert len(email.lower()) == 254
    response = Client().post(f"/letters/{letter.slug}/sign/", sign_form(email=email))
    assert response.status_code == 302
    assert User.objects.get().email == email.lower()
    assert OutgoingMail.objects.get().to == email.lower()


def refuse_a_value(request: HttpRequest) -> HttpResponse:
    # What a view does when a value that got past the forms meets its column.
    raise DataError("value too long for type character varying(254)")


urlpatterns = [path("refused/", refuse_a_value)]


def test_a_value_the_database_refuses_gets_a_400_page_that_says_so(
    settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ROOT_URLCONF = __name__
    with caplog.at_level(logging.WARNING, logger="coalition.errors"):
        response = Client().get("/refused/")
    assert response.status_code == 400
    assert "could not be stored as it is" in response.content.decode()
    assert not response.has_header("Retry-After")
    assert "The database refused a value sent to /refused/" in caplog.text


@pytest.mark.parametrize(
    ("error", "status", "shows"),
    [
        (OperationalError("connection refused"), 503, "temporarily unavailable"),
        (InterfaceError("connection already closed"), 503, "temporarily unavailable"),
        (DataError("value too long"), 400, "could not be stored as it is"),
        (IntegrityError("duplicate key value"), 500, "Something went wrong on our side"),
        (ProgrammingError("column does not exist"), 500, "Something went wrong on our side"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_only_an_unreachable_database_is_answered_with_503_and_a_retry(
    error: Error, status: int, shows: str
) -> None:
    """What escapes even the middleware (an error while saving the session, say)."""
    request = RequestFactory().get("/")
    try:
        raise error
    except Error:  # InterfaceError is no DatabaseError (PEP 249): both are Errors
        response = errors.server_error(request)
    assert response.status_code == status
    assert shows in response.content.decode()
    assert response.has_header("Retry-After") == (status == 503)


class _AnyPermission:
    """Who decides which actions an admin offers, at collection time (no database yet)."""

    is_active = is_staff = is_superuser = True

    def has_perm(self, *args: object) -> bool:
        return True


def _admins_with_actions() -> list[ModelAdmin]:
    request = RequestFactory().get("/")
    request.user = _AnyPermission()  # type: ignore[assignment]
    return [
        model_admin
        for model_admin in admin.site._registry.values()
        if model_admin.get_actions(request)
    ]


def _huge_id(model_admin: ModelAdmin) -> str:
    """One past the largest value the primary key's column holds."""
    _low, high = connection.ops.integer_field_range(model_admin.model._meta.pk.get_internal_type())
    return str(high + 1)


@pytest.mark.parametrize(
    "model_admin", _admins_with_actions(), ids=lambda model_admin: model_admin.opts.label
)
def test_a_malformed_bulk_selection_is_a_400_with_a_message_on_every_admin(
    model_admin: ModelAdmin,
) -> None:
    root = User.objects.create_superuser(email="root@x.org", password="x" * 20)
    client = Client()
    client.force_login(root)
    opts = model_admin.opts
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(changelist)
    request.user = root
    action = next(iter(model_admin.get_actions(request)))
    for value in ["abc", "", "1.5", "\x00", _huge_id(model_admin), str(uuid.uuid4())]:
        response = client.post(
            changelist, {"action": action, "index": "0", "_selected_action": [value]}
        )
        assert response.status_code == 400, (value, response.content[:300])
        page = response.content.decode()
        assert "The rows sent with this action are not rows of this list" in page, value
        assert 'id="site-name"' in page  # the admin's own page, with its header
    # A well-formed id still reaches the action, which finds no such row.
    response = client.post(changelist, {"action": action, "index": "0", "_selected_action": ["1"]})
    assert response.status_code in (200, 302)


def test_a_well_formed_selection_still_acts_on_the_admins_django_and_allauth_register() -> None:
    root = User.objects.create_superuser(email="root@x.org", password="x" * 20)
    unverified = EmailAddress.objects.create(
        user=OrganizationFactory().user, email="org@x.org", verified=False
    )
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("admin:account_emailaddress_changelist"),
        {"action": "make_verified", "index": "0", "_selected_action": [str(unverified.pk)]},
    )
    assert response.status_code == 302
    unverified.refresh_from_db()
    assert unverified.verified
    moderators = Group.objects.get(name="Moderators")
    confirmation = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": [str(moderators.pk)]},
    )
    assert confirmation.status_code == 200
    assert "Are you sure you want to delete the selected group?" in confirmation.content.decode()
    assert "Moderators" in confirmation.content.decode()
