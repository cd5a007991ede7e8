"""Arabic dates: Gregorian month names as used in Egypt or the Levant, and Hijri.

Plain Python, no Django import: the public templates and the feeds share it.
Hijri dates are Umm al-Qura, computed by the ``hijridate`` library.
"""

from datetime import date, datetime, timedelta

from hijridate import Gregorian

# Month names differ by region: Egypt and the Gulf transliterate the Latin
# names, the Levant and Iraq use the Syriac ones.
GREGORIAN_MONTHS = {
    "egypt": (
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ),
    "levant": (
        "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
        "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
    ),
}  # fmt: skip

HIJRI_MONTHS = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip

# Monday first, as datetime.weekday() counts.
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")


def gregorian_date(value: date, months: str = "egypt") -> str:
    """'السبت 22 مارس 2025' (or '22 آذار 2025' with the Levant month names)."""
    return (
        f"{WEEKDAYS[value.weekday()]} {value.day} "
        f"{GREGORIAN_MONTHS[months][value.month - 1]} {value.year}"
    )


def hijri_date(value: date, offset_days: int = 0) -> str:
    """'22 رمضان 1446 هـ'; empty outside the Umm al-Qura table's range.

    ``offset_days`` lets an editor follow a local moon sighting that differs
    from the Umm al-Qura calendar by a day.
    """
    if isinstance(value, datetime):
        value = value.date()
    value = value + timedelta(days=offset_days)
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except OverflowError:
        return ""
    return f"{hijri.day} {HIJRI_MONTHS[hijri.month - 1]} {hijri.year} هـ"


def clock_time(value: datetime) -> str:
    """'10:00 ص' / '3:45 م': twelve-hour time with the Arabic am/pm letters."""
    suffix = "ص" if value.hour < 12 else "م"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {suffix}"
