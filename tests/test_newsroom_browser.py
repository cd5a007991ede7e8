"""The newsroom, driven in headless Chromium as its staff use it.

A fresh demo (`minbar demo --no-serve`, then `minbar runserver`) is logged in
to with the demo's accounts, in the Arabic admin:

1. the writer writes an article in a section (title, summary, body, a featured
   picture uploaded through the chooser, its caption) and submits it for
   review; the editor finds it in the review queue and approves it, which
   publishes it; readers then find it at its number, on the home page, in the
   ticker and in the feed;
2. the editor-in-chief changes the staff box and pins a breaking item with an
   expiry in the ticker, and every reader sees both.

Every step leaves a screenshot in test-artifacts/screenshots/newsroom/.
Where the admin gives no stable name or id, elements are found by the Arabic
label the page shows.
"""

import datetime
import re
from contextlib import contextmanager

import feedparser
import pytest

from .browser import CHROMIUM, SCREENSHOTS, TIMEOUT_MS, demo_newsroom, launch_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed: browser tests skipped"
    ),
]

SHOTS = SCREENSHOTS / "newsroom"
SECTION = "سياسة"  # a section of the demo (/politics/)
ARTICLE = {
    "title": "مجلس المدينة يقر خطة جديدة للنقل العام في الأحياء الشرقية",
    "summary": "الخطة تضيف ثلاثة خطوط حافلات وتمدد ساعات العمل حتى منتصف الليل.",
    "body": "أقر مجلس المدينة مساء الأحد خطة النقل العام الجديدة بعد نقاش طويل.",
    "caption": "حافلة على الخط الجديد قرب محطة الأحياء الشرقية",
    "alt": "حافلة خضراء تقف عند محطة مظللة",
    "image_title": "حافلة الخط الشرقي",
}
STAFF_PERSON = "سلمى الحداد"  # replaces the first line's person
STAFF_NEW_LINE = ("مديرة الأخبار الرقمية", "ريم العطار")
TICKER_TEXT = "عاجل: انقطاع مؤقت للمياه في وسط المدينة حتى المساء"
TICKER_LINK = "/writers/"  # any page of the site

# Wagtail 8 saves the editor's form in the background (autosave): the first
# save creates the page and points the form at its edit view.  Submitting
# while that first save is on its way creates a second page, so every step
# that submits waits until the autosave has caught up with the last edit.
TRACK_ACTIVITY = """
window.__minbarLastActivity = Date.now();
for (const type of ["input", "change", "w-autosave:save", "w-autosave:success",
                    "w-autosave:error"]) {
  document.addEventListener(type, () => { window.__minbarLastActivity = Date.now(); },
                            true);
}
"""
AUTOSAVE_SETTLED = """
() => {
  const form = document.getElementById("page-edit-form");
  if (!form) return false;
  if (!(form.dataset.controller || "").includes("w-autosave")) return true;
  const indicator = document.getElementById("w-autosave-indicator");
  const state = indicator && indicator.getAttribute("data-w-autosave-state-value");
  return form.action.includes("/edit/") && state === "saved"
    && Date.now() - window.__minbarLastActivity > 2500;
}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_newsroom(tmp_path_factory.mktemp("newsroom")) as demo:
        yield demo


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


class Shots:
    """Numbered screenshots of one flow: 1-01-writer-dashboard.png, ..."""

    def __init__(self, flow):
        self.flow = flow
        self.count = 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name, full_page=False):
        self.count += 1
        path = SHOTS / f"{self.flow}-{self.count:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        return path


def new_page(chromium):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="ar", timezone_id="Africa/Cairo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@contextmanager
def logged_in(chromium, site, username):
    """A page of a fresh browser context, logged in to the newsroom as username."""
    context, page = new_page(chromium)
    try:
        page.goto(site.url + "/newsroom/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", site.password)
        page.click(".login-form button[type=submit]")
        page.wait_for_url(site.url + "/newsroom/")
        # The Arabic admin, right to left, with the account's name in it.
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert username in page.locator(".sidebar-footer__account").inner_text()
        yield page
    finally:
        context.close()


@contextmanager
def reader(chromium):
    """A reader's page: no newsroom session, so caches apply as in production."""
    context, page = new_page(chromium)
    try:
        yield page
    finally:
        context.close()


