"""A newsroom that never loses a story: publishing is all or nothing, and
two editors on one article cannot overwrite each other."""

import pytest
from wagtail.signals import page_published

from minbar.newsroom.models import ArticlePage

from .test_permissions import (
    client_for,
    edit_url,
    form_errors,
    member,
    messages,
    post_edit,
    public,
)
from .test_permissions import editor as editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _newsroom(newsroom):
    pass


@pytest.fixture
def second_editor():
    from minbar.newsroom.roles import EDITOR

    return member("second_editor", EDITOR)


def a_live_article() -> ArticlePage:
    return ArticlePage.objects.listing().first()


def test_a_publish_that_fails_midway_leaves_the_previous_version_live(editor):
    article = a_live_article()
    before = article.title
    live_revision = article.live_revision_id

    def failing_midway(sender, instance, **kwargs):
        raise RuntimeError("the disk filled up while publishing")

    page_published.connect(failing_midway, sender=ArticlePage)
    try:
        with pytest.raises(RuntimeError):
            post_edit(client_for(editor), article, "عنوان لم ينشر", action="publish")
    finally:
        page_published.disconnect(failing_midway, sender=ArticlePage)
    article.refresh_from_db()
    assert article.live and article.title == before
    assert article.live_revision_id == live_revision
    page = public(f"/{article.public_id}").content.decode()
    assert before in page and "عنوان لم ينشر" not in page


def test_a_locked_article_cannot_be_overwritten_by_another_editor(
    editor,
    second_editor,
):
    article = a_live_article()
    first, second = client_for(editor), client_for(second_editor)
    locked = first.post(f"/newsroom/pages/{article.pk}/lock/")
    assert locked.status_code == 302
    article.refresh_from_db()
    assert article.locked and article.locked_by == editor

    # The second editor sees that it is locked, and cannot save over it.
    page = second.get(edit_url(article)).content.decode()
    assert "مقفل" in page or "مقفلة" in page
    refused = post_edit(second, article, "تعديل فوق تعديل زميل", action="publish")
    article.refresh_from_db()
    assert article.title != "تعديل فوق تعديل زميل"
    assert refused.status_code in {200, 302}
    assert not article.revisions.filter(content__title="تعديل فوق تعديل زميل").exists()

    # The editor who holds the lock saves; unlocking lets the other one in.
    saved = post_edit(first, article, "تعديل صاحب القفل", action="publish")
    assert saved.status_code == 302, form_errors(saved)
    first.post(f"/newsroom/pages/{article.pk}/unlock/")
    after = post_edit(second, article, "تعديل بعد فتح القفل", action="publish")
    assert after.status_code == 302, (form_errors(after), messages(after))
    article.refresh_from_db()
    assert article.title == "تعديل بعد فتح القفل"
