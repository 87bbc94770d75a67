"""Which publication a GOV.UK page belongs to, and which period it covers.

Both are read from what the page says about itself: its base path (slug), title, description
and collection group. The period is never computed from publication dates: releases come out
about two months after their latest data month, but delays and skipped months are unknown.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from hmcts_data._registry import MONTH_PATTERN, registry

__all__ = ["Period", "classify", "read_period", "slug_of"]

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_M = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_Y = r"(\d{4})"
_D = r"(\d{1,2})"

_DAY_RANGE = re.compile(rf"\b{_D} {_M}(?: {_Y})? to {_D} {_M} {_Y}\b")
_WEEK = re.compile(rf"\bweek (commencing|beginning|starting|ending|ended) {_D} {_M} {_Y}\b")
_MONTH_RANGE = re.compile(rf"\b{_M}(?: {_Y})? to {_M} {_Y}\b")
_UP_TO = re.compile(rf"\bup to {_D} {_M} {_Y}\b")
_MONTH = re.compile(rf"\b{_M} {_Y}\b")


@dataclass(frozen=True)
class Period:
    """The period a page covers, as far as its text says.

    Attributes:
        start: First day covered, or ``None`` when not stated.
        end: Last day covered (inclusive), or ``None`` when it cannot be read.
        precision: ``"month"``, ``"week"`` or ``"day"``; ``None`` when nothing was read.
        note: Why the period, or its start, could not be read; or a disagreement noticed.
    """

    start: date | None
    end: date | None
    precision: Literal["month", "week", "day"] | None
    note: str | None


def slug_of(base_path: str) -> str:
    """The last segment of a base path or URL.

    Example:
        >>> slug_of("/government/statistical-data-sets/hmcts-management-information-may-2025")
        'hmcts-management-information-may-2025'
    """
    return base_path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def classify(base_path: str, title: str = "", *, group: str | None = None) -> str | None:
    """Decide which publication a page belongs to, by the registry's ``pages`` rules.

    A page matching several publications goes to the one of lowest ``precedence`` (the
    reformed-services slugs share the monthly prefix, so they are checked first). Title
    punctuation (hyphen or en dash) is never relied on: titles are matched as words.

    Args:
        base_path: The page's base path (or URL).
        title: The page's title.
        group: The title of the collection group that lists the page, if any.

    Returns:
        The publication id, or ``None`` when the page matches none.

    Example:
        >>> classify("/government/statistical-data-sets/hmcts-management-information-april-2025")
        'monthly'
        >>> classify("/x/hmcts-management-information-reformed-services-december-2024")
        'reformed-services'
    """
    slug = slug_of(base_path).lower()
    texts = {"slug": slug, "title": _words(title), "group": _words(group or "")}
    for pid, rules in _page_rules():
        if any(p.search(texts[where]) for where, p in rules):
            return pid
    return None


@cache
def _page_rules() -> tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...]], ...]:
    """Each collection publication's compiled page patterns, lowest precedence first."""
    entries = [p for p in registry().publication.values() if p.pages is not None]
    entries.sort(key=lambda p: p.pages.precedence if p.pages is not None else 0)
    return tuple(
        (
            p.id,
            tuple(
                (where, re.compile(pattern.replace("{month}", MONTH_PATTERN)))
                for where in ("slug", "title", "group")
                for pattern in getattr(p.pages, where)
            ),
        )
        for p in entries
    )


def read_period(slug: str, title: str = "", description: str | None = None) -> Period:
    """Read the period a page covers from its slug, title and description.

    The latest period comes from the first of slug, title, description that names one (the
    slug is the most regular). The start comes from a range ("September 2018 to September
    2019", "march-to-july-2020") whose end agrees. A single month ("April 2025") gives only
    the end: monthly pages name their latest data month.

    Args:
        slug: The page slug (or base path).
        title: The page title.
        description: The page description, if any.

    Returns:
        The period; fields are ``None`` (and ``note`` says why) when the text does not say.

    Example:
        >>> p = read_period("hmcts-management-information-september-2019", "",
        ...                 "Figures from September 2018 to September 2019.")
        >>> p.start, p.end
        (datetime.date(2018, 9, 1), datetime.date(2019, 9, 30))
    """
    texts = [
        ("slug", _words(slug_of(slug))),
        ("title", _words(title)),
        ("description", _words(description or "")),
    ]
    found = [(where, _period_in(text)) for where, text in texts]
    readable = [(where, p) for where, p in found if p is not None]
    if not readable:
        return Period(
            None,
            None,
            None,
            "no month and year, date range or week was found in the slug, title or "
            "description, so the period is unknown",
        )
    source, best = readable[0]
    notes: list[str] = []
    for where, other in readable[1:]:
        if _month(other.end) != _month(best.end):
            notes.append(
                f"the {where} suggests a period ending {_month_text(other.end)}, but the "
                f"{source} says {_month_text(best.end)}; the {source} was used"
            )
    start = best.start
    if start is None:
        start = next(
            (
                p.start
                for _, p in readable
                if p.start is not None and _month(p.end) == _month(best.end)
            ),
            None,
        )
    if start is None:
        notes.insert(
            0,
            "the page names only its latest period, not the first month covered",
        )
    return Period(start, best.end, best.precision, "; ".join(notes) or None)


@dataclass(frozen=True)
class _Found:
    start: date | None
    end: date
    precision: Literal["month", "week", "day"]


def _period_in(text: str) -> _Found | None:
    if m := _DAY_RANGE.search(text):
        end = _day(m.group(4), m.group(5), m.group(6))
        start_year = m.group(3) or m.group(6)
        start = _day(m.group(1), m.group(2), start_year)
        if end is not None:
            if start is not None and start > end and m.group(3) is None:
                start = _day(m.group(1), m.group(2), str(int(start_year) - 1))
            return _Found(start, end, "day")
    if m := _WEEK.search(text):
        day = _day(m.group(2), m.group(3), m.group(4))
        if day is not None:
            if m.group(1) in {"ending", "ended"}:
                return _Found(day - timedelta(days=6), day, "week")
            return _Found(day, day + timedelta(days=6), "week")
    if m := _MONTH_RANGE.search(text):
        end_year, end_month = int(m.group(4)), _MONTHS[m.group(3)]
        start_month = _MONTHS[m.group(1)]
        start_year = int(m.group(2)) if m.group(2) else end_year
        if not m.group(2) and start_month > end_month:
            start_year -= 1
        if (start_year, start_month) <= (end_year, end_month):
            return _Found(
                date(start_year, start_month, 1), _month_end(end_year, end_month), "month"
            )
    if m := _UP_TO.search(text):
        day = _day(m.group(1), m.group(2), m.group(3))
        if day is not None:
            return _Found(None, day, "day")
    if m := _MONTH.search(text):
        return _Found(None, _month_end(int(m.group(2)), _MONTHS[m.group(1)]), "month")
    return None


def _words(text: str) -> str:
    """Lower-case words separated by single spaces (slug hyphens and dashes become spaces)."""
    text = text.lower().replace("–", " ").replace("—", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _day(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), _MONTHS[month], int(day))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _month_text(day: date) -> str:
    return day.strftime("%B %Y")
