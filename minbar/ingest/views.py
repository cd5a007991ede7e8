"""The incoming queue (الوارد) in the newsroom: list, inspect, and two actions.

Items come from the wires, so nobody adds or edits one by hand: the queue is
read, an item is inspected, and then it becomes a draft article ("create
article") or is rejected.  Who may do that is the permission policy below:
whoever may add articles (writers and every role above them).
"""

import datetime
import urllib.parse
from pathlib import Path

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.models import Revision
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import page_permission_policy

from minbar.arabic import dates, timeago
from minbar.newsroom.html_body import clean_html
from minbar.newsroom.models import ArticlePage

from . import services
from .mapping import MappingError
from .models import IncomingItem, WireSource

User = AbstractBaseUser | AnonymousUser

# What the queue lets its users do; "view" is Wagtail's name for the listing
# and the inspect view.  Adding, editing, copying and deleting are refused.
QUEUE_ACTIONS = frozenset({"view", "use", "reject"})
# The queue's name in the menu and its title: الوارد.
INCOMING = gettext_lazy("Incoming")


def can_write_articles(user: User) -> bool:
    """Whether the user may add articles: writers and every role above them.

    Roles grant "add" on the home page, which cascades to every section, so
    "add somewhere" is "add an article" (roles.py).
    """
    return page_permission_policy.user_has_permission(user, "add")


class IncomingItemPermissionPolicy(BasePermissionPolicy):
    """The queue is worked by whoever may write an article; nobody edits it."""

    def user_has_permission(self, user, action):
        return action in QUEUE_ACTIONS and can_write_articles(user)

    def user_has_any_permission(self, user, actions):
        return bool(QUEUE_ACTIONS.intersection(actions)) and can_write_articles(user)

    def users_with_any_permission(self, actions):
        if not QUEUE_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return page_permission_policy.users_with_permission("add")


policy = IncomingItemPermissionPolicy(IncomingItem)


# Times, as the admin's language reads them.


def moment(value: datetime.datetime | None) -> dict | None:
    """A time as `relative` (منذ 3 دقائق), `full` (date and clock) and `iso`.

    Arabic uses Minbar's own relative times, which agree with their number
    (Django's read "قبل 2 دقيقتين"); other languages use Wagtail's.
    """
    if value is None:
        return None
    local = timezone.localtime(value)
    if (translation.get_language() or "").startswith("ar"):
        relative = timeago.time_ago(value, timezone.now())
        full = f"{dates.gregorian_date(local)}، {dates.clock_time(local)}"
    else:
        relative = capfirst(timesince_simple(value))
        full = formats.date_format(local, "DATETIME_FORMAT")
    return {"relative": relative, "full": full, "iso": local.isoformat()}


class MomentColumn(Column):
    """A time as a relative phrase, the date and clock in its tooltip."""

    cell_template_name = "minbar/ingest/includes/moment_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["moment"] = moment(context["raw_value"])
        return context


class IsolatedColumn(Column):
    """Text of its own direction: a path or an address, an English error."""

    cell_template_name = "minbar/ingest/includes/isolated_cell.html"

    def __init__(self, name, direction="auto", **kwargs):
        super().__init__(name, **kwargs)
        self.direction = direction


# The listing.


def field_label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def source_choices() -> list[tuple[str, str]]:
    names = IncomingItem.objects.order_by("source").values_list("source", flat=True)
    return [(name, name) for name in names.distinct()]


class IncomingItemFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(
        label=field_label(IncomingItem, "source"),
        choices=source_choices,
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
    )
    status = django_filters.ChoiceFilter(
        label=field_label(IncomingItem, "status"),
        choices=IncomingItem.Status.choices,
        empty_label=gettext_lazy("All"),
        widget=forms.RadioSelect,
    )
    received_at = django_filters.DateFromToRangeFilter(
        label=field_label(IncomingItem, "received_at"), widget=DateRangePickerWidget
    )

    class Meta:
        model = IncomingItem
        fields = ["source", "status", "received_at"]


class ItemActionsMixin:
    """What the row and the inspect view need to offer an item's actions."""

    use_url_name: str = ""
    reject_url_name: str = ""

    def actions_context(self, item: IncomingItem, request, next_url: str) -> dict:
        allowed = item.status == IncomingItem.Status.NEW and policy.user_has_permission(
            request.user, "use"
        )
        if not allowed:
            return {"actions": None}
        return {
            "actions": {
                "use_url": reverse(self.use_url_name, args=[item.pk]),
                "reject_url": reverse(self.reject_url_name, args=[item.pk]),
                "next_url": next_url,
            },
            # The cell templates render without the request's context
            # processors: {% csrf_token %} reads the token from here.
            "csrf_token": get_token(request),
        }


class ArticleColumn(ItemActionsMixin, Column):
    """The article made from the item, or the buttons that make or reject one."""

    cell_template_name = "minbar/ingest/includes/article_cell.html"

    def __init__(self, name, use_url_name, reject_url_name, index_url_name, **kw):
        super().__init__(name, **kw)
        self.use_url_name = use_url_name
        self.reject_url_name = reject_url_name
        self.index_url_name = index_url_name

    def next_url(self, request) -> str:
        # Back to the listing as it was (the results fragment has the same
        # query string, less its own flag).
        query = request.GET.copy()
        query.pop("_w_filter_fragment", None)
        url = reverse(self.index_url_name)
        return f"{url}?{query.urlencode()}" if query else url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["article"] = instance.article
        context.update(self.actions_context(instance, request, self.next_url(request)))
        return context


