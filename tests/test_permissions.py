"""The newsroom's permission matrix, over HTTP against the real Wagtail admin.

Each role of roles.py (كاتب، محرر، رئيس التحرير، مدير) is a member of its group
only, and every check is what that person would see: a page, a refusal that
sends them back to the dashboard, or a change on the public site.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from minbar.newsroom.blocks import PARAGRAPH_FEATURES
from minbar.newsroom.models import ArticlePage, SectionPage
from minbar.newsroom.roles import ADMINISTRATOR, EDITOR, EDITOR_IN_CHIEF, WRITER
from minbar.public.models import PublicationSettings, TickerItem

pytestmark = pytest.mark.django_db

ADMIN = "/newsroom/"
TICKER = "/newsroom/snippets/minbar_public/tickeritem/"
# Wagtail's refusal, as the Arabic newsroom reads it.
SORRY = "عذرًا، ليس لديك صلاحية للوصول إلى هذه المنطقة."
NO_ADMIN = "ليس لديك صلاحية للوصول لواجهة الإدارة"


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


def member(username, group=None):
    user = User.objects.create_user(username, first_name=username.title())
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer():
    return member("writer", WRITER)


@pytest.fixture
def colleague():
    """A second writer."""
    return member("colleague", WRITER)


@pytest.fixture
def editor():
    return member("editor", EDITOR)


@pytest.fixture
def chief():
    return member("chief", EDITOR_IN_CHIEF)


@pytest.fixture
def administrator():
    return member("administrator", ADMINISTRATOR)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_role(request):
    """A client logged in as the user of a role fixture, by the fixture's name."""
    return lambda role: client_for(request.getfixturevalue(role))


def messages(response):
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def assert_refused(response):
    """Sent back to the dashboard with Wagtail's 'Sorry, you do not have permission'."""
    assert response.status_code == 302
    assert response.url == ADMIN
    assert SORRY in messages(response)


def public(url):
    return Client().get(url)


# Articles


def section():
    return SectionPage.objects.get(slug="politics")


def add_url(parent):
    return f"{ADMIN}pages/add/minbar_newsroom/articlepage/{parent.pk}/"


def edit_url(page):
    return f"{ADMIN}pages/{page.pk}/edit/"


def article_form(title, action=None, slug=None):
    """What the article form posts; the action is the button pressed, if any.

    The slug is what the admin's script fills in from the title.
    """
    body = rich_text(
        "<p>قرر المجلس البلدي توسيع الحديقة العامة.</p>", features=PARAGRAPH_FEATURES
    )
    data = nested_form_data(
        {
            "title": title,
            "slug": slug or slugify(title, allow_unicode=True),
            "kicker": "عاجل",
            "summary": "ملخص الخبر",
            "article_type": "news",
            "dateline": "القاهرة",
            "body": streamfield([("paragraph", body)]),
            "tags": "المجلس البلدي, حدائق",
        }
    )
    if action:
        data[f"action-{action}"] = "1"
    return data


def form_errors(response):
    form = response.context and response.context.get("form")
    return form.errors if form else response.status_code


def add_article(client, title, action=None):
    response = client.post(add_url(section()), article_form(title, action))
    assert response.status_code == 302, form_errors(response)
    return ArticlePage.objects.get(title=title)


def post_edit(client, page, title, action=None):
    return client.post(edit_url(page), article_form(title, action, slug=page.slug))


def assert_not_public(page):
    page.refresh_from_db()
    assert not page.live
    assert public(f"/{page.public_id}").status_code == 404


def assert_public(page):
    page.refresh_from_db()
    assert page.live
    response = public(f"/{page.public_id}")
    assert response.status_code == 200
    assert page.title in response.content.decode()


# 1. The dashboard


