"""The search form: what the reader typed, validated, never lost."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minbar.newsroom.models import ArticleType, Author, SectionPage

from .analysis import MAX_QUERY_LENGTH
from .backends import Filters


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=10_000)
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=SectionPage.objects.live().order_by("path"),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
    )
    type = forms.ChoiceField(
        label=_("Article type"),
        choices=[("", _("All types")), *ArticleType.choices],
        required=False,
    )
    writer = forms.ModelChoiceField(
        label=_("Writer"),
        queryset=Author.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All writers"),
    )
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("relevance", _("Relevance")), ("newest", _("Newest first"))],
        required=False,
    )

    def clean_q(self):
        return self.cleaned_data["q"].strip()[:MAX_QUERY_LENGTH]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        tz = timezone.get_current_timezone()

        def start_of(day, days=0):
            if not day:
                return None
            moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
            return moment + datetime.timedelta(days=days)

        section = data.get("section")
        writer = data.get("writer")
        return Filters(
            section_path=section.path if section else "",
            article_type=data.get("type") or "",
            author_id=writer.pk if writer else None,
            since=start_of(data.get("since")),
            until=start_of(data.get("until"), days=1),
        )

    @property
    def has_filters(self):
        data = self.cleaned_data if self.is_valid() else {}
        return any(
            data.get(name) for name in ("section", "type", "writer", "since", "until")
        )
