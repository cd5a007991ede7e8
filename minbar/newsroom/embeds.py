"""Embedded media in article bodies: which may stay, and the players' markup.

Wire and WordPress bodies bring embedded media as iframes, as shortcodes or
as a lone link on its own line (WordPress's own rule).  Only media of the
providers below become embed blocks; every other iframe is removed with the
rest of the markup the body allowlist refuses.

YouTube and Vimeo players are written here rather than asked of the provider
(oEmbed): rendering a page then calls no outside server, and YouTube's
privacy-enhanced player sets no cookie before the reader presses play.  The
other providers go through Wagtail's oEmbed finder.
"""

import html
import re

from django.utils.translation import gettext as _
from wagtail.embeds.finders.base import EmbedFinder

YOUTUBE_ID = r"([\w-]{11})"
# Player or page addresses of a video, and the page address they stand for.
VIDEOS = [
    (rf"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/{YOUTUBE_ID}", "youtube"),
    (
        rf"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#]*&)?v={YOUTUBE_ID}",
        "youtube",
    ),
    (rf"https?://(?:www\.)?youtube\.com/shorts/{YOUTUBE_ID}", "youtube"),
    (rf"https?://youtu\.be/{YOUTUBE_ID}", "youtube"),
    (r"https?://player\.vimeo\.com/video/(\d+)", "vimeo"),
    (r"https?://(?:www\.)?vimeo\.com/(\d+)", "vimeo"),
]
VIDEO_PAGES = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
}
# Posts that Wagtail's oEmbed finder knows, kept as their page address.
POSTS = [
    r"https?://(?:www\.)?(?:twitter|x)\.com/\w+/status/\d+",
    r"https?://(?:www\.)?instagram\.com/(?:p|reel)/[\w-]+/?",
    r"https?://(?:www\.)?facebook\.com/[\w.-]+/(?:videos|posts)/[\w.-]+/?",
    r"https?://(?:www\.)?soundcloud\.com/[\w-]+/[\w-]+/?",
]


def video(url: str) -> tuple[str, str] | None:
    """The provider and id of a YouTube or Vimeo address, if it is one."""
    for pattern, provider in VIDEOS:
        match = re.match(pattern + r"(?:[?#&/].*)?$", url.strip())
        if match:
            return provider, match.group(1)
    return None


def embeddable(url: str) -> str:
    """The address to embed for a player or page address; "" when not allowed."""
    url = html.unescape(url.strip())
    found = video(url)
    if found:
        provider, key = found
        return VIDEO_PAGES[provider].format(key)
    for pattern in POSTS:
        if re.fullmatch(pattern + r"(?:\?[^#\s]*)?", url):
            return url.split("?")[0]
    return ""


class VideoPlayerFinder(EmbedFinder):
    """YouTube and Vimeo players, written without asking the provider."""

    PLAYERS = {
        "youtube": "https://www.youtube-nocookie.com/embed/{}",
        "vimeo": "https://player.vimeo.com/video/{}?dnt=1",
    }
    NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}

    def __init__(self, **options):
        super().__init__()

    def accept(self, url):
        return video(url) is not None

    def find_embed(self, url, max_width=None, max_height=None):
        provider, key = video(url)
        name = self.NAMES[provider]
        width, height = 640, 360
        if max_width and max_width < width:
            width, height = max_width, max_width * 9 // 16
        title = _("Video on %(provider)s") % {"provider": name}
        player = (
            f'<iframe src="{self.PLAYERS[provider].format(key)}" '
            f'title="{html.escape(title)}" width="{width}" height="{height}" '
            'loading="lazy" referrerpolicy="strict-origin-when-cross-origin" '
            'allow="encrypted-media; picture-in-picture; fullscreen" '
            "allowfullscreen></iframe>"
        )
        return {
            "title": title,
            "author_name": "",
            "provider_name": name,
            "type": "video",
            "thumbnail_url": None,
            "width": width,
            "height": height,
            "html": player,
        }