@pytest.mark.parametrize("role", ["writer", "editor", "chief", "administrator"])
def test_every_role_opens_the_dashboard(request, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(ADMIN)
    assert response.status_code == 200
    # The dashboard greets the user by name.
    assert f">{user.first_name}</h2>" in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url == f"{ADMIN}login/?next={ADMIN}"


def test_account_without_a_group_is_turned_away():
    response = client_for(member("outsider")).get(ADMIN)
    assert response.status_code == 302
    assert response.url.startswith(f"{ADMIN}login/")
    assert NO_ADMIN in messages(response)


# 2. A writer writes drafts and cannot publish


def test_writer_saves_a_draft_that_is_not_published(writer):
    client = client_for(writer)
    form = client.get(add_url(section()))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="action-submit"' in html and 'name="action-publish"' not in html
    page = add_article(client, "مسودة عن المجلس البلدي")
    assert page.owner == writer and page.has_unpublished_changes
    assert [t.name for t in page.tags.all()] == ["المجلس البلدي", "حدائق"]
    assert_not_public(page)


def test_writer_pressing_publish_only_saves_a_draft(writer):
    page = add_article(client_for(writer), "خبر لم يراجع بعد", action="publish")
    assert page.first_published_at is None
    assert_not_public(page)


# 3. A writer edits their own drafts only


@pytest.fixture
def colleagues_draft(colleague):
    return add_article(client_for(colleague), "مسودة زميل")


@pytest.fixture
def published_article():
    return ArticlePage.objects.listing().first()


@pytest.mark.parametrize("article", ["colleagues_draft", "published_article"])
def test_writer_cannot_edit_someone_elses_article(request, writer, article):
    page = request.getfixturevalue(article)
    title, client = page.title, client_for(writer)
    assert_refused(client.get(edit_url(page)))
    assert_refused(post_edit(client, page, "عنوان مزور"))
    page.refresh_from_db()
    assert page.title == title
    assert page.get_latest_revision_as_object().title == title


def test_writer_edits_their_own_draft(writer):
    client = client_for(writer)
    page = add_article(client, "عنوان أول")
    assert client.get(edit_url(page)).status_code == 200
    response = post_edit(client, page, "عنوان منقح")
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    assert page.title == "عنوان منقح"
    assert_not_public(page)


# 4. The staff box and the ticker belong to the editor-in-chief


def settings_url():
    site = Site.objects.get(is_default_site=True)
    return f"{ADMIN}settings/minbar_public/publicationsettings/{site.pk}/"


def staff_box_form(person):
    """The settings form with the last staff line's person changed and a line added."""
    settings = PublicationSettings.for_site(Site.objects.get(is_default_site=True))
    lines = [
        {"id": line.pk, "role": line.role, "person": line.person}
        for line in settings.staff_lines.all()
    ]
    lines[-1]["person"] = person
    lines.append({"id": "", "role": "سكرتير التحرير", "person": "نادية فؤاد"})
    return nested_form_data(
        {
            "name": settings.name,
            "tagline": settings.tagline,
            "logo": settings.logo_id or "",
            "ticker_size": settings.ticker_size,
            "month_names": settings.month_names,
            "hijri_offset": settings.hijri_offset,
            "staff_lines": inline_formset(lines, initial=len(lines) - 1),
        }
    )


def home_part(start, end):
    html = public("/").content.decode()
    return html.split(start, 1)[1].split(end, 1)[0]


def staff_box():
    return home_part('<dl class="staff"', "</dl>")


def ticker():
    return home_part('<section class="ticker"', "</section>")


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writer_and_editor_cannot_change_the_staff_box(as_role, role):
    client, before = as_role(role), staff_box()
    assert_refused(client.get(settings_url()))
    assert_refused(client.post(settings_url(), staff_box_form("شخص آخر")))
    assert staff_box() == before


@pytest.mark.parametrize("role", ["chief", "administrator"])
def test_chief_changes_the_staff_box_on_the_home_page(as_role, role):
    client = as_role(role)
    assert client.get(settings_url()).status_code == 200
    response = client.post(settings_url(), staff_box_form("مريم الحسيني"))
    assert response.status_code == 302, form_errors(response)
    box = staff_box()
    assert "<dd>مريم الحسيني</dd>" in box
    assert "<dt>سكرتير التحرير</dt><dd>نادية فؤاد</dd>" in box


def ticker_form(text, expires_at):
    local = timezone.localtime(expires_at)
    return {
        "text": text,
        "url": "",
        "expires_at": local.strftime("%Y-%m-%d %H:%M"),
        "sort_order": "0",
    }


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writer_and_editor_cannot_touch_the_ticker(as_role, role):
    client, item, before = as_role(role), TickerItem.objects.first(), ticker()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    for url in (TICKER, f"{TICKER}add/", f"{TICKER}edit/{item.pk}/"):
        assert_refused(client.get(url))
    assert_refused(client.post(f"{TICKER}add/", ticker_form("خبر دخيل", tomorrow)))
    assert_refused(client.post(f"{TICKER}edit/{item.pk}/", ticker_form("x", tomorrow)))
    assert_refused(client.post(f"{TICKER}delete/{item.pk}/"))
    assert ticker() == before


@pytest.mark.parametrize("role", ["chief", "administrator"])
def test_chief_pins_a_ticker_item_until_it_expires(as_role, role):
    client = as_role(role)
    expires = (timezone.now() + datetime.timedelta(hours=6)).replace(
        second=0, microsecond=0
    )
    assert client.get(f"{TICKER}add/").status_code == 200
    response = client.post(f"{TICKER}add/", ticker_form("عاجل: انتهاء الفرز", expires))
    assert response.status_code == 302, form_errors(response)
    assert TickerItem.objects.get(text="عاجل: انتهاء الفرز").expires_at == expires
    assert '<li class="pinned">عاجل: انتهاء الفرز</li>' in ticker()


# 5. Editors publish, directly or by approving a submitted article


def test_editor_publishes_a_writers_draft(writer, editor):
    page = add_article(client_for(writer), "خبر جاهز للنشر")
    response = post_edit(client_for(editor), page, page.title, action="publish")
    assert response.status_code == 302, form_errors(response)
    assert_public(page)


def awaiting_review(client):
    """The dashboard's 'Awaiting your review' panel."""
    html = client.get(ADMIN).content.decode()
    return html.split('id="awaiting-review-heading"', 1)[1].split("</section>", 1)[0]


def test_editor_approves_an_article_submitted_for_review(writer, editor):
    page = add_article(client_for(writer), "خبر للمراجعة", action="submit")
    assert page.workflow_in_progress
    assert_not_public(page)
    task_state = page.current_workflow_task_state
    approve = f"{ADMIN}pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    assert_refused(client_for(writer).post(approve, {"comment": ""}))
    assert_not_public(page)
    assert page.title in awaiting_review(client_for(editor))
    response = client_for(editor).post(approve, {"comment": "جيد"})
    assert response.status_code == 302
    assert_public(page)
    assert not page.workflow_in_progress


# 6. Staff accounts are the administrator's


def test_administrator_lists_the_staff_accounts(administrator, writer):
    response = client_for(administrator).get(f"{ADMIN}users/")
    assert response.status_code == 200
    assert writer.get_full_name() in response.content.decode()


@pytest.mark.parametrize("role", ["writer", "editor", "chief"])
def test_other_roles_cannot_list_the_staff_accounts(as_role, role):
    assert_refused(as_role(role).get(f"{ADMIN}users/"))


def test_only_the_chief_curates_the_home_page(editor, chief):
    home = Site.objects.get(is_default_site=True).root_page
    refused = client_for(editor).get(edit_url(home))
    assert refused.status_code == 302
    assert "رئيس التحرير" in " ".join(messages(refused))
    assert client_for(chief).get(edit_url(home)).status_code == 200


def test_two_articles_with_one_headline_both_publish(editor):
    client = client_for(editor)
    for _ in range(2):
        form = article_form("أسعار الذهب اليوم", action="publish")
        response = client.post(add_url(section()), form)
        assert response.status_code == 302, form_errors(response)
    twins = ArticlePage.objects.live().filter(title="أسعار الذهب اليوم")
    assert twins.count() == 2
    assert all(a.slug == str(a.public_id) for a in twins)
