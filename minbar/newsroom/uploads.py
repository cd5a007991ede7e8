"""Pictures as they enter the newsroom: checked before they are decoded, and
stored without the camera's metadata.

Wagtail's upload field reads a picture's size through Willow, which decodes
the whole picture first, and it turns only Pillow's bomb errors into a form
error.  So a 100-megapixel PNG of a few kilobytes is decoded before it is
refused, and a truncated JPEG or a PNG whose text inflates past Pillow's limit
is a server error.  ``check_picture`` reads the header alone and refuses all
of these with a message the editor can act on; the upload form, the multiple
uploader and the wire ingest all go through it.

A phone photo carries where it was taken, the camera's serial number and often
a comment.  Willow copies EXIF into JPEG and PNG renditions and the original is
published by the API, so ``remove_metadata`` rewrites the original when it is
stored: every rendition made from it is then clean as well.
"""

import hashlib
import io
import logging
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, ImageOps, UnidentifiedImageError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

logger = logging.getLogger(__name__)

# What Pillow raises on a file it cannot read: not a picture, cut short, or a
# chunk that inflates past its safety limit (ValueError).
UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)

# Image.info keys that describe the camera, the place or the photographer.
METADATA_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc"}


def max_pixels() -> int:
    return settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def too_many_pixels(count) -> ValidationError:
    return ValidationError(
        _(
            "This picture has too many pixels (%(count)s); the most a picture "
            "may have is %(limit)s. Make it smaller and upload it again."
        )
        % {"count": count, "limit": max_pixels()},
        code="file_too_many_pixels",
    )


def not_a_picture() -> ValidationError:
    return ValidationError(
        _(
            "This file is not a picture that can be read: it may be damaged or "
            "cut short. Save it again as JPEG or PNG and upload it again."
        ),
        code="invalid_image",
    )


def check_picture(file) -> tuple[int, int]:
    """The width and height of the picture in ``file``, read from its header
    without decoding it; ValidationError if it is unreadable or too large."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns between its own limit and twice that; the count
            # below is what decides.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(file) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except PILImage.DecompressionBombError:
        raise too_many_pixels(_("unknown number")) from None
    except UNREADABLE as exc:
        raise not_a_picture() from exc
    finally:
        file.seek(0)
    if width * height * frames > max_pixels():
        raise too_many_pixels(width * height * frames)
    return width, height


class PictureField(WagtailImageField):
    """Wagtail's image field, with the picture checked before Willow decodes
    it and any decoding error shown to the editor rather than raised."""

    def check_image_pixel_size(self, f):
        check_picture(f)
        try:
            super().check_image_pixel_size(f)
        except UNREADABLE as exc:
            raise not_a_picture() from exc


class PictureForm(BaseImageForm):
    """The base of Wagtail's image forms (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            generated = self.fields["file"]
            field = PictureField(label=generated.label, required=generated.required)
            field.widget = generated.widget
            self.fields["file"] = field


# Metadata.


def carries_metadata(image: PILImage.Image) -> bool:
    if METADATA_KEYS & set(image.info):
        return True
    if getattr(image, "text", None):  # PNG text chunks
        return True
    return bool(image.getexif())


def remove_metadata(data: bytes) -> bytes:
    """The picture without EXIF, XMP, IPTC or comments, turned upright first
    if the camera only recorded its orientation.  A picture that carries none
    is returned as it is; an animated one is left alone."""
    with PILImage.open(io.BytesIO(data)) as image:
        # Phones write a JPEG with more pictures after it (a depth or gain
        # map, with EXIF of its own), which Pillow calls MPO: the first is
        # the photo.
        kind = "JPEG" if image.format == "MPO" else image.format
        animated = kind != "JPEG" and getattr(image, "n_frames", 1) > 1
        if animated or not carries_metadata(image):
            return data
        turned = image.getexif().get(ExifTags.Base.Orientation, 1) not in {0, 1}
        if kind == "JPEG" and not turned:
            return jpeg_without_metadata(data)
        upright = ImageOps.exif_transpose(image)
        options = {"icc_profile": image.info.get("icc_profile")}
        if kind == "JPEG":
            # Pillow writes the comment it read unless told otherwise.
            options.update(
                quality=92, comment=b"", progressive=bool(image.info.get("progressive"))
            )
        elif kind == "PNG":
            for key in ("transparency", "dpi"):
                if key in image.info:
                    options[key] = image.info[key]
        elif kind in {"WEBP", "AVIF"}:
            options.update(quality=90, lossless=bool(image.info.get("lossless")))
        else:
            return data
        upright.load()
        out = io.BytesIO()
        upright.save(out, kind, **options)
        return out.getvalue()


# JPEG segments a picture needs: JFIF (APP0), the colour profile (APP2 that
# starts ICC_PROFILE; another APP2 indexes the pictures after this one, which
# go) and Adobe's colour transform (APP14).  Every other APPn segment and
# comments (COM) describe the camera, the place or the photographer.
JPEG_APP0, JPEG_APP2, JPEG_APP14 = 0xE0, 0xE2, 0xEE
JPEG_EOI, JPEG_SOS, JPEG_COM = 0xD9, 0xDA, 0xFE
ICC_PROFILE = b"ICC_PROFILE\x00"


def jpeg_segment_kept(marker: int, payload: bytes) -> bool:
    if marker == JPEG_APP2:
        return payload.startswith(ICC_PROFILE)
    return marker in {JPEG_APP0, JPEG_APP14} or not (
        0xE0 <= marker <= 0xEF or marker == JPEG_COM
    )


def jpeg_without_metadata(data: bytes) -> bytes:
    """The JPEG with its metadata segments dropped and its image data copied
    byte for byte: no re-encoding, so no loss.  What follows the end of the
    picture (a phone's second picture, with its own EXIF) is dropped too."""
    out = bytearray(data[:2])  # SOI
    at = 2
    while at < len(data):
        if data[at] != 0xFF:
            raise ValueError("not a JPEG segment")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == JPEG_EOI:
            out += data[at : at + 2]
            return bytes(out)
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if marker == JPEG_SOS:
            end = scan_end(data, end)
        if jpeg_segment_kept(marker, data[at + 4 : at + 4 + len(ICC_PROFILE)]):
            out += data[at:end]
        at = end
    raise ValueError("the JPEG ends before its end marker")


def scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data that starts at ``at`` ends: at the next
    marker that is neither a stuffed 0xFF nor a restart marker."""
    while True:
        at = data.index(b"\xff", at)
        following = data[at + 1] if at + 1 < len(data) else JPEG_EOI
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            at += 2
        else:
            return at


def store_without_metadata(sender, instance, **kwargs):
    """pre_save of the image model: a file about to be stored for the first
    time is stored without its metadata.  The hash stays that of the file as
    received, so the same photo sent twice is still found as a duplicate."""
    file = instance.file
    if not file or getattr(file, "_committed", True):
        return
    file.open("rb")
    file.seek(0)
    received = file.read()
    try:
        cleaned = remove_metadata(received)
    except UNREADABLE:
        # Refused earlier on every path a person or a wire takes.
        logger.warning("could not remove the metadata of %s", file.name)
        return
    if not instance.file_hash:
        instance.file_hash = hashlib.sha1(received, usedforsecurity=False).hexdigest()
    if cleaned is received:
        file.seek(0)
        return
    instance.file = ContentFile(cleaned, name=os.path.basename(file.name))
    instance.file_size = len(cleaned)
