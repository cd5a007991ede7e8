"""Arabic relative times with the number agreement Arabic grammar asks for.

Arabic counts in six forms: منذ دقيقة (1), منذ دقيقتين (2, the dual), منذ 3
دقائق (3–10, plural), منذ 11 دقيقة (11–99, singular accusative), منذ 100
دقيقة (hundreds, singular).  ``gettext``'s plural forms for Arabic follow the
same rule, but the dual drops the number: this table writes the forms out.
"""

from datetime import datetime

# unit: (one, two, few (3-10), many (11-99 and 100s))
UNITS = {
    "second": ("ثانية", "ثانيتين", "ثوانٍ", "ثانية"),
    "minute": ("دقيقة", "دقيقتين", "دقائق", "دقيقة"),
    "hour": ("ساعة", "ساعتين", "ساعات", "ساعة"),
    "day": ("يوم", "يومين", "أيام", "يومًا"),
    "week": ("أسبوع", "أسبوعين", "أسابيع", "أسبوعًا"),
    "month": ("شهر", "شهرين", "أشهر", "شهرًا"),
    "year": ("سنة", "سنتين", "سنوات", "سنة"),
}

# Words that take the accusative tanween after 11–99 but not after 100s.
ACCUSATIVE_ONLY = {"يومًا": "يوم", "أسبوعًا": "أسبوع", "شهرًا": "شهر"}


def count_phrase(number: int, unit: str) -> str:
    """'دقيقة', 'دقيقتين', '3 دقائق', '11 دقيقة', '100 يوم'."""
    one, two, few, many = UNITS[unit]
    if number == 1:
        return one
    if number == 2:
        return two
    remainder = number % 100
    if 3 <= remainder <= 10:
        return f"{number} {few}"
    if 11 <= remainder <= 99:
        return f"{number} {many}"
    # 100, 200, 1000 ...: the genitive singular, without tanween.
    return f"{number} {ACCUSATIVE_ONLY.get(many, many)}"


def time_ago(moment: datetime, now: datetime) -> str:
    """'الآن', 'منذ دقيقتين', 'منذ 3 ساعات', 'منذ 11 يومًا'."""
    seconds = int((now - moment).total_seconds())
    if seconds < 45:
        return "الآن"
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            return "منذ " + count_phrase(seconds // size, unit)
    return "منذ " + count_phrase(max(seconds, 1), "second")
