"""The private store of offline-import files between their preview and their confirmation.

A file is kept under a random id that the confirmation form carries back; the id is checked
against a strict pattern and never joined to a path as the client sent it, so that no posted
name can reach another file (`../../tmp/other.csv` once was imported and then deleted). The
directory is the server's own (0700); a file leaves it when it is confirmed or cancelled, and
any left behind (a preview nobody confirmed) goes after IMPORT_UPLOAD_MAX_AGE_SECONDS.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

EXTENSIONS = ("csv", "xlsx")
# secrets.token_urlsafe(24): 32 characters of the URL-safe base64 alphabet, 192 random bits.
UPLOAD_ID = re.compile(r"\A[A-Za-z0-9_-]{32}\Z")
_STORED_NAME = re.compile(r"\A[A-Za-z0-9_-]{32}\.(csv|xlsx)(\.claimed)?\Z")
CLAIMED = ".claimed"


class UploadMissing(Exception):
    """No upload has this id: already imported, cancelled, expired, or never made."""


def upload_directory() -> Path:
    """The store, created 0700 on first use. One that another account owns, or that others can
    read, is refused: in a shared /tmp it could have been put there to catch the files."""
    configured = settings.IMPORT_UPLOAD_DIR
    directory = (
        Path(configured)
        if configured
        else Path(tempfile.gettempdir()) / f"coalition-imports-{os.getuid()}"
    )
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700, parents=True)
    info = directory.lstat()
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    ):
        raise ImproperlyConfigured(
            f"IMPORT_UPLOAD_DIR {directory} must be a directory (not a link) that this account "
            "owns and that no one else may read (chmod 700)."
        )
    return directory


def _path(upload_id: str, extension: str, suffix: str = "") -> Path:
    if not UPLOAD_ID.match(upload_id) or extension not in EXTENSIONS:
        raise UploadMissing(upload_id)
    return upload_directory() / f"{upload_id}.{extension}{suffix}"


def import_upload_save(*, content: bytes, extension: str) -> str:
    """Keep an uploaded file until it is confirmed; returns its id. Uploads left over from
    earlier previews go first (the periodic task may run on a machine that cannot see them)."""
    import_uploads_remove_stale()
    upload_id = secrets.token_urlsafe(24)
    path = _path(upload_id, extension)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(content)
    return upload_id


def import_upload_claim(upload_id: str) -> tuple[Path, str]:
    """Take an upload for its confirmation: renamed, so that a second press of the button (or
    a second tab) finds nothing rather than importing the file twice. Returns the claimed
    file, which the caller removes with `import_upload_remove`, and its extension."""
    for extension in EXTENSIONS:
        path = _path(upload_id, extension)
        claimed = path.with_name(path.name + CLAIMED)
        try:
            path.rename(claimed)
        except FileNotFoundError:
            continue
        return claimed, extension
    raise UploadMissing(upload_id)


def import_upload_remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def import_upload_cancel(upload_id: str) -> bool:
    """The moderator cancels after the preview. Returns whether there was a file."""
    removed = False
    for extension in EXTENSIONS:
        path = _path(upload_id, extension)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed = True
    return removed


def import_uploads_remove_stale(*, max_age_seconds: int | None = None) -> int:
    """Delete uploads older than IMPORT_UPLOAD_MAX_AGE_SECONDS (a preview nobody confirmed).
    Only files named as this store names them are touched. Returns how many went."""
    age = settings.IMPORT_UPLOAD_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
    cutoff = time.time() - age
    removed = 0
    with os.scandir(upload_directory()) as entries:
        for entry in entries:
            if not _STORED_NAME.match(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(FileNotFoundError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
    return removed
