"""Images people upload (an organisation's logo, a letter's banner and its initiators' logos).

An upload is never stored as it came: Pillow opens it with the raster decoders we allow (the
type is read from the bytes, never from the name or the browser's word), refuses anything else
(SVG can carry script; EPS would start Ghostscript), refuses a decompression bomb before
decoding it, turns it upright, shrinks it and writes a new PNG or JPEG from its pixels alone:
no metadata of any kind survives (EXIF with a phone's GPS position, XMP, a JPEG comment, PNG
text chunks, a GIF comment, the colour profile, whose colours are first converted to sRGB).
The file on disk is therefore of the type its extension says, which is what the media view
answers with."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# The decoders Pillow may try; everything else is refused without being parsed.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
ACCEPTED_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "gif")
# Beyond this many pixels an image is refused before it is decoded: a 50 kB PNG can claim
# 100,000 x 100,000 pixels and take gigabytes of memory.
MAX_PIXELS = 40_000_000
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class ImageRule:
    """How one kind of image is stored: the box it is shrunk into, the format it is kept in."""

    name: str
    directory: str
    max_width: int
    max_height: int
    # PNG keeps transparency (logos on any background); JPEG keeps photos small.
    format: str

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"


LOGO = ImageRule("logo", "logos", 480, 480, "PNG")
BANNER = ImageRule("banner", "banners", 1920, 960, "JPEG")
RULES = {rule.name: rule for rule in (LOGO, BANNER)}


def image_process(upload: UploadedFile, rule: ImageRule) -> ContentFile[bytes]:
    """The upload as we store it, under a new random name; ValidationError when it is not a
    PNG, JPEG, WebP or GIF image we can read, or is too large."""
    if upload.size is not None and upload.size > settings.IMAGE_MAX_BYTES:
        raise forms.ValidationError(
            _("This image is %(size)s; the largest accepted is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
            code="too_large",
        )
    not_an_image = forms.ValidationError(
        _("This file is not an image we accept: upload a PNG, JPEG, WebP or GIF file."),
        code="not_an_image",
    )
    too_many_pixels = forms.ValidationError(
        _("This image has too many pixels; please upload a smaller one."),
        code="too_many_pixels",
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ACCEPTED_FORMATS) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise too_many_pixels
                opened.seek(0)  # the first frame of an animation
                image = ImageOps.exif_transpose(opened)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # Not an image we read, or a truncated or corrupt file that claimed to be one.
        raise not_an_image from None
    image.thumbnail((rule.max_width, rule.max_height), Image.Resampling.LANCZOS)
    image = _in_srgb(image)
    out = io.BytesIO()
    if rule.format == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        _pixels_only(image).save(out, format="PNG", optimize=True)
    else:
        if image.mode in ("RGBA", "LA", "P"):
            # A transparent banner on white, as the page shows it.
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        _pixels_only(image).save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{rule.extension}")


def _in_srgb(image: Image.Image) -> Image.Image:
    """The pixels converted from the image's colour profile to sRGB, which browsers assume of
    an image without one: dropping an Adobe RGB or Display P3 profile without converting
    would dull or shift every colour."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    alpha = image.getchannel("A") if "A" in image.getbands() else None
    colours = image if alpha is None else image.convert("L" if image.mode == "LA" else "RGB")
    try:
        converted = ImageCms.profileToProfile(
            colours, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A profile littleCMS cannot read, or one for other pixels than these (a CMYK profile
        # on an RGB image): the pixels are taken as they are, as a browser would show them.
        return image
    assert converted is not None
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image of the same pixels and nothing else: Pillow's encoders write back what the
    decoder read into `info` (a JPEG's comment, a GIF's comment into a JPEG, a colour
    profile, EXIF), so the image is rebuilt rather than each key removed that we know of."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


class ImageUploadField(forms.FileField):
    """A form's image: cleaned means processed (see `image_process`)."""

    def __init__(self, *, rule: ImageRule, **kwargs: Any) -> None:
        self.rule = rule
        kwargs.setdefault(
            "help_text",
            _("PNG, JPEG, WebP or GIF, up to %(limit)s. SVG files are not accepted.")
            % {"limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
        )
        super().__init__(**kwargs)
        self.validators.append(FileExtensionValidator(list(ACCEPTED_EXTENSIONS)))
        self.widget.attrs.setdefault("accept", "image/png,image/jpeg,image/webp,image/gif")

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return image_process(value, self.rule)
        return value


class ProcessedImageField(models.FileField):
    """A model's image: every form for it (the admin's included) processes the upload."""

    def __init__(self, *args: Any, rule: str = LOGO.name, **kwargs: Any) -> None:
        self.rule = RULES[rule]
        kwargs.setdefault("upload_to", f"{self.rule.directory}/")
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["rule"] = self.rule.name
        if kwargs.get("upload_to") == f"{self.rule.directory}/":
            del kwargs["upload_to"]
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": ImageUploadField, "rule": self.rule, **kwargs})
