"""Template filters for Arabic dates.

``{{ value|gregorian_ar:publication }}``, ``{{ value|hijri_ar:publication }}``:
the publication's settings choose the month names and the Hijri correction.
``{{ value|time_ago_ar }}``: منذ 3 دقائق.
"""

import datetime

from django import template
from django.utils import timezone

from minbar.arabic import dates, timeago

register = template.Library()


def _local(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def gregorian_ar(value, publication=None):
    value = _local(value)
    if value is None:
        return ""
    return dates.gregorian_date(value, getattr(publication, "month_names", "egypt"))


@register.filter
def hijri_ar(value, publication=None):
    value = _local(value)
    if value is None:
        return ""
    return dates.hijri_date(value, getattr(publication, "hijri_offset", 0))


@register.filter
def time_ar(value):
    value = _local(value)
    if value is None:
        return ""
    return dates.clock_time(value)


@register.filter
def time_ago_ar(value):
    if value is None:
        return ""
    return timeago.time_ago(value, timezone.now())