def read(page, site, path, status=200):
    """A reader opens path: it answers with status, and arrives whole."""
    response = page.goto(site.url + path)
    assert response.status == status, (
        f"{path} answered {response.status}; the server said:\n{site.server_log()}"
    )
    page.wait_for_load_state("networkidle")
    # A page cut short (a wrong Content-Length, say) loses its footer.
    assert page.locator("footer.site-footer").count() == 1, (
        f"{path} arrived cut short at {response.headers.get('content-length')} bytes"
    )
    return response


def success_message(page):
    return page.locator(".messages li.success")


def staff_box(page):
    """The staff box as readers see it: {role: person}."""
    return dict(
        page.eval_on_selector_all(
            ".staff dt",
            "dts => dts.map(dt => [dt.textContent.trim(),"
            " dt.nextElementSibling.textContent.trim()])",
        )
    )


def write_picture(path):
    """A picture no demo image duplicates (Wagtail asks before a duplicate)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1200, 675), (22, 96, 136))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 470, 1200, 675), fill=(60, 60, 64))
    draw.rounded_rectangle((260, 250, 940, 520), radius=40, fill=(14, 140, 90))
    for x in range(300, 900, 120):
        draw.rectangle((x, 290, x + 90, 370), fill=(210, 230, 240))
    draw.ellipse((330, 480, 430, 580), fill=(20, 20, 20))
    draw.ellipse((770, 480, 870, 580), fill=(20, 20, 20))
    picture.save(path, quality=88)
    return path


def writer_submits(chromium, site, shots, picture):
    """The writer writes the article in its section and submits it: its page id."""
    title = ARTICLE["title"]
    with logged_in(chromium, site, "writer") as page:
        page.add_init_script(TRACK_ACTIVITY)
        shots(page, "writer-dashboard")
        page.goto(site.url + "/newsroom/pages/")
        # The section's row: a writer sees its title, and a link to explore it.
        section_title = page.locator("span[id^=page_][id$=_title]", has_text=SECTION)
        section_id = re.fullmatch(
            r"page_(\d+)_title", section_title.first.get_attribute("id")
        ).group(1)
        page.click(f"a[href='/newsroom/pages/{section_id}/']")
        page.wait_for_url(f"**/newsroom/pages/{section_id}/")
        shots(page, "writer-section")
        page.click(f"a[href='/newsroom/pages/{section_id}/add_subpage/']")
        page.click(f"a[href$='/add/minbar_newsroom/articlepage/{section_id}/']")
        page.wait_for_url(f"**/add/minbar_newsroom/articlepage/{section_id}/")
        # A writer can submit for review, never publish.
        assert page.locator("button[name=action-publish]").count() == 0

        page.fill("#id_title", title)
        page.fill("#id_summary", ARTICLE["summary"])
        page.click("[data-contentpath=body] button.c-sf-add-button")
        page.get_by_role("option", name="فقرات").click()  # the "Paragraphs" block
        paragraph = page.locator("[data-contentpath=body] [contenteditable=true]")
        paragraph.first.click()
        page.keyboard.type(ARTICLE["body"])
        shots(page, "writer-title-summary-body")

        # The featured picture, uploaded through the image chooser.
        page.click("[data-contentpath=image] button.chooser__choose-button")
        page.click("#tab-label-upload")
        page.fill("#id_image-chooser-upload-title", ARTICLE["image_title"])
        page.set_input_files("#id_image-chooser-upload-file", picture)
        shots(page, "writer-image-chooser-upload")
        page.click("form[data-chooser-modal-creation-form] button[type=submit]")
        page.wait_for_function("document.getElementById('id_image').value !== ''")
        page.fill("#id_image_caption", ARTICLE["caption"])
        page.fill("#id_image_alt", ARTICLE["alt"])
        page.locator("#id_image_caption").scroll_into_view_if_needed()

        page.wait_for_function(AUTOSAVE_SETTLED, polling=250)
        article_pk = re.search(
            r"/newsroom/pages/(\d+)/edit/",
            page.eval_on_selector("#page-edit-form", "form => form.action"),
        ).group(1)
        shots(page, "writer-featured-image-and-caption")

        page.click("footer .w-dropdown__toggle")
        submit = page.locator("button[name=action-submit]")
        shots(page, "writer-submit-menu")
        submit.click()
        page.wait_for_url(f"**/newsroom/pages/{section_id}/")
        assert title in success_message(page).inner_text()
        row = page.locator("tr", has=page.locator(f"text={title}"))
        assert row.count() == 1, "one article, however often the form saved itself"
        shots(page, "writer-submitted-for-review")
    return article_pk


def editor_approves(chromium, site, shots, article_pk):
    """The editor finds the article in the review queue and approves it.

    Returns its public number, which readers get a 404 for until then.
    """
    title = ARTICLE["title"]
    with logged_in(chromium, site, "editor") as page:
        queue = page.locator("#awaiting-review-content")
        edit_link = f"a[href='/newsroom/pages/{article_pk}/edit/']"
        queued = queue.locator("tbody tr").filter(has=page.locator(edit_link))
        assert queued.count() == 1
        assert "writer" in queued.inner_text()  # submitted by
        assert queued.locator("td.title").inner_text().strip() == title
        shots(page, "editor-review-queue")

        queued.locator(f"td.title {edit_link}").click()
        page.wait_for_url(f"**/newsroom/pages/{article_pk}/edit/")
        assert page.input_value("#id_title") == title
        assert page.input_value("#id_image_caption") == ARTICLE["caption"]
        public_id = int(
            page.locator("[aria-labelledby$='public_id-label'][aria-readonly=true]")
            .inner_text()
            .strip()
        )
        shots(page, "editor-reviews-article")

        with reader(chromium) as public:
            # Readers asking for its address before publication: a 404.
            read(public, site, f"/{public_id}", status=404)

        page.goto(site.url + "/newsroom/")
        queued.locator("button.w-dropdown__toggle").click()
        approve = queued.locator(
            "button[data-workflow-action-url*='/approve/']:not([data-launch-modal])"
        )
        shots(page, "editor-approve-menu")
        approve.click()
        page.wait_for_load_state()
        queue.locator(edit_link).wait_for(state="detached")
        shots(page, "editor-queue-after-approval")

        page.goto(f"{site.url}/newsroom/pages/{article_pk}/edit/")
        live = page.locator(f"a.page-status-tag[href='/{public_id}']").first
        live.wait_for()
        shots(page, "editor-article-live")
    return public_id


def test_writer_submits_editor_publishes_readers_see_it(site, chromium, tmp_path):
    shots = Shots("1")
    title = ARTICLE["title"]

    with reader(chromium) as page:
        # Readers' pages and the feed, cached before the article exists.
        read(page, site, "/")
        assert page.locator(f"text={title}").count() == 0
        _, feed = site.get("/feed/")
        assert title not in feed

    article_pk = writer_submits(
        chromium, site, shots, write_picture(tmp_path / "bus.jpg")
    )
    with reader(chromium) as page:
        # Not published yet: nothing of it on the site.
        read(page, site, "/")
        assert page.locator(f"text={title}").count() == 0

    public_id = editor_approves(chromium, site, shots, article_pk)

    # Readers find it at its number, on the home page, in the ticker, in the feed.
    with reader(chromium) as page:
        read(page, site, f"/{public_id}")
        assert page.locator("h1").inner_text() == title
        assert page.locator(".summary").inner_text() == ARTICLE["summary"]
        assert ARTICLE["body"] in page.locator(".article-body").inner_text()
        figure = page.locator("article figure")
        assert ARTICLE["caption"] in figure.locator("figcaption").inner_text()
        image = figure.locator("img")
        assert image.get_attribute("alt") == ARTICLE["alt"]
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        shots(page, "reader-article", full_page=True)

        read(page, site, "/")
        assert page.locator(f"main a[href='/{public_id}']").count() >= 1
        assert title in page.locator("main").inner_text()
        ticker_link = page.locator(f".ticker a[href='/{public_id}']")
        assert ticker_link.inner_text() == title
        ticker_link.scroll_into_view_if_needed()  # the ticker scrolls sideways
        shots(page, "reader-home-and-ticker")

    status, feed = site.get("/feed/")
    assert status == 200
    entries = feedparser.parse(feed).entries
    entry = next(entry for entry in entries if entry.title == title)
    assert entry.link == f"{site.url}/{public_id}"


def chief_edits_staff_box(page, shots):
    """Settings, then the publication's: a line changed, one added.  Its role."""
    page.get_by_role("button", name="اعدادات").click()  # "Settings"
    page.click("a[href$='/settings/minbar_public/publicationsettings/']")
    page.wait_for_url("**/settings/minbar_public/publicationsettings/*/")
    shots(page, "chief-publication-settings")
    lines = int(page.input_value("#id_staff_lines-TOTAL_FORMS"))
    assert lines >= 1, "the demo has a staff box"
    first_role = page.input_value("#id_staff_lines-0-role")
    page.fill("#id_staff_lines-0-person", STAFF_PERSON)
    page.click("#id_staff_lines-ADD")
    page.fill(f"#id_staff_lines-{lines}-role", STAFF_NEW_LINE[0])
    page.fill(f"#id_staff_lines-{lines}-person", STAFF_NEW_LINE[1])
    page.locator(f"#id_staff_lines-{lines}-person").scroll_into_view_if_needed()
    shots(page, "chief-staff-box-edited")
    page.click("#w-editor-form button[type=submit]")
    success_message(page).wait_for()
    assert page.input_value(f"#id_staff_lines-{lines}-person") == STAFF_NEW_LINE[1]
    shots(page, "chief-settings-saved")
    return first_role


