"""What each response tells the front cache, and what each change purges.

The purges are received by a real HTTP server on loopback, standing where
Varnish would (tests/test_front_cache.py runs Varnish itself).
"""

import http.server
import io
import re
import threading

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from minbar.delivery import keys
from minbar.newsroom.models import ArticlePage, SectionPage
from minbar.public.models import PublicationSettings, StaffLine, TickerItem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(newsroom):
    """The demo newsroom."""


def s_maxage(response) -> int:
    control = dict(
        part.strip().partition("=")[::2]
        for part in response["Cache-Control"].split(",")
    )
    assert "public" in control and control["max-age"] == "0"
    return int(control["s-maxage"])


def xkeys(response) -> set[str]:
    return set(response["xkey"].split())


def an_article() -> ArticlePage:
    return ArticlePage.objects.listing().first()


def test_pages_say_how_long_they_may_be_kept_and_what_they_show(client):
    article = an_article()
    page = client.get(f"/{article.public_id}")
    assert s_maxage(page) == 86400
    shown = xkeys(page)
    assert {keys.EVERYTHING, keys.article_key(article.pk)} <= shown
    assert keys.path_key(f"/{article.public_id}") in shown
    # Its related stories: an edit of one of them purges this page too.
    related = page.context["related"]
    assert related and {keys.article_key(a.pk) for a in related} <= shown

    home = client.get("/")
    assert s_maxage(home) == 60  # "5 minutes ago" ages
    section = article.get_parent().specific
    listing = client.get(section.url)
    assert f"s{section.pk}" in xkeys(listing) and s_maxage(listing) == 86400
    search = client.get("/search/", {"q": "الوزير"})
    assert s_maxage(search) == 300  # no purge follows the index: kept briefly
    missing = client.get("/999999999")
    assert missing.status_code == 404 and s_maxage(missing) == 60


def test_private_responses_are_not_marked_public(client):
    user = User.objects.create_superuser("chief", password="a long passphrase")
    client.force_login(user)
    assert "public" not in client.get("/").get("Cache-Control", "")
    assert "public" not in client.get("/newsroom/").get("Cache-Control", "")
    client.logout()
    assert "public" not in client.get("/_health").get("Cache-Control", "")


def test_behind_the_cache_the_ticker_and_staff_box_are_fragments(client):
    article = an_article()
    direct = client.get(f"/{article.public_id}").content.decode()
    assert "<esi:" not in direct and 'class="ticker"' in direct

    cached = client.get(
        f"/{article.public_id}", HTTP_SURROGATE_CAPABILITY='varnish="ESI/1.0"'
    )
    body = cached.content.decode()
    assert '<esi:include src="/_fragments/ticker"/>' in body
    assert '<esi:include src="/_fragments/staff"/>' in body
    assert 'class="ticker"' not in body
    assert cached["Surrogate-Control"] == 'content="ESI/1.0"'

    ticker = client.get("/_fragments/ticker")
    assert 'class="ticker"' in ticker.content.decode() and article.title in (
        ticker.content.decode()
    )
    assert keys.TICKER in xkeys(ticker)
    staff = client.get("/_fragments/staff")
    assert keys.STAFF in xkeys(staff) and 'class="staff"' in staff.content.decode()


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "page-cache"])
def test_a_whole_page_carries_the_keys_of_its_ticker_and_staff_box(
    client, settings, page_cache
):
    # What Varnish gets: the page with its ticker and staff box in place,
    # whether the app renders it or assembles it from its own copies.
    settings.MINBAR_PAGE_CACHE = page_cache
    cache.clear()
    path = f"/{an_article().public_id}"
    for _ in range(2):  # the second from the page cache, when it is on
        page = client.get(path)
        assert "<esi:" not in page.content.decode()
        assert {keys.TICKER, keys.STAFF} <= xkeys(page)
        assert s_maxage(page) == 86400  # nothing in the ticker expires

    TickerItem.objects.create(
        text="عاجل: إغلاق مؤقت للطريق",
        expires_at=timezone.now() + timezone.timedelta(seconds=90),
    )
    for _ in range(2):
        page = client.get(path)
        assert "عاجل: إغلاق مؤقت للطريق" in page.content.decode()
        # Kept no longer than the pinned item shows.
        assert 80 <= s_maxage(page) <= 91
    home = client.get("/")
    assert s_maxage(home) <= 60
    cache.clear()


