"""Template filters for Arabic dates: ``{{ value|gregorian_ar }}``, ``|hijri_ar``."""

import datetime

from django import template
from django.conf import settings
from django.utils import timezone

from minbar.arabic import dates

register = template.Library()


def _local(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def gregorian_ar(value):
    value = _local(value)
    if value is None:
        return ""
    return dates.gregorian_date(value, getattr(settings, "MINBAR_MONTH_NAMES", "egypt"))


@register.filter
def hijri_ar(value):
    value = _local(value)
    if value is None:
        return ""
    return dates.hijri_date(value, getattr(settings, "MINBAR_HIJRI_OFFSET_DAYS", 0))


@register.filter
def time_ar(value):
    value = _local(value)
    if value is None:
        return ""
    return dates.clock_time(value)
