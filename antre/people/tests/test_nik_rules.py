"""NIK structure rules, without a database: PP KK CC DDMMYY SSSS, +40 for women, serial not 0000."""

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from antre.people.rules import check_nik

TODAY = dt.date(2026, 11, 30)
KNOWN = {"51.02.01", "51.02.05", "51.71.01"}


def region(code):
    return "somewhere" if code in KNOWN else None


def build(*, pp="51", kk="02", cc="05", day=12, month=3, yy=85, female=False, serial=1) -> str:
    return f"{pp}{kk}{cc}{day + (40 if female else 0):02d}{month:02d}{yy:02d}{serial:04d}"


dates = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)


@given(born=dates, female=st.booleans(), serial=st.integers(1, 9999))
def test_every_real_birth_date_and_serial_is_accepted(born, female, serial):
    nik = build(day=born.day, month=born.month, yy=born.year % 100, female=female, serial=serial)
    check = check_nik(nik, today=TODAY, region_name=region)
    assert check.valid, check
    assert check.birth_date == born
    assert check.gender == ("P" if female else "L")


@given(born=dates)
def test_women_add_forty_to_the_day(born):
    woman = check_nik(build(day=born.day, month=born.month, yy=born.year % 100, female=True), today=TODAY)
    man = check_nik(build(day=born.day, month=born.month, yy=born.year % 100), today=TODAY)
    assert woman.birth_date == man.birth_date
    assert (woman.gender, man.gender) == ("P", "L")


@given(day=st.integers(0, 99), month=st.integers(0, 99), yy=st.integers(0, 99))
def test_impossible_dates_are_refused(day, month, yy):
    real_day = day - 40 if day > 40 else day
    try:
        candidate = dt.date(2000 + yy, month, real_day) if real_day > 0 else None
    except ValueError:
        candidate = None
    try:
        old = dt.date(1900 + yy, month, real_day) if real_day > 0 else None
    except ValueError:
        old = None
    assume(candidate is None and old is None)
    nik = f"510205{day:02d}{month:02d}{yy:02d}0001"
    assert "birth_date" in check_nik(nik, today=TODAY).errors


def test_serial_0000_is_refused():
    assert check_nik(build(serial=0), today=TODAY).errors == ("serial",)


@given(st.text(max_size=30))
def test_anything_but_sixteen_digits_is_a_format_error(text):
    digits = "".join(ch for ch in text if ch not in " .-\t\n\r\x0b\x0c")
    assume(not (len(digits) == 16 and digits.isascii() and digits.isdigit()))
    check = check_nik(text, today=TODAY)
    assert check.errors == ("format",)
    assert check.nik is None


def test_separators_typed_by_people_are_ignored():
    assert check_nik("5102 0511 0385 0001", today=TODAY).nik == "5102051103850001"
    assert check_nik("5102.05.110385.0001", today=TODAY).valid


def test_region_zero_is_an_error_but_an_unknown_region_only_a_warning():
    assert "region" in check_nik(build(kk="00"), today=TODAY).errors
    assert "region" in check_nik(build(pp="00"), today=TODAY).errors
    unknown = check_nik(build(cc="77"), today=TODAY, region_name=region)
    assert unknown.valid
    assert unknown.warnings == ("region_unknown",)
    assert check_nik(build(cc="01"), today=TODAY, region_name=region).warnings == ()


def test_two_digit_year_is_never_in_the_future():
    # Born 31-12-26: on 30-11-2026 that must be 1926, not a baby born next month.
    assert check_nik(build(day=31, month=12, yy=26), today=TODAY).birth_date == dt.date(1926, 12, 31)
    assert check_nik(build(day=1, month=1, yy=26), today=TODAY).birth_date == dt.date(2026, 1, 1)


def test_feb_29_only_in_leap_years():
    assert check_nik(build(day=29, month=2, yy=0), today=TODAY).birth_date == dt.date(2000, 2, 29)
    assert "birth_date" in check_nik(build(day=29, month=2, yy=1), today=TODAY).errors