class IncomingIndexView(generic.IndexView):
    page_title = INCOMING

    def get_base_queryset(self) -> QuerySet:
        return super().get_base_queryset().select_related("article")


# One item.


def safe_body(item: IncomingItem) -> SafeString:
    # body_html was cleaned to the newsroom's allowlist by nh3 when it was
    # received (services._receive), so it is safe to render as HTML.  It is
    # cleaned once more here, which is idempotent and cheap, so that a row
    # written by any other path cannot put markup into the newsroom.
    return mark_safe(clean_html(item.body_html))  # noqa: S308  # nosec B308, B703


def picture_link(href: str) -> str:
    """The picture's address as a link target: only web addresses are."""
    scheme = urllib.parse.urlsplit(href).scheme
    return href if scheme in {"http", "https"} else ""


# The item's details the inspect view lists, by field name.
DETAILS = ("source", "urgency", "byline", "located", "embargoed", "versioncreated",
           "received_at")  # fmt: skip


class IncomingInspectView(ItemActionsMixin, generic.InspectView):
    use_url_name = ""
    reject_url_name = ""

    def get_object(self, queryset=None):
        return get_object_or_404(
            IncomingItem.objects.select_related("article"), pk=self.pk
        )

    def get_page_title(self):
        return capfirst(IncomingItem._meta.verbose_name)

    def get_page_subtitle(self):
        return self.object.headline

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": INCOMING},
            {"url": "", "label": self.get_page_title(), "sublabel": self.object},
        ]

    @cached_property
    def header_more_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        data = item.item or {}
        pictures = [
            {
                "href": picture.get("href", ""),
                "link": picture_link(picture.get("href", "")),
                "caption": picture.get("caption", ""),
                "credit": picture.get("credit", ""),
            }
            for picture in data.get("pictures", [])
        ]
        context.update(
            item=item,
            language=data.get("language", ""),
            body=safe_body(item),
            pictures=pictures,
            received=moment(item.received_at),
            sent=moment(item.versioncreated),
            embargoed=moment(item.embargoed),
            embargo_pending=bool(item.embargoed and item.embargoed > timezone.now()),
            status_classname=(
                "w-status--primary" if item.status == IncomingItem.Status.NEW else ""
            ),
            labels={name: field_label(IncomingItem, name) for name in DETAILS},
        )
        context.update(
            self.actions_context(item, self.request, reverse(self.index_url_name))
        )
        return context

    def get_fields(self):
        return []  # the template lays the item out itself


# The two actions: POST only (a GET answers 405), CSRF-protected by the
# middleware, and refused without the policy's permission.


class ItemActionView(PermissionCheckedMixin, BaseObjectMixin, View):
    model = IncomingItem
    http_method_names = ["post"]
    index_url_name = ""
    inspect_url_name = ""

    def already_handled(self):
        messages.error(
            self.request,
            _("“%(headline)s” has already been handled.")
            % {"headline": self.object.headline},
        )
        return redirect(self.inspect_url_name, self.object.pk)

    def locked_new_item(self) -> IncomingItem | None:
        """The item, locked until the transaction ends, if it is still new."""
        return (
            IncomingItem.objects.select_for_update()
            .filter(pk=self.object.pk, status=IncomingItem.Status.NEW)
            .first()
        )


def drop_folders(source_name: str) -> list[Path]:
    """Where the item's pictures may be: its source's drop folder, if any."""
    source = WireSource.objects.filter(name=source_name).exclude(folder="").first()
    return [Path(source.folder)] if source is not None else []


class UseItemView(ItemActionView):
    """Create article: a draft from the item, opened in the page editor."""

    permission_required = "use"

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                item = self.locked_new_item()
                if item is None:
                    return self.already_handled()
                outcome = services.use_item(item, drop_folders(item.source))
                article = item.article
                give_draft_to(article, request.user)
        except MappingError as exc:
            messages.error(
                request,
                _("No article could be made from this item: %(reason)s")
                % {"reason": exc},
            )
            return redirect(self.inspect_url_name, self.object.pk)
        messages.success(
            request,
            _("Draft article %(number)s created from “%(headline)s”.")
            % {"number": outcome.public_id, "headline": item.headline},
        )
        for warning in outcome.warnings:
            messages.warning(request, warning)
        return redirect("wagtailadmin_pages:edit", article.pk)


def give_draft_to(article: ArticlePage, user: User) -> None:
    """The person who made the draft owns it, so that a writer may edit it.

    (The page's history already names them: Wagtail logs the creation with
    the user of the admin request.)"""
    ArticlePage.objects.filter(pk=article.pk, owner__isnull=True).update(owner=user)
    Revision.objects.filter(pk=article.latest_revision_id, user__isnull=True).update(
        user=user
    )


class RejectItemView(ItemActionView):
    """Reject: the item stays in the queue, marked rejected."""

    permission_required = "reject"

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            item = self.locked_new_item()
            if item is None:
                return self.already_handled()
            item.status = IncomingItem.Status.REJECTED
            item.save(update_fields=["status"])
        messages.success(
            request, _("“%(headline)s” rejected.") % {"headline": item.headline}
        )
        next_url = get_valid_next_url_from_request(request)
        return redirect(next_url or reverse(self.index_url_name))
