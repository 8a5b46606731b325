"""Bad input on every public form: a clear message and a 4xx, never a 500, nothing half-saved;
markup and formulas are kept as text and shown inert."""

from __future__ import annotations

import pytest
from django.test import Client

from signatories.models import Endorsement, Organization, User

from .factories import LetterFactory, OrganizationFactory
from .helpers import sign_form

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
    from signatories.services import moderation, signing

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
        signing.endorsements_verify(user=endorsement.organization.user)
        moderation.endorsement_approve(endorsement=endorsement, moderator=moderator)
    assert sorted(Organization.objects.values_list("name", flat=True)) == sorted(names)
    page = Client().get(f"/letters/{letter.slug}/signatories/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Relief" in page
    assert "منظمة السلام" in page
    csv = b"".join(Client().get(f"/letters/{letter.slug}/signatories.csv")).decode()
    assert "'=HYPERLINK" in csv
