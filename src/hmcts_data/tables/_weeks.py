"""Reading period labels of statistical tables: weeks, days, months, quarters and years.

A label (a header or a row label, text or a date cell) becomes a :class:`Period` with a first
and last day (inclusive). Forms accepted:

* weeks: ``w/c 6 April 2020``, ``Week commencing 06/04/2020``, ``week beginning ...``,
  ``Week ending 12/04/2020``, ``w/e 12 Apr 2020``; a date cell under a header that says
  "commencing" or "ending";
* explicit ranges: ``6 April 2020 to 12 April 2020``, ``06/04/2020 - 12/04/2020``;
* months: ``April 2020``, ``Apr 2020``, ``Apr-20``, ``2020-04``;
* quarters: ``Jan to Mar 2020``, ``January to March 2020``, ``Oct-Dec 2020``, ``Q1 2020``,
  ``2020 Q1`` (calendar quarters), and month ranges across a year end;
* years: ``2020`` (calendar), ``2020/21`` or ``2020-21`` (financial year, April to March).

Dates written with slashes are day first (UK). A bare date whose week convention nobody states is
**not** guessed: it is read as that single day (``kind="day"``); the reader warns when such days
are 7 days apart and the caller can say ``week_dates="commencing"`` or ``"ending"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from hmcts_data.tables._periods import MONTH_NUMBERS, full_year, month_bounds

__all__ = ["Period", "WeekDates", "parse_period", "strip_brackets", "week_convention"]

#: How bare dates of a weekly table are to be read.
WeekDates = Literal["commencing", "ending"]

_MON: Final = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_BRACKETS = re.compile(r"\[[^\]]*\]")
_COMMENCING = re.compile(
    r"\b(?:w/?c|w/?b|week\s+(?:commencing|beginning|starting)|commencing|beginning|starting)\b\.?",
    re.IGNORECASE,
)
_ENDING = re.compile(r"\b(?:w/?e|week\s+ending|ending|week\s+to)\b\.?", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_WORD_DATE = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MON}[\s,-]+(\d{{2}}|\d{{4}})$", re.I)
_MONTH_YEAR = re.compile(rf"^{_MON}[\s,.-]*(\d{{4}}|\d{{2}})$", re.I)
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_RANGE = re.compile(
    rf"^{_MON}(?:[\s,.-]*(\d{{4}}))?\s*(?:to|-|–|—)\s*{_MON}[\s,.-]*(\d{{4}})$", re.I
)
_QUARTER = re.compile(r"^(?:q([1-4])[\s-]*(\d{4})|(\d{4})[\s-]*q([1-4]))(?:\s*\(.*\))?$", re.I)
_YEAR = re.compile(r"^(\d{4})$")
_FIN_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_RANGE_SPLIT = re.compile(r"\s+(?:to|-|–|—)\s+")


@dataclass(frozen=True)
class Period:
    """A period a figure covers.

    Attributes:
        start: First day.
        end: Last day (inclusive).
        kind: ``"week"``, ``"day"``, ``"month"``, ``"quarter"``, ``"year"``,
            ``"financial_year"`` or ``"range"``.
    """

    start: date
    end: date
    kind: str


def strip_brackets(text: str) -> str:
    r"""Remove ``[note 1]``, ``[p]`` and other bracketed codes and normalise whitespace.

    Example:
        >>> strip_brackets("Week ending\n12 April 2020 [note 2] [p]")
        'Week ending 12 April 2020'
    """
    return " ".join(_BRACKETS.sub(" ", text).split())


def week_convention(text: str) -> WeekDates | None:
    """Return the week-date convention a header or label states, if any.

    Example:
        >>> week_convention("Week commencing"), week_convention("w/e"), week_convention("Week")
        ('commencing', 'ending', None)
    """
    if _COMMENCING.search(text):
        return "commencing"
    if _ENDING.search(text):
        return "ending"
    return None


def _month_end(year: int, month: int) -> date:
    return month_bounds(date(year, month, 1))[1]


def _parse_day(text: str) -> date | None:
    try:
        if m := _NUMERIC_DATE.match(text):
            return date(full_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _WORD_DATE.match(text):
            return date(full_year(m.group(3)), _month_index(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


def _as_week(day: date, convention: WeekDates) -> Period:
    if convention == "commencing":
        return Period(day, day + timedelta(days=6), "week")
    return Period(day - timedelta(days=6), day, "week")


def _month_index(name: str) -> int:
    return MONTH_NUMBERS[name.lower()[:3]]


def parse_period(
    value: object, *, context: str = "", week_dates: WeekDates | None = None
) -> Period | None:
    """Read one period label.

    Args:
        value: The label: text, a ``date``/``datetime`` cell, or an ``int`` year.
        context: Text around the label that may state a convention (the column header, the
            table title): "Week commencing", "Week ending", "Month" ...
        week_dates: How to read a bare date when neither the label nor the context says.

    Returns:
        The period, or ``None`` when the value is not a period label.

    Example:
        >>> parse_period("w/c 6 April 2020")
        Period(start=datetime.date(2020, 4, 6), end=datetime.date(2020, 4, 12), kind='week')
        >>> parse_period("Week ending 12/04/2020").start
        datetime.date(2020, 4, 6)
        >>> parse_period("Jan to Mar 2021").end
        datetime.date(2021, 3, 31)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _dated(value, context, week_dates)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        year = int(value)
        return (
            Period(date(year, 1, 1), date(year, 12, 31), "year") if 1990 <= year <= 2100 else None
        )
    if not isinstance(value, str):
        return None
    text = strip_brackets(value)
    if not text or len(text) > 80:
        return None
    own = week_convention(text)
    if own is not None:
        rest = _ENDING.sub(" ", _COMMENCING.sub(" ", text))
        rest = " ".join(rest.replace(":", " ").split())
        day = _parse_day(rest)
        return _as_week(day, own) if day is not None else None
    return _textual(text, context, week_dates)


