"""Uploaded images: logos and banners are re-encoded by Pillow, checked by their content, never
stored as they came, and served with the type they were encoded in."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from letters.models import LetterInitiator
from signatories.models import Endorsement, Organization

from .factories import EndorsementFactory, LetterFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
OnCommit = Callable[[], AbstractContextManager[list]]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (1200, 800), **save: object) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, (200, 30, 60, 255) if mode == "RGBA" else (200, 30, 60)).save(
        out, format=fmt, **save
    )
    return out.getvalue()


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def organization() -> Organization:
    return OrganizationFactory(name="Réseau Paix & Justice", country="SN")


@pytest.fixture
def member(client: Client, organization: Organization) -> Client:
    client.force_login(organization.user)
    return client


def details(organization: Organization, **extra: object) -> dict[str, object]:
    return {
        "name": organization.name,
        "country": str(organization.country),
        "city": organization.city,
        "website": organization.website,
        "kind": organization.kind,
        "contact_name": organization.contact_name,
        "description": organization.description,
        **extra,
    }


def test_an_uploaded_logo_is_shrunk_re_encoded_and_served_as_png(
    member: Client, organization: Organization, media_root: Path
) -> None:
    response = member.post(
        "/account/details/", details(organization, logo=upload(image_bytes("JPEG"), "logo.jpg"))
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.logo.name.startswith("logos/")
    assert organization.logo.name.endswith(".png")
    with Image.open(media_root / organization.logo.name) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 480
    served = Client().get(organization.logo.url)
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_an_svg_named_like_a_png_is_refused_with_a_message(
    member: Client, organization: Organization, media_root: Path
) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = member.post("/account/details/", details(organization, logo=upload(svg)))
    assert response.status_code == 400
    assert "This file is not an image we accept" in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo
    assert not any(media_root.rglob("*.*"))


def test_an_image_claiming_too_many_pixels_is_refused_before_it_is_decoded(
    member: Client, organization: Organization
) -> None:
    small = image_bytes("PNG", (10, 10))
    # The same PNG, its header (with a correct checksum) saying 20,000 x 20,000 pixels.
    ihdr = b"IHDR" + (20000).to_bytes(4, "big") * 2 + small[24:29]
    bomb = small[:12] + ihdr + zlib.crc32(ihdr).to_bytes(4, "big") + small[33:]
    response = member.post("/account/details/", details(organization, logo=upload(bomb)))
    assert response.status_code == 400
    assert "This image has too many pixels" in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo


def test_a_photo_loses_its_metadata(settings, media_root: Path) -> None:
    letter = LetterFactory()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; GPS tags travel the same way
    from coalition.images import BANNER, image_process

    stored = image_process(upload(image_bytes("JPEG", exif=exif.tobytes()), "p.jpg"), BANNER)
    letter.banner.save(stored.name, stored)
    with Image.open(media_root / letter.banner.name) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_file_too_large_is_refused_with_its_size(
    member: Client, organization: Organization, settings
) -> None:
    settings.IMAGE_MAX_BYTES = 1000
    response = member.post("/account/details/", details(organization, logo=upload(image_bytes())))
    assert response.status_code == 400
    assert "the largest accepted is 1000\xa0bytes" in response.content.decode()


def test_a_new_logo_sends_a_published_endorsement_back_to_review(
    member: Client, organization: Organization, on_commit: OnCommit
) -> None:
    endorsement = EndorsementFactory(organization=organization, approved=True)
    with on_commit():
        member.post("/account/details/", details(organization, logo=upload(image_bytes())))
    endorsement.refresh_from_db()
    assert endorsement.status == Endorsement.Status.PENDING
    reason = endorsement.events.last().why()
    assert reason == "Changed by the organisation after publication: logo."


def test_removing_the_logo_deletes_its_file(
    member: Client, organization: Organization, media_root: Path, on_commit: OnCommit
) -> None:
    member.post("/account/details/", details(organization, logo=upload(image_bytes())))
    organization.refresh_from_db()
    stored = media_root / organization.logo.name
    assert stored.exists()
    with on_commit():
        member.post("/account/details/", details(organization, **{"logo-clear": "on"}))
    organization.refresh_from_db()
    assert not organization.logo
    assert not stored.exists()


def test_the_logo_of_a_listed_signatory_shows_beside_its_name(
    member: Client, organization: Organization
) -> None:
    member.post("/account/details/", details(organization, logo=upload(image_bytes())))
    organization.refresh_from_db()
    endorsement = EndorsementFactory(organization=organization, approved=True)
    page = Client().get(f"/letters/{endorsement.letter.slug}/signatories/").content.decode()
    assert f'<img class="signatory-logo" src="{organization.logo.url}" alt=""' in page


@pytest.mark.parametrize(
    "path",
    ["logos/../../etc/passwd", "logos/x.svg", "imports/abc.png", "logos/missing.png", "logos/"],
)
def test_the_media_view_serves_nothing_but_images_it_wrote(client: Client, path: str) -> None:
    assert client.get(f"/media/{path}").status_code == 404


def test_the_letter_admin_takes_a_banner_and_initiators_with_logos(
    admin_client: Client, media_root: Path
) -> None:
    letter = LetterFactory()
    form = {
        "title": letter.title,
        "slug": letter.slug,
        "summary": letter.summary,
        "body": letter.body,
        "recipients": letter.recipients,
        "status": "open",
        "moderation": letter.moderation,
        "original_language": "en",
        "target": "300",
        "banner": upload(image_bytes("PNG", (3000, 1500)), "banner.png"),
        "banner_description": "Volunteers unloading a convoy",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "initiators-TOTAL_FORMS": "1",
        "initiators-INITIAL_FORMS": "0",
        "initiators-0-position": "1",
        "initiators-0-name": "Syria Civil Defence Network",
        "initiators-0-website": "https://network.example.org",
        "initiators-0-logo": upload(image_bytes("PNG", (900, 300)), "network.png"),
    }
    response = admin_client.post(f"/admin/letters/letter/{letter.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    letter.refresh_from_db()
    assert letter.target == 300
    with Image.open(media_root / letter.banner.name) as banner:
        assert (banner.format, banner.size) == ("JPEG", (1920, 960))
    initiator = LetterInitiator.objects.get(letter=letter)
    assert initiator.logo.name.endswith(".png")
    page = Client().get(letter.get_absolute_url()).content.decode()
    assert f'src="{letter.banner.url}" alt="Volunteers unloading a convoy"' in page
    assert "Initiated by" in page
    assert f'<img src="{initiator.logo.url}" alt="" class="initiator-logo"' in page
    assert f'<meta property="og:image" content="http://testserver{letter.banner.url}">' in page


def test_erasing_an_organisation_without_a_public_record_deletes_its_logo(
    member: Client, organization: Organization, media_root: Path, on_commit: OnCommit
) -> None:
    from signatories.services.privacy import organization_erase

    member.post("/account/details/", details(organization, logo=upload(image_bytes())))
    organization.refresh_from_db()
    stored = media_root / organization.logo.name
    with on_commit():
        organization_erase(organization=organization)
    organization.refresh_from_db()
    assert not organization.logo
    assert not stored.exists()


SECRET = b"SECRET-METADATA"


def _with_xmp_segment(jpeg: bytes) -> bytes:
    """A JPEG with an XMP packet (an APP1 segment) right after its start marker."""
    payload = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + SECRET + b"-XMP</x:xmpmeta>"
    return jpeg[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = (SECRET + b"-EXIF").decode()  # Artist; a GPS block travels the same way
    exif[0x0112] = 1
    return exif.tobytes()


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_with_text_chunks() -> bytes:
    chunks = PngInfo()
    chunks.add_text("Comment", (SECRET + b"-tEXt").decode())
    chunks.add_itxt("XML:com.adobe.xmp", (SECRET + b"-iTXt").decode(), zip=False)
    chunks.add_text("Author", (SECRET + b"-zTXt").decode(), zip=True)
    return image_bytes("PNG", pnginfo=chunks, exif=_exif(), icc_profile=_srgb_profile())


UPLOADS_WITH_METADATA = {
    "jpeg: COM, EXIF, XMP, ICC": lambda: _with_xmp_segment(
        image_bytes("JPEG", comment=SECRET + b"-COM", exif=_exif(), icc_profile=_srgb_profile())
    ),
    "png: tEXt, iTXt, zTXt, eXIf, iCCP": _png_with_text_chunks,
    "gif: comment": lambda: image_bytes("GIF", comment=SECRET + b"-GIF"),
    "webp: EXIF, XMP, ICC": lambda: image_bytes(
        "WEBP", exif=_exif(), xmp=SECRET + b"-XMP", icc_profile=_srgb_profile()
    ),
}


@pytest.mark.parametrize("rule", ["logo", "banner"])
@pytest.mark.parametrize(
    "make_upload", UPLOADS_WITH_METADATA.values(), ids=UPLOADS_WITH_METADATA.keys()
)
def test_no_metadata_of_any_kind_survives_the_re_encoding(
    make_upload: Callable[[], bytes], rule: str
) -> None:
    from coalition.images import RULES, image_process

    content = make_upload()
    assert SECRET in content  # the upload does carry it
    stored = image_process(upload(content, "upload.img"), RULES[rule]).read()
    assert SECRET not in stored
    for marker in (b"\xff\xfe", b"Exif\x00", b"http://ns.adobe.com/xap", b"ICC_PROFILE"):
        assert marker not in stored, marker
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
        assert chunk not in stored, chunk
    with Image.open(io.BytesIO(stored)) as image:
        assert not set(image.info) & {"comment", "exif", "xmp", "icc_profile", "XML:com.adobe.xmp"}
        assert not getattr(image, "text", {})
        assert not image.getexif()
        # The colours are those of the upload (sRGB in, sRGB out).
        red, green, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
        assert abs(red - 200) <= 4 and abs(green - 30) <= 4 and abs(blue - 60) <= 4


def test_an_image_with_a_broken_colour_profile_is_kept_without_it() -> None:
    from coalition.images import BANNER, image_process

    content = image_bytes("JPEG", icc_profile=SECRET + b"-not-a-profile")
    stored = image_process(upload(content, "broken.jpg"), BANNER).read()
    assert SECRET not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "icc_profile" not in image.info