def chief_pins_ticker_item(page, shots):
    """A breaking item for the ticker, first of all, expiring tomorrow."""
    page.click("a[href='/newsroom/snippets/minbar_public/tickeritem/']")
    page.wait_for_url("**/snippets/minbar_public/tickeritem/")
    shots(page, "chief-ticker-items")
    page.click("a[href='/newsroom/snippets/minbar_public/tickeritem/add/']")
    page.wait_for_url("**/snippets/minbar_public/tickeritem/add/")
    # In the site's time zone; a day ahead is in the future wherever this runs.
    expires = datetime.datetime.now() + datetime.timedelta(days=1)
    page.fill("#id_text", TICKER_TEXT)
    page.fill("#id_url", TICKER_LINK)
    page.fill("#id_expires_at", expires.strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Escape")  # closes the date picker
    page.fill("#id_sort_order", "-1")  # before every other pinned item
    shots(page, "chief-ticker-item-form")
    page.click("#w-editor-form button.action-save")
    page.wait_for_url("**/snippets/minbar_public/tickeritem/")
    assert TICKER_TEXT in success_message(page).inner_text()
    saved = page.locator("tr", has=page.locator(f"text={TICKER_TEXT}"))
    assert str(expires.year) in saved.inner_text()  # the expiry is listed
    shots(page, "chief-ticker-item-saved")


def test_chief_changes_staff_box_and_pins_ticker_item(site, chromium):
    shots = Shots("2")

    with reader(chromium) as page:
        # The home page, cached before the changes.
        read(page, site, "/")
        assert STAFF_NEW_LINE[0] not in staff_box(page)
        assert page.locator(f".ticker li:has-text('{TICKER_TEXT}')").count() == 0

    with logged_in(chromium, site, "chief") as page:
        shots(page, "chief-dashboard")
        first_role = chief_edits_staff_box(page, shots)
        chief_pins_ticker_item(page, shots)

    # Every page shows the masthead: the home page and a section, for instance.
    with reader(chromium) as page:
        for path in ("/", "/politics/"):
            read(page, site, path)
            staff = staff_box(page)
            assert staff[first_role] == STAFF_PERSON
            assert staff[STAFF_NEW_LINE[0]] == STAFF_NEW_LINE[1]
            first = page.locator(".ticker li").first
            assert "pinned" in first.get_attribute("class")
            assert first.locator("a").inner_text() == TICKER_TEXT
            assert first.locator("a").get_attribute("href") == TICKER_LINK
        read(page, site, "/")
        shots(page, "reader-home-staff-box-and-ticker")