def _dated(day: date, context: str, week_dates: WeekDates | None) -> Period:
    convention = week_convention(context) or (
        week_dates if "week" in context.lower() or week_dates else None
    )
    if convention is not None:
        return _as_week(day, convention)
    if "month" in context.lower():
        return Period(day.replace(day=1), _month_end(day.year, day.month), "month")
    return Period(day, day, "day")


def _textual(text: str, context: str, week_dates: WeekDates | None) -> Period | None:
    day = _parse_day(text)
    if day is not None:
        return _dated(day, context, week_dates)
    try:
        if m := _MONTH_YEAR.match(text):
            year, month = full_year(m.group(2)), _month_index(m.group(1))
            return Period(date(year, month, 1), _month_end(year, month), "month")
        if m := _ISO_MONTH.match(text):
            year, month = int(m.group(1)), int(m.group(2))
            return Period(date(year, month, 1), _month_end(year, month), "month")
        if m := _MONTH_RANGE.match(text):
            first, first_year, last, last_year = m.groups()
            end_year = int(last_year)
            a, b = _month_index(first), _month_index(last)
            start_year = int(first_year) if first_year else (end_year if a <= b else end_year - 1)
            start, end = date(start_year, a, 1), _month_end(end_year, b)
            if start > end:
                return None
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            calendar_quarter = months == 3 and start.month in (1, 4, 7, 10)
            return Period(start, end, "quarter" if calendar_quarter else "range")
        if m := _QUARTER.match(text):
            quarter = int(m.group(1) or m.group(4))
            year = int(m.group(2) or m.group(3))
            first = 3 * (quarter - 1) + 1
            return Period(date(year, first, 1), _month_end(year, first + 2), "quarter")
        if m := _YEAR.match(text):
            year = int(m.group(1))
            if 1990 <= year <= 2100:
                return Period(date(year, 1, 1), date(year, 12, 31), "year")
            return None
        if m := _FIN_YEAR.match(text):
            start_year, end_text = int(m.group(1)), m.group(2)
            end_year = (
                int(end_text) if len(end_text) == 4 else (start_year // 100) * 100 + int(end_text)
            )
            if end_year == start_year + 1:
                return Period(date(start_year, 4, 1), date(end_year, 3, 31), "financial_year")
            return None
    except (ValueError, KeyError):
        return None
    parts = _RANGE_SPLIT.split(text)
    if len(parts) == 2:
        first_day, last_day = _parse_day(parts[0]), _parse_day(parts[1])
        if first_day is not None and last_day is not None and first_day <= last_day:
            return Period(first_day, last_day, "range")
    return None
