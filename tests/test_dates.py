"""Arabic dates: Gregorian month names by region, Umm al-Qura Hijri, 12-hour time."""

import datetime

from minbar.arabic.dates import clock_time, gregorian_date, hijri_date


def test_gregorian_dates_in_egyptian_and_levantine_month_names():
    day = datetime.date(2025, 3, 22)
    assert gregorian_date(day) == "السبت 22 مارس 2025"
    assert gregorian_date(day, months="levant") == "السبت 22 آذار 2025"
    assert gregorian_date(datetime.date(2026, 4, 1), months="levant").endswith(
        "نيسان 2026"
    )


def test_hijri_dates_follow_umm_al_qura():
    assert hijri_date(datetime.date(2025, 3, 22)) == "22 رمضان 1446 هـ"
    assert hijri_date(datetime.date(2025, 3, 30)) == "1 شوال 1446 هـ"  # Eid al-Fitr
    assert hijri_date(datetime.date(2025, 3, 22), offset_days=1) == "23 رمضان 1446 هـ"


def test_hijri_outside_the_table_is_empty_not_an_error():
    assert hijri_date(datetime.date(1900, 1, 1)) == ""


def test_clock_time_uses_arabic_am_pm():
    assert clock_time(datetime.datetime(2025, 3, 22, 10, 0)) == "10:00 ص"
    assert clock_time(datetime.datetime(2025, 3, 22, 0, 5)) == "12:05 ص"
    assert clock_time(datetime.datetime(2025, 3, 22, 15, 45)) == "3:45 م"
