"""The letter as a PDF: its text in one language followed by every listed signatory by country,
rendered by WeasyPrint (HarfBuzz shaping through Pango, so Arabic joins and runs right to left)
from templates/letters/pdf/letter.html with the fonts vendored in static/fonts/.

Rendering 5,000 names takes twenty seconds and some hundred megabytes, so it never happens in a
request: `letter_pdf_generate` writes one `LetterPdf` per letter, language and audience, on the
Celery queue `pdf` that a worker of its own consumes (a mail waiting behind four renders waited
minutes). A change to a letter's list has its stored PDFs rendered again PDF_CHANGE_DELAY_SECONDS
later, one render per PDF for a whole burst of changes (`letter_pdfs_list_changed`); beat's
`letter_pdfs_refresh` catches the rest (a letter's text) every PDF_REFRESH_SECONDS. The view
serves the stored file and never renders. Without a broker (`make run`), the same work runs in
one background thread of the web process (`InProcessRenders`)."""

from __future__ import annotations

import functools
import hashlib
import logging
import queue
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from coalition.breaker import redis_breaker
from signatories import public

from .models import Letter, LetterPdf

logger = logging.getLogger(__name__)

TEMPLATE = "letters/pdf/letter.html"
FONTS_DIR = (Path(settings.BASE_DIR) / "static" / "fonts").resolve()
# Part of every fingerprint: a change to the template or its fonts is a reason to render again.
# Bump it with such a change.
LAYOUT_VERSION = "1"
# The tasks of letters/tasks.py, named here so that this module need not import it.
GENERATE_TASK = "letters.tasks.letter_pdf_generate"
REFRESH_TASK = "letters.tasks.letter_pdfs_refresh"
# Under MEDIA_ROOT; coalition.media serves images only, so these are reachable through the
# views alone (the staff copy behind the admin's permission).
PDF_DIRECTORY = "letter-pdfs"


# WeasyPrint is imported when a PDF is rendered (in the worker), not when the site starts: a
# web process on a machine without Pango still serves every page, the stored PDFs included.


