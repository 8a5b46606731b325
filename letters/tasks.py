"""The letter's PDF, rendered by the worker of the `pdf` queue (letters/pdf.py)."""

from __future__ import annotations

from celery import shared_task

from . import pdf


@shared_task(acks_late=True)
def letter_pdf_generate(letter_id: int, language: str, audience: str) -> bool:
    return pdf.letter_pdf_generate(letter_id=letter_id, language=language, audience=audience)


@shared_task(acks_late=True)
def letter_pdfs_refresh(letter_id: int | None = None) -> int:
    return pdf.letter_pdfs_refresh(letter_id)
