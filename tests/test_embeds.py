"""Embedded media in bodies: allowed players become embeds, others vanish."""

import pytest

from minbar.ingest.services import Destination, receive
from minbar.newsroom.html_body import html_to_blocks
from minbar.newsroom.models import ArticlePage

from .test_ingest import wire_item

pytestmark = pytest.mark.django_db

BODY = (
    "<p>وصل الوزير إلى موسكو.</p>"
    '<p><iframe width="560" height="315" '
    'src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=tracking" '
    "allowfullscreen></iframe></p>"
    '<iframe src="https://player.vimeo.com/video/76979871"></iframe>'
    '<iframe src="https://ads.example/frame" onload="steal()"></iframe>'
    "<script>document.cookie</script>"
    "<p>ويلتقي خلال الزيارة نظيره الروسي.</p>"
)


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom."""


def test_players_of_allowed_providers_become_embeds_and_others_vanish(client):
    item = wire_item(body_html=BODY)
    outcome = receive(item, "tass.json", Destination(source="tass", publish=True))
    article = ArticlePage.objects.get(public_id=outcome.public_id)
    embeds = [b.value.url for b in article.body if b.block_type == "embed"]
    kinds = [block.block_type for block in article.body]
    assert kinds == ["paragraph", "embed", "embed", "paragraph"]
    assert embeds == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
    ]
    page = client.get(f"/{article.public_id}").content.decode()
    # The players are written here: no call to YouTube or Vimeo, no cookie.
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert 'src="https://player.vimeo.com/video/76979871?dnt=1"' in page
    assert 'title="فيديو على YouTube"' in page
    assert "ads.example" not in page and "steal()" not in page
    assert "document.cookie" not in page
    assert page.index("وصل الوزير") < page.index("youtube-nocookie")
    assert page.index("youtube-nocookie") < page.index("ويلتقي خلال الزيارة")


def test_wordpress_embeds_a_media_address_on_a_line_of_its_own():
    blocks = html_to_blocks(
        "<p>مقدمة</p>\n<p>https://youtu.be/dQw4w9WgXcQ</p>\n"
        "[embed]https://vimeo.com/76979871[/embed]\n"
        '<figure class="wp-block-embed is-provider-twitter"><div '
        'class="wp-block-embed__wrapper">\nhttps://twitter.com/kremlin/status/1234'
        "\n</div></figure>\n"
        # A link inside a sentence stays a link.
        '<p>شاهد <a href="https://youtu.be/dQw4w9WgXcQ">الفيديو</a> كاملا.</p>'
        # An address of a provider not on the list stays text.
        "<p>https://video.example/watch/1</p>"
    )
    assert [(b["type"], b["value"]) for b in blocks] == [
        ("paragraph", "<p>مقدمة</p>"),
        ("embed", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("embed", "https://vimeo.com/76979871"),
        ("embed", "https://twitter.com/kremlin/status/1234"),
        (
            "paragraph",
            '<p>شاهد <a href="https://youtu.be/dQw4w9WgXcQ">الفيديو</a> كاملا.</p>'
            "<p>https://video.example/watch/1</p>",
        ),
    ]
