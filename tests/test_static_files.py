"""Collected static files: hashed names, gzip and Brotli copies, cached for good.

`collectstatic` runs with the storage production uses
(COLLECTED_STATICFILES_STORAGE in the base settings) into a temporary
STATIC_ROOT, from the package's own static folder only: Wagtail's admin files
take most of the time and Minbar's public pages link none of them.
"""

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponseNotFound
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

PACKAGE_STATIC = Path(settings.STATICFILES_DIRS[0])
FONTS = sorted(
    path.relative_to(PACKAGE_STATIC).as_posix()
    for path in (PACKAGE_STATIC / "minbar" / "fonts").glob("*.woff2")
)
A_YEAR = 365 * 24 * 60 * 60


def hashed(name):
    """The pattern of NAME with a content hash before its extension."""
    stem, dot, extension = name.rpartition(".")
    return re.compile(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{re.escape(extension)}")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """STATIC_ROOT as production collects it, and its manifest."""
    root = tmp_path_factory.mktemp("static-root")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": settings.COLLECTED_STATICFILES_STORAGE,
        },
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((root / "staticfiles.json").read_text())
        yield root, manifest["paths"]


def test_fonts_get_hashed_names(collected):
    root, manifest = collected
    assert len(FONTS) >= 2
    for font in FONTS:
        assert hashed(font).fullmatch(manifest[font]), manifest[font]
        collected_font = (root / manifest[font]).read_bytes()
        assert collected_font == (PACKAGE_STATIC / font).read_bytes()


def test_stylesheet_is_hashed_and_links_hashed_fonts(collected):
    root, manifest = collected
    css_name = manifest["minbar/css/site.css"]
    assert hashed("minbar/css/site.css").fullmatch(css_name), css_name
    css = (root / css_name).read_text()
    fonts = re.findall(r'url\("\.\./fonts/([^"]+)"\)', css)
    assert sorted(f"minbar/fonts/{font}" for font in fonts) == sorted(
        manifest[font] for font in FONTS
    )
    # Templates link the hashed names.
    assert static("minbar/css/site.css") == f"{settings.STATIC_URL}{css_name}"


def test_stylesheet_is_precompressed_with_gzip_and_brotli(collected):
    root, manifest = collected
    css = root / manifest["minbar/css/site.css"]
    original = css.read_bytes()
    gz = css.with_name(css.name + ".gz")
    br = css.with_name(css.name + ".br")
    assert gz.stat().st_size < len(original)
    assert br.stat().st_size < len(original)
    assert gzip.decompress(gz.read_bytes()) == original
    assert brotli.decompress(br.read_bytes()) == original


def serve(url, accept_encoding=""):
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponseNotFound())
    request = RequestFactory().get(url, HTTP_ACCEPT_ENCODING=accept_encoding)
    return middleware(request)


def max_age(response):
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


def test_hashed_files_are_served_immutable_for_a_year_or_more(collected):
    _, manifest = collected
    for name in ["minbar/css/site.css", *FONTS]:
        response = serve(settings.STATIC_URL + manifest[name], "br, gzip")
        assert response.status_code == 200, name
        assert "public" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
        assert max_age(response) >= A_YEAR
    css = serve(settings.STATIC_URL + manifest["minbar/css/site.css"], "br, gzip")
    assert css["Content-Encoding"] == "br"
    css = serve(settings.STATIC_URL + manifest["minbar/css/site.css"], "gzip")
    assert css["Content-Encoding"] == "gzip"


def test_plain_names_are_not_cached_for_long(collected):
    response = serve(settings.STATIC_URL + "minbar/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert max_age(response) < A_YEAR