@functools.cache
def fonts_only_fetcher() -> type:
    """The URL fetcher class of every render, made on first use (it subclasses WeasyPrint's)."""
    from weasyprint import URLFetcher

    class VendoredFontsOnly(URLFetcher):
        """The renderer may read the vendored fonts and nothing else: no other local file, no
        network, no data: URL. Names are escaped text, so they cannot reach it anyway; this
        is the second lock, for whatever a future template or a Markdown extension lets
        through."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not vendored_font(url):
                raise ValueError(f"The letter's PDF reads only its vendored fonts, not {url[:200]}")
            return super().fetch(url, headers)

    return VendoredFontsOnly


def vendored_font(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(FONTS_DIR) and path.is_file()


def pdf_fingerprint(letter: Letter, language: str, list_part: str | None = None) -> str:
    """What a PDF in `language` is made from: the list, the text read in that language, the
    layout. Cheap (one aggregate query, `list_part` when the caller has it, and the
    translations)."""
    text = letter.localized(language)
    updated = text.text_updated_at.isoformat() if text.text_updated_at else ""
    if list_part is None:
        list_part = public.list_fingerprint(letter)
    parts = [LAYOUT_VERSION, list_part, text.shown_language, updated]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def letter_pdf_render(*, letter: Letter, language: str, audience: str) -> bytes:
    """The PDF itself. Runs in the worker: seconds for thousands of names."""
    with translation.override(language):
        text = letter.localized(language)
        count = public.signatory_count(letter)
        groups = public.letter_list_by_country(
            letter, with_unlisted=audience == LetterPdf.Audience.STAFF
        )
        named = sum(len(group.signatories) for group in groups)
        html = render_to_string(
            TEMPLATE,
            {
                "letter": text,
                # The day it was handed over, once it was: the copy that was delivered.
                "date": letter.delivered_on or timezone.localdate(),
                "count": count,
                "groups": groups,
                "staff": audience == LetterPdf.Audience.STAFF,
                # The count may be a moment older than the list: never a negative number.
                "unlisted_total": max(0, count["signatories"] - named),
            },
        )
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    document = HTML(
        string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=fonts_only_fetcher()()
    )
    return document.write_pdf(font_config=FontConfiguration())


def _file_name(letter: Letter, language: str, audience: str) -> str:
    # A random part: the staff copy names the unlisted count per country, and no one should
    # find it by guessing a path under MEDIA_ROOT if a server serves that directory.
    return f"{letter.slug}-{language}-{audience}-{secrets.token_urlsafe(12)}.pdf"


def letter_pdf_generate(*, letter_id: int, language: str, audience: str) -> bool:
    """Render and store the PDF unless the stored one is already of this list and text.
    Safe to run twice: the second run finds the fingerprint unchanged. Returns whether it
    rendered."""
    # From now on a change to the list must queue another render: this one may read the list
    # before that change is committed.
    cache.delete(_queued_key(letter_id, language, audience))
    letter = Letter.objects.public().with_translations().filter(pk=letter_id).first()
    if letter is None:
        return False
    fingerprint = pdf_fingerprint(letter, language)
    stored = LetterPdf.objects.filter(letter=letter, language=language, audience=audience).first()
    if stored is not None and stored.fingerprint == fingerprint:
        return False
    content = letter_pdf_render(letter=letter, language=language, audience=audience)
    name = default_storage.save(
        f"{PDF_DIRECTORY}/{_file_name(letter, language, audience)}", ContentFile(content)
    )
    with transaction.atomic():
        row, created = LetterPdf.objects.select_for_update().get_or_create(
            letter=letter,
            language=language,
            audience=audience,
            defaults={"file": name, "fingerprint": fingerprint, "generated_at": timezone.now()},
        )
        if not created:
            previous = row.file.name or ""
            row.file.name = name
            row.fingerprint = fingerprint
            row.generated_at = timezone.now()
            row.save(update_fields=["file", "fingerprint", "generated_at"])
            # A reader may be downloading the old file right now: gone only after commit,
            # and on POSIX an open file survives its removal.
            if previous and previous != name:
                transaction.on_commit(lambda: default_storage.delete(previous))
    return True


def letter_pdfs_refresh(letter_id: int | None = None) -> int:
    """Have every stored PDF (of one letter, when given) whose list or text changed rendered
    again, each by a task of its own, so that this run takes a query per letter, not twenty
    seconds per PDF. A PDF already waiting for a render is not queued twice. Returns how many
    were handed to the renderer."""
    public_letters = Letter.objects.public().with_translations().filter(pdfs__isnull=False)
    if letter_id is not None:
        public_letters = public_letters.filter(pk=letter_id)
    letters = {letter.pk: letter for letter in public_letters.distinct()}
    list_parts = {pk: public.list_fingerprint(letter) for pk, letter in letters.items()}
    queued = 0
    for pdf in LetterPdf.objects.filter(letter_id__in=letters).order_by("letter_id", "pk"):
        letter = letters[pdf.letter_id]
        if pdf.fingerprint == pdf_fingerprint(letter, pdf.language, list_parts[letter.pk]):
            continue
        key = _queued_key(letter.pk, pdf.language, pdf.audience)
        if cache.add(key, 1, timeout=settings.PDF_QUEUE_SECONDS):
            _enqueue_generate(letter.pk, pdf.language, pdf.audience, key)
            queued += 1
    return queued


def letter_pdfs_list_changed(*, letter_id: int) -> None:
    """A signatory of the letter was approved, withdrawn, listed, unlisted or renamed (called
    after commit): its stored PDFs are looked at again PDF_CHANGE_DELAY_SECONDS from the first
    change, so that a burst of approvals costs one render per PDF, and the PDF lags its list
    by that delay and a render, without beat."""
    if not LetterPdf.objects.filter(letter_id=letter_id).exists():
        return
    key = f"letter-pdfs-list-changed:{letter_id}"
    delay = max(1, settings.PDF_CHANGE_DELAY_SECONDS)
    # The mark expires no later than the refresh starts: a change after it has expired may
    # have come after the refresh read the list, so it schedules another.
    if not cache.add(key, 1, timeout=delay):
        return
    _dispatch(
        REFRESH_TASK,
        (letter_id,),
        letter_pdfs_refresh,
        countdown=delay,
        on_failure=lambda: cache.delete(key),
    )


def _queued_key(letter_id: int, language: str, audience: str) -> str:
    return f"letter-pdf-queued:{letter_id}:{language}:{audience}"


def letter_pdf_request(*, letter: Letter, language: str, audience: str) -> None:
    """Someone asked for a PDF that is not stored yet: have the renderer render it, once per
    PDF_QUEUE_SECONDS however many readers ask meanwhile."""
    key = _queued_key(letter.pk, language, audience)
    if not cache.add(key, 1, timeout=settings.PDF_QUEUE_SECONDS):
        return
    transaction.on_commit(lambda: _enqueue_generate(letter.pk, language, audience, key))


def _enqueue_generate(letter_id: int, language: str, audience: str, key: str) -> None:
    _dispatch(
        GENERATE_TASK,
        (letter_id, language, audience),
        lambda letter_id, language, audience: letter_pdf_generate(
            letter_id=letter_id, language=language, audience=audience
        ),
        on_failure=lambda: cache.delete(key),
    )


def _dispatch(
    task: str,
    args: tuple[Any, ...],
    in_this_process: Callable[..., object],
    *,
    on_failure: Callable[[], object],
    countdown: float = 0,
) -> None:
    """To the `pdf` queue, by the task's name (letters.tasks calls this module, never the
    reverse); without a broker (eager tasks), `in_this_process(*args)` goes to this process's
    render thread, since an eager task would render inside the request that queued it."""
    if current_app.conf.task_always_eager:
        in_process.submit(in_this_process, args, delay=countdown)
        return

    def failed() -> None:
        # The reader is told to come back shortly; the next request asks again.
        logger.warning("Could not enqueue %s%r", task, args)
        on_failure()

    redis_breaker(current_app.conf.broker_url).call(
        lambda: current_app.send_task(task, args, countdown=countdown or None),
        failed,
        what=f"Enqueueing {task}",
    )


class InProcessRenders:
    """Without a broker, PDFs render in one daemon thread of the web process, one at a time
    (each takes some hundred megabytes), in the order they were asked for; a delayed job waits
    on a timer thread until it is due. What is waiting is lost when the process stops, as
    eager tasks are: the next request or change asks again."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[..., object], tuple[Any, ...]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Callable[..., object], args: tuple[Any, ...], *, delay: float) -> None:
        if delay > 0:
            timer = threading.Timer(delay, self._put, (job, args))
            timer.daemon = True
            timer.start()
        else:
            self._put(job, args)

    def _put(self, job: Callable[..., object], args: tuple[Any, ...]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="letter-pdf-renders", daemon=True
                )
                self._thread.start()
        self._jobs.put((job, args))

    def _work(self) -> None:
        while True:
            job, args = self._jobs.get()
            try:
                job(*args)
            except Exception:
                logger.exception("Rendering a letter's PDF failed (%r)", args)
            finally:
                # This thread's own connection: idle between renders, it would hold a
                # PostgreSQL slot for nothing.
                connections.close_all()


in_process = InProcessRenders()
