"""Responsive pictures: every width once, whatever the size of the upload."""

import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from minbar.newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def small_photo() -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (700, 466), (120, 90, 60)).save(buffer, "JPEG")
    return Image.objects.create(
        title="صورة صغيرة من الوكالة",
        file=ImageFile(buffer, name="wire-700.jpg"),
    )


def test_a_photo_narrower_than_the_largest_size_lists_each_width_once(client, newsroom):
    article = ArticlePage.objects.listing().first()
    article.image = small_photo()
    article.save_revision().publish()
    page = client.get(f"/{article.public_id}").content.decode()
    figure = page.split("<figure", 1)[1].split("</figure>", 1)[0]
    sources = re.findall(r'srcset="([^"]+)"', figure)
    assert len(sources) == 3  # AVIF, WebP, JPEG
    for srcset in sources:
        widths = [int(w) for w in re.findall(r" (\d+)w", srcset)]
        assert widths == [400, 700], srcset
