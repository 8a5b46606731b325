"""The site installed as docs/deploy.md "Without Docker (systemd)" says, word for word: a copy of
the checkout, a fresh venv, `pip install .`, a `.env`, the documented `manage.py` commands,
gunicorn and a worker. An Arabic reader gets Arabic pages and Arabic mail; a site whose
catalogues were not compiled refuses to start instead of speaking English to everyone."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from .conftest import Inbox, PrivateRedis, free_port, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SLUG = "syria-emergency-special-session"
ARABIC_CATALOGUE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def arabic(msgid: str) -> str:
    entry = polib.pofile(str(ARABIC_CATALOGUE)).find(msgid)
    assert entry is not None and entry.msgstr, msgid
    return entry.msgstr


def copy_of_the_checkout(destination: Path) -> Path:
    """What `git clone` gives: the files in git (and new ones not ignored), nothing built."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        skip_or_fail("the install test copies a git checkout")
    for name in listed.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    return destination


def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the install's own, on the server the tests use (SQLite without one)."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'install.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(configured)
    name = f"coalition_install_{secrets.token_hex(4)}"
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Installed:
    def __init__(self, app: Path, port: int) -> None:
        self.app = app
        self.port = port
        self.processes: list[subprocess.Popen] = []

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(self.app / ".venv" / "bin" / command[0]), *command[1:]],
            cwd=self.app,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
        return result

    def start(self, *command: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(self.app / ".venv" / "bin" / command[0]), *command[1:]],
            cwd=self.app,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def environment(self) -> dict[str, str]:
        """The operator's shell: nothing of the test run's own configuration leaks in; the
        app reads its settings from .env, as the guide says."""
        keep = ("PATH", "HOME", "LANG", "TMPDIR")
        return {
            key: value
            for key, value in os.environ.items()
            if key in keep or key.startswith("PIP_") or key.lower().endswith("_proxy")
        }

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def installed(
    tmp_path: Path, smtp_server: tuple[Inbox, int], private_redis: PrivateRedis
) -> Iterator[Installed]:
    app = copy_of_the_checkout(tmp_path / "app")
    port = free_port()
    subprocess.run([sys.executable, "-m", "venv", str(app / ".venv")], check=True)
    site = Installed(app, port)
    site.run("pip", "install", "--quiet", "--disable-pip-version-check", ".")
    databases = database_url(tmp_path)
    (app / ".env").write_text(
        "\n".join(
            [
                "DEBUG=False",
                f"SECRET_KEY={secrets.token_urlsafe(64)}",
                f"SITE_URL=http://127.0.0.1:{port}",
                f"DATABASE_URL={next(databases)}",
                f"REDIS_URL={private_redis.url}",
                f"EMAIL_URL=smtp://127.0.0.1:{smtp_server[1]}",
                "DEFAULT_FROM_EMAIL=Coalition <noreply@coalition.example.org>",
                "",
            ]
        )
    )
    try:
        yield site
    finally:
        site.stop()
        next(databases, None)


def documented_commands(site: Installed) -> None:
    site.run("python", "manage.py", "compilemessages", "--ignore=.venv")
    site.run("python", "manage.py", "migrate", "--noinput")
    site.run("python", "manage.py", "collectstatic", "--noinput")
    # The demo letter (the guide's optional step), so that there is something to sign.
    site.run("python", "manage.py", "seed_demo")


def wait_for_http(site: Installed, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            urllib.request.urlopen(site.url("/healthz/"), timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")


class FormFields(HTMLParser):
    """The sign form's fields as a browser would send them, hidden tokens included."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = values.get("name")
        if tag == "input" and name and values.get("type") not in ("checkbox", "submit"):
            self.fields[name] = values.get("value") or ""


@pytest.mark.worker
def test_a_site_installed_by_the_book_speaks_and_mails_arabic(
    installed: Installed, smtp_server: tuple[Inbox, int]
) -> None:
    site = installed
    inbox, _port = smtp_server
    documented_commands(site)
    check = site.run("python", "manage.py", "check", "--deploy")
    assert "ERRORS" not in check.stdout + check.stderr  # warnings: this test site is on http
    web = site.start(
        "gunicorn", "coalition.wsgi:application", "--bind", f"127.0.0.1:{site.port}", "-w", "1"
    )
    site.start("celery", "-A", "coalition", "worker", "--pool", "solo", "--loglevel=info")
    wait_for_http(site, web)

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    letter_page = browser.open(site.url(f"/ar/letters/{SLUG}/")).read().decode()
    assert 'lang="ar" dir="rtl"' in letter_page
    sign_url = site.url(f"/ar/letters/{SLUG}/sign/")
    sign_page = browser.open(sign_url).read().decode()
    assert arabic("Sign on behalf of your organisation") in sign_page
    assert "Sign on behalf of your organisation" not in sign_page

    form = FormFields()
    form.feed(sign_page)
    form.fields.update(
        {
            "name": "جمعية الأمل",
            "country": "JO",
            "city": "عمّان",
            "website": "https://amal.example.org",
            "kind": "ngo",
            "contact_name": "ليلى",
            "email": "layla@amal.example.org",
            "listed_publicly": "on",
            "leave_empty": "",
        }
    )
    time.sleep(3.2)  # a form sent faster than a person fills it is held (SIGN_MIN_SECONDS)
    request = urllib.request.Request(  # noqa: S310
        sign_url,
        data=urllib.parse.urlencode(form.fields).encode(),
        headers={"Referer": sign_url},
    )
    done = browser.open(request).read().decode()
    assert arabic("Sign on behalf of your organisation") not in done  # not the form again

    (message,) = inbox.wait_for(1, timeout=30)
    assert message["To"] == "layla@amal.example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert arabic("Hello,") in text
    assert "Someone, probably you" not in text
    assert re.search(r"/accounts/confirm-email/\S+/", text)


def test_a_site_whose_catalogues_were_not_compiled_refuses_to_start(installed: Installed) -> None:
    site = installed
    documented_commands(site)
    (site.app / "locale" / "ar" / "LC_MESSAGES" / "django.mo").unlink()

    check = site.run("python", "manage.py", "check", "--deploy", check=False)
    assert check.returncode != 0
    assert "Arabic (ar) is not compiled" in check.stderr

    worker = site.start("celery", "-A", "coalition", "worker", "--pool", "solo")
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode != 0
    assert "Arabic (ar) is not compiled" in output
