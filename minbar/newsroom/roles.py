"""The newsroom's roles, its review workflow and the site's home page.

Run after every ``migrate`` (post_migrate), so that a new database, the demo
and the test database all start with the same newsroom.  Idempotent.

Roles (group names are Arabic, as editors see them):

- كاتب (writer): writes drafts and submits them for review; cannot publish.
- محرر (editor): reviews, edits and publishes any article; manages agencies.
- رئيس التحرير (editor-in-chief): everything editorial, plus the staff box,
  the ticker, writers and the home page.
- مدير (administrator): everything, including staff accounts.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.db import transaction

WRITER = "كاتب"
EDITOR = "محرر"
EDITOR_IN_CHIEF = "رئيس التحرير"
ADMINISTRATOR = "مدير"
ROLES = (WRITER, EDITOR, EDITOR_IN_CHIEF, ADMINISTRATOR)

REVIEW_WORKFLOW = "مراجعة التحرير"
REVIEW_TASK = "مراجعة المحرر"

PAGE_PERMISSIONS = {
    WRITER: ["add_page"],
    EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    EDITOR_IN_CHIEF: [
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page",
        "bulk_delete_page",
    ],
    ADMINISTRATOR: [
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page",
        "bulk_delete_page",
    ],
}  # fmt: skip

COLLECTION_PERMISSIONS = {
    WRITER: ["add_image", "choose_image", "add_document", "choose_document"],
    EDITOR: [
        "add_image", "change_image", "choose_image",
        "add_document", "change_document", "choose_document",
    ],
    EDITOR_IN_CHIEF: [
        "add_image", "change_image", "delete_image", "choose_image",
        "add_document", "change_document", "delete_document", "choose_document",
    ],
    ADMINISTRATOR: [
        "add_image", "change_image", "delete_image", "choose_image",
        "add_document", "change_document", "delete_document", "choose_document",
    ],
}  # fmt: skip

# Model permissions as "app_label.codename".
MODEL_PERMISSIONS = {
    WRITER: ["wagtailadmin.access_admin"],
    EDITOR: [
        "wagtailadmin.access_admin",
        "minbar_newsroom.add_agency",
        "minbar_newsroom.change_agency",
        "minbar_newsroom.add_author",
        "taggit.add_tag",
        "taggit.change_tag",
    ],
    EDITOR_IN_CHIEF: [
        "wagtailadmin.access_admin",
        "minbar_newsroom.add_agency",
        "minbar_newsroom.change_agency",
        "minbar_newsroom.delete_agency",
        "minbar_newsroom.add_author",
        "minbar_newsroom.change_author",
        "minbar_newsroom.delete_author",
        "minbar_public.change_publicationsettings",
        "minbar_public.curate_homepage",
        "minbar_public.add_tickeritem",
        "minbar_public.change_tickeritem",
        "minbar_public.delete_tickeritem",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "minbar_ingest.add_wiresource",
        "minbar_ingest.change_wiresource",
        "minbar_ingest.delete_wiresource",
    ],
}
# The administrator holds every editorial permission, plus staff accounts.
MODEL_PERMISSIONS[ADMINISTRATOR] = MODEL_PERMISSIONS[EDITOR_IN_CHIEF] + [
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",
    "auth.add_group",
    "auth.change_group",
    "wagtailcore.add_workflow",
    "wagtailcore.change_workflow",
    "wagtailcore.add_task",
    "wagtailcore.change_task",
    "wagtailcore.add_site",
    "wagtailcore.change_site",
]


def ensure_newsroom(sender=None, using="default", verbosity=0, **kwargs):
    """post_migrate receiver: permissions first, then site, roles and workflow."""
    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    with transaction.atomic(using=using):
        home = ensure_home_page()
        ensure_roles(home)
        ensure_review_workflow(home)


def ensure_home_page():
    """The site's root is a HomePage; Wagtail's welcome page is replaced."""
    from wagtail.models import Page, Site

    from minbar.public.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root")
        welcome = root.get_children().filter(slug="home").first()
        if welcome is not None and welcome.specific_class is Page:
            welcome.delete()
        home = root.add_child(instance=HomePage(title="الرئيسية", slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True,
            site_name="Minbar",
        )  # fmt: skip
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _permissions(names):
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return found


def ensure_roles(home):
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
    )

    collection = Collection.get_first_root_node()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(MODEL_PERMISSIONS[role]))
        for codename in PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for codename in COLLECTION_PERMISSIONS[role]:
            app_label = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )


def ensure_review_workflow(home):
    """Writers submit; an editor or the editor-in-chief approves and publishes."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.groups.set(
            Group.objects.filter(name__in=[EDITOR, EDITOR_IN_CHIEF, ADMINISTRATOR])
        )
    workflow, created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=home, defaults={"workflow": workflow})
