"""Updates to signatories: staff write, preview, test and send news about a letter; it reaches
exactly the organisations that asked for it and confirmed their address, once each, in their
language, with a one-click way out that works without signing in."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.test import Client

from letters.models import Letter
from signatories.models import Endorsement, OutgoingMail, Update, UpdateDelivery, UpdateTranslation
from signatories.services import privacy, updates

from .conftest import Inbox, skip_or_fail
from .factories import EndorsementFactory, LetterFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Endorsement.Status
OnCommit = Callable[[], AbstractContextManager[list]]
UNSUBSCRIBE = re.compile(r"http://testserver(/updates/unsubscribe/[^/\s]+/)")


def signatory(
    letter: Letter,
    email: str,
    *,
    status: str = Status.APPROVED,
    wants_updates: bool = True,
    language: str = "",
) -> Endorsement:
    return EndorsementFactory(
        letter=letter,
        status=status,
        wants_updates=wants_updates,
        language=language,
        organization=OrganizationFactory(user=UserFactory(email=email)),
    )


@pytest.fixture
def update(letter: Letter, admin_user) -> Update:
    news = Update.objects.create(
        letter=letter,
        subject="The letter was delivered",
        body="We handed the letter to **the General Assembly** today.",
        created_by=admin_user,
    )
    UpdateTranslation.objects.create(
        update=news,
        language="fr",
        subject="La lettre a été remise",
        body="Nous avons remis la lettre à **l'Assemblée générale** aujourd'hui.",
    )
    UpdateTranslation.objects.create(
        update=news,
        language="ar",
        subject="تم تسليم الرسالة",
        body="سلّمنا الرسالة إلى **الجمعية العامة** اليوم.",
    )
    return news


def send(update: Update, admin_user, on_commit: OnCommit) -> bool:
    with on_commit():
        return updates.update_send(update=update, actor=admin_user)


def received_by(address: str) -> list[django_mail.EmailMessage]:
    return [message for message in django_mail.outbox if message.to == [address]]


def unsubscribe_path(message: django_mail.EmailMessage) -> str:
    match = UNSUBSCRIBE.search(message.body)
    assert match, message.body
    return match.group(1)


def test_an_update_reaches_exactly_the_consenting_verified_organisations(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "published@yes.example.org")
    signatory(letter, "pending@yes.example.org", status=Status.PENDING)
    signatory(letter, "noconsent@no.example.org", wants_updates=False)
    signatory(letter, "unverified@no.example.org", status=Status.UNVERIFIED)
    signatory(letter, "withdrawn@no.example.org", status=Status.WITHDRAWN)
    signatory(letter, "rejected@no.example.org", status=Status.REJECTED)
    signatory(LetterFactory(), "otherletter@no.example.org")

    assert send(update, admin_user, on_commit) is True

    assert sorted(address for message in mailoutbox for address in message.to) == [
        "pending@yes.example.org",
        "published@yes.example.org",
    ]
    update.refresh_from_db()
    assert update.state == Update.State.SENT


def test_running_the_send_task_twice_or_clicking_send_twice_mails_nobody_twice(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "once@yes.example.org")
    signatory(letter, "also-once@yes.example.org")
    send(update, admin_user, on_commit)

    with on_commit():
        assert updates.update_fan_out.delay(update.pk).get() == 0
        assert updates.update_deliveries_write(update_id=update.pk) == 0
    assert send(update, admin_user, on_commit) is False

    assert len(mailoutbox) == 2
    assert UpdateDelivery.objects.filter(update=update).count() == 2
    assert OutgoingMail.objects.filter(kind="update").count() == 2


def test_each_recipient_reads_the_update_in_its_language_with_a_fallback(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "fr@yes.example.org", language="fr")
    signatory(letter, "ar@yes.example.org", language="ar")
    # Spanish has no translation of this update: the text as written, in English.
    signatory(letter, "es@yes.example.org", language="es")
    send(update, admin_user, on_commit)

    french = received_by("fr@yes.example.org")[0]
    arabic = received_by("ar@yes.example.org")[0]
    spanish = received_by("es@yes.example.org")[0]
    assert french.subject == "La lettre a été remise"
    assert "l'Assemblée générale" in french.body
    assert "Ne plus recevoir" in french.body
    assert arabic.subject == "تم تسليم الرسالة"
    assert 'dir="rtl"' in arabic.alternatives[0][0]
    assert "<strong>الجمعية العامة</strong>" in arabic.alternatives[0][0]
    assert spanish.subject == "The letter was delivered"
    assert "<strong>the General Assembly</strong>" in spanish.alternatives[0][0]


def test_the_sent_message_carries_both_list_unsubscribe_headers(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "headers@yes.example.org")
    send(update, admin_user, on_commit)

    message = mailoutbox[0].message()
    link = f"http://testserver{unsubscribe_path(mailoutbox[0])}"
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_one_click_post_without_login_or_csrf_stops_the_next_update(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    leaving = signatory(letter, "leaving@yes.example.org", language="fr")
    signatory(letter, "staying@yes.example.org")
    send(update, admin_user, on_commit)
    link = unsubscribe_path(received_by("leaving@yes.example.org")[0])

    response = Client(enforce_csrf_checks=True).post(
        link, {"List-Unsubscribe": "One-Click"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "Votre organisation ne recevra plus" in response.content.decode()
    leaving.refresh_from_db()
    assert leaving.wants_updates is False
    mailoutbox.clear()
    second = Update.objects.create(letter=letter, subject="Second news", body="More.")
    send(second, admin_user, on_commit)
    assert [message.to for message in mailoutbox] == [["staying@yes.example.org"]]


def test_opening_the_link_only_asks_and_changes_nothing(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    reader = signatory(letter, "reader@yes.example.org")
    send(update, admin_user, on_commit)

    response = Client().get(unsubscribe_path(mailoutbox[0]))

    assert response.status_code == 200
    assert "Stop receiving updates about this letter?" in response.content.decode()
    reader.refresh_from_db()
    assert reader.wants_updates is True


@pytest.mark.parametrize("tamper", ["forged", "altered"])
def test_a_forged_or_altered_token_does_nothing(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox, tamper: str
) -> None:
    target = signatory(letter, "target@yes.example.org")
    send(update, admin_user, on_commit)
    token = unsubscribe_path(mailoutbox[0]).split("/")[-2]
    if tamper == "forged":
        token = f"{target.uuid}:{update.pk}:forgedsignature"
    else:
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    response = Client(enforce_csrf_checks=True).post(f"/updates/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    target.refresh_from_db()
    assert target.wants_updates is True


def test_an_update_with_no_recipients_is_refused_with_a_clear_message(
    letter: Letter, update: Update, admin_client: Client
) -> None:
    signatory(letter, "noconsent@no.example.org", wants_updates=False)

    response = admin_client.post(f"/admin/signatories/update/{update.pk}/send/", follow=True)

    assert "no organisation on this letter both asked for updates" in response.content.decode()
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT
    with pytest.raises(updates.UpdateHasNoRecipients):
        updates.update_send(update=update, actor=update.created_by)


def test_staff_preview_the_rendered_mail_per_language(
    letter: Letter, update: Update, admin_client: Client
) -> None:
    french = admin_client.get(f"/admin/signatories/update/{update.pk}/preview/?language=fr")
    spanish = admin_client.get(f"/admin/signatories/update/{update.pk}/preview/?language=es")

    assert "La lettre a été remise" in french.content.decode()
    assert "Ne plus recevoir" in french.content.decode()
    assert "The letter was delivered" in spanish.content.decode()
    assert "has no translation into this language" in spanish.content.decode()


def test_staff_send_a_test_copy_to_themselves_through_the_outbox(
    letter: Letter,
    update: Update,
    admin_client: Client,
    admin_user,
    on_commit: OnCommit,
    mailoutbox,
) -> None:
    signatory(letter, "real@yes.example.org")
    with on_commit():
        response = admin_client.post(
            f"/admin/signatories/update/{update.pk}/send-test/", {"language": "ar"}, follow=True
        )

    assert f"A test copy is on its way to {admin_user.email}" in response.content.decode()
    assert [message.to for message in mailoutbox] == [[admin_user.email]]
    assert mailoutbox[0].subject.endswith("تم تسليم الرسالة")
    assert OutgoingMail.objects.get(kind="update").to == admin_user.email
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT
    assert not UpdateDelivery.objects.exists()


def test_staff_send_from_the_admin_and_see_progress_per_update(
    letter: Letter, update: Update, admin_client: Client, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "first@yes.example.org")
    signatory(letter, "second@yes.example.org")
    signatory(letter, "bounces@yes.example.org")
    with on_commit():
        admin_client.post(
            f"/admin/signatories/update/{update.pk}/send/", {"confirm": "yes", "recipients": "3"}
        )
    OutgoingMail.objects.filter(to="bounces@yes.example.org").update(
        status=OutgoingMail.Status.FAILED
    )
    OutgoingMail.objects.filter(to="second@yes.example.org").update(
        status=OutgoingMail.Status.QUEUED
    )

    listing = admin_client.get("/admin/signatories/update/").content.decode()
    page = admin_client.get(f"/admin/signatories/update/{update.pk}/change/").content.decode()

    assert len(mailoutbox) == 3
    assert '<td class="field-queued">1</td>' in listing
    assert '<td class="field-sent">1</td>' in listing
    assert '<td class="field-failed">1</td>' in listing
    assert "1 waiting, 1 sent, 1 failed" in page


def test_staff_filter_endorsements_by_consent_and_export_the_column(
    letter: Letter, admin_client: Client
) -> None:
    wants = signatory(letter, "yes@yes.example.org").organization.name
    declines = signatory(letter, "no@no.example.org", wants_updates=False).organization.name

    listing = admin_client.get(
        "/admin/signatories/endorsement/?status__exact=all&updates=yes"
    ).content.decode()
    export = admin_client.post(
        "/admin/signatories/endorsement/export/?status__exact=all&updates=yes", {"format": "0"}
    )
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()

    assert wants in listing
    assert declines not in listing
    assert rows[0].endswith(",Wants updates")
    assert len(rows) == 2
    assert rows[1].endswith(",Yes")


def test_staff_write_an_update_with_a_translation_in_the_admin(
    letter: Letter, admin_client: Client, admin_user
) -> None:
    response = admin_client.post(
        "/admin/signatories/update/add/",
        {
            "letter": letter.pk,
            "subject": "Delivered",
            "body": "We delivered the letter.",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-language": "pt-br",
            "translations-0-subject": "Entregue",
            "translations-0-body": "Entregámos a carta.",
        },
    )

    assert response.status_code == 302, response.content.decode()
    update = Update.objects.get()
    assert (update.created_by, update.state) == (admin_user, Update.State.DRAFT)
    assert update.text_in("pt-br") == ("pt-br", "Entregue", "Entregámos a carta.")
    page = admin_client.get(f"/admin/signatories/update/{update.pk}/change/").content.decode()
    assert "Send a test copy" in page
    assert "Sending now reaches 0 organisations" in page


def test_an_erased_organisation_gets_no_update(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    erased = signatory(letter, "erased@yes.example.org")
    signatory(letter, "kept@yes.example.org")
    privacy.organization_erase(organization=erased.organization)

    send(update, admin_user, on_commit)

    assert [message.to for message in mailoutbox] == [["kept@yes.example.org"]]
    erased.refresh_from_db()
    assert erased.wants_updates is False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fans_the_update_out_over_smtp_with_the_unsubscribe_headers(
    letter: Letter, admin_user, smtp_server: tuple[Inbox, int], start_worker
) -> None:
    inbox, _port = smtp_server
    signatory(letter, "real-fr@yes.example.org", language="fr")
    signatory(letter, "real-en@yes.example.org")
    news = Update.objects.create(letter=letter, subject="Delivered", body="We *delivered* it.")
    UpdateTranslation.objects.create(update=news, language="fr", subject="Remise", body="Remise.")
    start_worker()

    assert updates.update_send(update=news, actor=admin_user) is True

    messages = {message["To"]: message for message in inbox.wait_for(2, timeout=60)}
    assert messages["real-fr@yes.example.org"]["Subject"] == "Remise"
    assert messages["real-en@yes.example.org"]["Subject"] == "Delivered"
    for message in messages.values():
        # A long header is folded on the wire (RFC 5322); unfolded, it is the one link.
        link = str(message["List-Unsubscribe"]).strip()
        assert re.fullmatch(r"<http://testserver/updates/unsubscribe/[^/\s]+/>", link)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.django_db(transaction=True)
def test_a_run_that_finds_the_last_rows_held_by_another_run_leaves_the_update_sending(
    letter: Letter, update: Update
) -> None:
    """The beat hands a "sending" update to Celery again while its first run still writes: the
    second run must not call it sent, or rows the first run then rolls back stay unmailed."""
    if connection.vendor != "postgresql":
        skip_or_fail("row locks are tested on PostgreSQL (set DATABASE_URL)")
    recipients = [signatory(letter, f"held{n}@yes.example.org") for n in range(2)]
    Update.objects.filter(pk=update.pk).update(state=Update.State.SENDING)
    UpdateDelivery.objects.bulk_create(
        [UpdateDelivery(update=update, endorsement=endorsement) for endorsement in recipients]
    )
    locked, release = threading.Event(), threading.Event()

    def first_run_holding_the_rows() -> None:
        try:
            with transaction.atomic():
                list(UpdateDelivery.objects.select_for_update().filter(update=update))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=first_run_holding_the_rows)
    holder.start()
    assert locked.wait(10)
    try:
        assert updates.update_deliveries_write(update_id=update.pk) == 0
        update.refresh_from_db()
        assert update.state == Update.State.SENDING
    finally:
        release.set()
        holder.join()

    # The first run gave up without writing (rolled back): the next run mails both, once.
    assert updates.update_deliveries_write(update_id=update.pk) == 2
    update.refresh_from_db()
    assert update.state == Update.State.SENT
    assert sorted(OutgoingMail.objects.filter(kind="update").values_list("to", flat=True)) == [
        "held0@yes.example.org",
        "held1@yes.example.org",
    ]


def test_a_genuine_token_of_another_letters_update_unsubscribes_nobody(
    letter: Letter, update: Update, admin_user, on_commit: OnCommit, mailoutbox
) -> None:
    target = signatory(letter, "target@yes.example.org")
    other_letter_update = Update.objects.create(
        letter=LetterFactory(), subject="Other", body="Other news.", created_by=admin_user
    )
    # Correctly signed, but this organisation never signed the other update's letter.
    token = updates.unsubscribe_token(update=other_letter_update, endorsement_uuid=target.uuid)

    response = Client(enforce_csrf_checks=True).post(f"/updates/unsubscribe/{token}/")

    assert response.status_code == 400
    target.refresh_from_db()
    assert target.wants_updates is True


def test_staff_who_may_only_read_updates_cannot_send_a_test_copy(
    letter: Letter, update: Update, mailoutbox
) -> None:
    from django.contrib.auth.models import Permission

    reader = UserFactory(email="reader@coalition.example.org", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_update"))
    staff = Client()
    staff.force_login(reader)

    response = staff.post(f"/admin/signatories/update/{update.pk}/send-test/", {"language": "en"})

    assert response.status_code == 403
    assert not OutgoingMail.objects.exists()


def test_the_preview_frames_the_html_mail_with_its_own_styles_allowed(
    update: Update, admin_client: Client
) -> None:
    page = admin_client.get(f"/admin/signatories/update/{update.pk}/preview/?language=fr")
    frame = re.search(r'<iframe[^>]*src="([^"]+)"', page.content.decode())
    assert frame, page.content.decode()
    html = admin_client.get(frame.group(1).replace("&amp;", "&"))
    assert "Nous avons remis la lettre à <strong>l" in html.content.decode()
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in html["Content-Security-Policy"]


def test_the_first_click_on_send_asks_naming_the_organisations_per_language_and_sends_nothing(
    letter: Letter, update: Update, admin_client: Client, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "one@en.example.org", language="en")
    signatory(letter, "two@en.example.org", language="en")
    # No Spanish translation: this one reads the text as written, in English.
    signatory(letter, "tres@es.example.org", language="es")
    signatory(letter, "wahid@ar.example.org", language="ar")
    # Signed in no recorded language: its account's language (French) decides.
    french = signatory(letter, "un@fr.example.org")
    french.organization.user.language = "fr"
    french.organization.user.save()
    signatory(letter, "no@en.example.org", wants_updates=False)
    send_url = f"/admin/signatories/update/{update.pk}/send/"

    with on_commit():
        asked = admin_client.post(send_url)

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "This will send the update to 5 organisations:" in page
    assert "<li>English: 3</li>" in page
    assert "<li>French: 1</li>" in page
    assert "<li>Arabic: 1</li>" in page
    assert "Spanish" not in page.split("This will send")[1]
    cancel = f'href="/admin/signatories/update/{update.pk}/change/" class="button cancel-link"'
    assert cancel in page
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT
    assert not UpdateDelivery.objects.exists()
    assert mailoutbox == []

    with on_commit():
        admin_client.post(send_url, {"confirm": "yes", "recipients": "5"})

    assert sorted(m.to[0] for m in mailoutbox) == [
        "one@en.example.org",
        "tres@es.example.org",
        "two@en.example.org",
        "un@fr.example.org",
        "wahid@ar.example.org",
    ]


def test_the_confirmation_speaks_the_moderators_language(
    letter: Letter, update: Update, admin_client: Client
) -> None:
    signatory(letter, "one@en.example.org", language="en")
    signatory(letter, "wahid@ar.example.org", language="ar")
    signatory(letter, "ithnan@ar.example.org", language="ar")

    page = admin_client.post(
        f"/admin/signatories/update/{update.pk}/send/", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    assert "سيُرسل هذا التحديث إلى 3 منظمات:" in page
    assert "<li>العربية: 2</li>" in page
    assert "<li>الإنجليزية: 1</li>" in page


def test_send_refuses_when_the_organisations_changed_since_the_confirmation_was_shown(
    letter: Letter, update: Update, admin_client: Client, on_commit: OnCommit, mailoutbox
) -> None:
    signatory(letter, "one@en.example.org")
    send_url = f"/admin/signatories/update/{update.pk}/send/"
    asked = admin_client.post(send_url).content.decode()
    assert "This will send the update to 1 organisation:" in asked
    signatory(letter, "late@en.example.org")

    with on_commit():
        again = admin_client.post(send_url, {"confirm": "yes", "recipients": "1"}).content.decode()

    assert "Not sent: the number of organisations it reaches changed" in again
    assert "This will send the update to 2 organisations:" in again
    assert 'name="recipients" value="2"' in again
    update.refresh_from_db()
    assert update.state == Update.State.DRAFT
    assert mailoutbox == []