def test_a_pinned_item_that_expires_limits_how_long_the_ticker_is_kept(client):
    TickerItem.objects.create(
        text="عاجل: انقطاع مؤقت للكهرباء",
        expires_at=timezone.now() + timezone.timedelta(seconds=90),
    )
    seconds = s_maxage(client.get("/_fragments/ticker"))
    assert 80 <= seconds <= 91


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    received: list[set[str]] = []

    def do_PURGE(self):
        self.received.append(set(self.headers["xkey-purge"].split()))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def front_cache(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MINBAR_FRONT_CACHES = [f"http://127.0.0.1:{server.server_port}"]
    PurgeRecorder.received = []
    yield PurgeRecorder.received
    server.shutdown()


def test_publishing_purges_what_shows_the_article_and_nothing_else(
    front_cache, django_capture_on_commit_callbacks
):
    article = an_article()
    article.title = "عنوان جديد بعد التعديل"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    (purged,) = front_cache
    sections = SectionPage.objects.ancestor_of(article)
    assert {f"s{section.pk}" for section in sections} <= purged
    assert {
        keys.article_key(article.pk),
        keys.TICKER,
        keys.path_key("/"),
        keys.path_key("/feed/"),
        keys.path_key(f"/{article.public_id}"),
        keys.path_key("/sitemap-news.xml"),
    } <= purged
    day = timezone.localdate(article.first_published_at)
    assert {keys.day_key(day), keys.sitemap_key(day.year, day.month)} <= purged
    assert {f"t{tag.pk}" for tag in article.tags.all()} <= purged
    # Other article pages carry the ticker as a fragment: they stay.
    assert keys.EVERYTHING not in purged and keys.STAFF not in purged


def test_a_writers_profile_purges_their_page_and_their_articles(
    front_cache, django_capture_on_commit_callbacks
):
    article = ArticlePage.objects.listing().filter(authors__isnull=False).first()
    writer = article.authors.first()
    writer.bio = "كاتب وصحفي يكتب عن الاقتصاد"
    with django_capture_on_commit_callbacks(execute=True):
        writer.save()
    (purged,) = front_cache
    assert {f"w{writer.pk}", keys.article_key(article.pk)} <= purged
    assert keys.EVERYTHING not in purged


def test_moving_an_article_purges_both_sections_and_a_section_everything(
    front_cache, django_capture_on_commit_callbacks
):
    article = an_article()
    left = article.get_parent()
    other = SectionPage.objects.live().filter(depth=3).exclude(pk=left.pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other, pos="last-child")
    (purged,) = front_cache
    assert {f"s{left.pk}", f"s{other.pk}", keys.article_key(article.pk)} <= purged
    front_cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        other.move(left, pos="last-child")  # the navigation loses a section
    assert front_cache == [{keys.EVERYTHING}]


def test_nothing_is_purged_before_the_change_is_committed(front_cache):
    article = an_article()
    article.save_revision().publish()  # inside the test's transaction
    assert front_cache == []


def test_ticker_staff_and_identity_changes_purge_their_own_keys(
    front_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        TickerItem.objects.create(text="عاجل: خبر مثبت")
    assert front_cache.pop() == {keys.TICKER}

    publication = PublicationSettings.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        StaffLine.objects.create(
            publication=publication, role="رئيس التحرير", person="اسم جديد"
        )
    assert front_cache.pop() == {keys.STAFF}

    # Saving the settings without touching the masthead purges nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        publication.save()
    assert front_cache == []
    publication.name = "منبر اليوم"
    with django_capture_on_commit_callbacks(execute=True):
        publication.save()
    assert front_cache.pop() == {keys.EVERYTHING}


# Pictures --------------------------------------------------------------------


def photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def media_files(page: str) -> set[str]:
    """The stored files a page links to (its pictures' renditions)."""
    return set(re.findall(r"/media/([^\s\"',]+)", page))


def images_of(files: set[str]) -> set[int]:
    image_model = get_image_model()
    renditions = image_model.get_rendition_model().objects.filter(file__in=files)
    originals = image_model.objects.filter(file__in=files)
    return set(renditions.values_list("image_id", flat=True)) | set(
        originals.values_list("pk", flat=True)
    )


def replace_file(image, upload: SimpleUploadedFile) -> None:
    """As the picture library's edit form does it."""
    editor, _new = User.objects.get_or_create(username="photo-desk")
    form = get_image_form(get_image_model())(
        instance=image,
        user=editor,
        data={"title": image.title, "collection": image.collection_id},
        files={"file": upload},
    )
    assert form.is_valid(), form.errors
    form.save()


def missing_files(page: str) -> set[str]:
    storage = get_image_model()._meta.get_field("file").storage
    return {name for name in media_files(page) if not storage.exists(name)}


def test_pages_carry_the_keys_of_the_pictures_they_show(client):
    article = ArticlePage.objects.listing().filter(image__isnull=False).first()
    for path in (f"/{article.public_id}", "/", article.get_parent().url):
        page = client.get(path)
        shown = images_of(media_files(page.content.decode()))
        assert shown, f"{path} shows no picture"
        assert {keys.image_key(pk) for pk in shown} <= xkeys(page), path


@pytest.mark.parametrize("page_cache", [False, True], ids=["rendered", "page-cache"])
def test_a_new_file_for_a_picture_purges_the_pages_that_show_it(
    client, settings, front_cache, django_capture_on_commit_callbacks, page_cache
):
    # The newsroom replaces a story's photo in the picture library: Wagtail
    # deletes the old file and its renditions.  No page may link to them.
    settings.MINBAR_PAGE_CACHE = page_cache
    cache.clear()
    image_model = get_image_model()
    image = image_model.objects.create(
        title="صورة الخبر", file=photo((150, 40, 40), "first.jpg")
    )
    article = an_article()
    article.image = image
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    path = f"/{article.public_id}"
    shown = media_files(client.get(path).content.decode())
    client.get("/")  # the front, kept by this process
    renditions = set(image.renditions.values_list("file", flat=True))
    old = shown & renditions
    assert old
    front_cache.clear()

    with django_capture_on_commit_callbacks(execute=True):
        replace_file(image, photo((40, 40, 150), "second.jpg"))

    purged = set().union(*front_cache)
    assert {
        keys.image_key(image.pk),
        keys.article_key(article.pk),
        keys.path_key(path),
        keys.path_key("/feed/"),
        keys.path_key(f"/api/ninjs/{article.public_id}"),
    } <= purged
    # No ticker shows a picture: the other pages stay in the front cache.
    assert keys.TICKER not in purged and keys.EVERYTHING not in purged

    for shown in (path, "/", "/feed/"):
        missing = missing_files(client.get(shown).content.decode())
        assert not missing, f"{shown} links files that are gone: {missing}"
    shown = media_files(client.get(path).content.decode())
    assert image.pk in images_of(shown) and not shown & old


def test_a_new_file_for_the_logo_reaches_every_page(
    client, front_cache, django_capture_on_commit_callbacks
):
    logo = get_image_model().objects.create(
        title="شعار الصحيفة", file=photo((0, 90, 60), "logo.jpg")
    )
    publication = PublicationSettings.objects.first()
    publication.logo = logo
    with django_capture_on_commit_callbacks(execute=True):
        publication.save()
    path = f"/{an_article().public_id}"
    page = client.get(path)  # the masthead, kept by this process
    assert keys.image_key(logo.pk) in xkeys(page)
    front_cache.clear()

    with django_capture_on_commit_callbacks(execute=True):
        replace_file(logo, photo((0, 60, 90), "logo-2026.jpg"))
    assert keys.image_key(logo.pk) in set().union(*front_cache)
    page = client.get(path).content.decode()
    assert not missing_files(page) and "logo-2026" in page


def test_a_picture_shown_nowhere_purges_nothing_when_added(
    front_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        get_image_model().objects.create(
            title="صورة جديدة", file=photo((10, 120, 10), "new.jpg")
        )
    assert front_cache == []
