"""A decision as typed data, read from a Search API result or a stored harvest row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, overload

from pydantic import BaseModel, ConfigDict, field_validator

from hmcts_data._errors import ConfigurationError
from hmcts_data.decisions._finders import Finder
from hmcts_data.decisions._rows import COLUMNS, LISTS, RowReader, records_frame, result_record

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Decision", "Decisions", "decision_from_result", "explode", "to_frame"]

#: List column -> the column holding its labels (explode() keeps the pair together).
_LABELS = {"categories": "category_labels", "sub_categories": "sub_category_labels"}


class Decision(BaseModel):
    """One tribunal decision as a finder lists it.

    List attributes hold slugs (identifiers); ``category_labels`` and ``sub_category_labels``
    hold the matching labels in the same order (``None`` for a slug the finder does not list).

    Attributes:
        finder: The finder id (``"employment-tribunal-decisions"``).
        link: The decision's path on GOV.UK (its Content API page is ``/api/content`` + link).
        title: Its title (usually the parties and case number).
        description: Its summary, where it has one.
        decision_date: When the decision was made.
        categories: Category slugs (for employment tribunals, the jurisdiction codes).
        category_labels: Their labels.
        sub_categories: Sub-category slugs.
        sub_category_labels: Their labels.
        country: The country slug (employment tribunals: ``"england-and-wales"``,
            ``"scotland"``).
        judges: Judge slugs.
        landmark: Whether it is marked a landmark decision (``None`` where the finder has no
            such facet or it is not given).
        reference_number: Its reference number, where the finder has one.
        published: When it was first published on GOV.UK (UTC), when known.
        updated: When it was last published or updated (the Search API's
            ``public_timestamp``, UTC).

    Example:
        >>> d = Decision(finder="employment-tribunal-decisions",
        ...              link="/employment-tribunal-decisions/x",
        ...              title="Mr A v B Ltd: 1234567/2024", categories=("unfair-dismissal",))
        >>> d.url
        'https://www.gov.uk/employment-tribunal-decisions/x'
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    finder: str
    link: str
    title: str = ""
    description: str | None = None
    decision_date: date | None = None
    categories: tuple[str, ...] = ()
    category_labels: tuple[str | None, ...] = ()
    sub_categories: tuple[str, ...] = ()
    sub_category_labels: tuple[str | None, ...] = ()
    country: str | None = None
    judges: tuple[str, ...] = ()
    landmark: bool | None = None
    reference_number: str | None = None
    published: datetime | None = None
    updated: datetime | None = None

    @field_validator("published", "updated")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def url(self) -> str:
        """The decision's page on GOV.UK."""
        return "https://www.gov.uk" + self.link

    def record(self) -> dict[str, Any]:
        """Return the decision as one frame row (lists as lists).

        Example:
            >>> Decision(finder="f", link="/f/x", judges=("a",)).record()["judges"]
            ['a']
        """
        row = self.model_dump(mode="json")
        for name in LISTS:
            row[name] = list(row[name])
        return {name: row[name] for name in COLUMNS}


class Decisions(Sequence[Decision]):
    """Decisions found by :func:`search`: a sequence, the number GOV.UK matched, a frame.

    Attributes:
        finder: The finder searched.
        total: How many decisions matched on GOV.UK (may be more than were fetched).
        missing_fields: Facet attributes the Search API would not return (empty columns;
            :func:`decision` reads them from the decision's page).

    Example:
        >>> from hmcts_data import decisions
        >>> found = decisions.search("employment-tribunal", limit=10)  # doctest: +SKIP
        >>> found.total, len(found), found.to_frame().shape  # doctest: +SKIP
    """

    def __init__(
        self,
        finder: Finder,
        items: Sequence[Decision],
        total: int,
        missing_fields: Sequence[str] = (),
    ) -> None:
        self.finder = finder
        self.total = total
        self.missing_fields = tuple(missing_fields)
        self._items = tuple(items)

    @overload
    def __getitem__(self, index: int) -> Decision: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Decision]: ...
    def __getitem__(self, index: int | slice) -> Decision | Sequence[Decision]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Decision]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"<Decisions {self.finder.id}: {len(self)} of {self.total}>"

    def to_frame(self) -> pd.DataFrame:
        """Return one row per decision (columns as :func:`to_frame`).

        Example:
            >>> found.to_frame().columns[:3].tolist()  # doctest: +SKIP
            ['finder', 'link', 'title']
        """
        return to_frame(self._items)


def to_frame(decisions: Sequence[Decision] | Decisions) -> pd.DataFrame:
    """Return decisions as a frame, one row per decision.

    Columns: ``finder``, ``link``, ``title``, ``description``, ``decision_date``
    (datetime64), ``categories``, ``category_labels``, ``sub_categories``,
    ``sub_category_labels``, ``country``, ``judges`` (lists), ``landmark`` (boolean),
    ``reference_number``, ``published`` and ``updated`` (UTC datetimes). Use :func:`explode`
    for one row per decision and facet value.

    Args:
        decisions: Decisions from :func:`search`, or any sequence of :class:`Decision`.

    Returns:
        The frame (empty, with these columns, when there are none).

    Example:
        >>> from hmcts_data import decisions
        >>> d = decisions.Decision(finder="employment-tribunal-decisions", link="/x", title="A v B")
        >>> decisions.to_frame([d])[["finder", "title"]].values.tolist()
        [['employment-tribunal-decisions', 'A v B']]
    """
    return records_frame([d.record() for d in decisions])


def explode(frame: pd.DataFrame, facet: str = "categories") -> pd.DataFrame:
    """Return ``frame`` in long form: one row per decision and value of a list facet.

    The facet's label column (``category_labels`` for ``categories``, ``sub_category_labels``
    for ``sub_categories``) is exploded alongside it, so each row keeps a slug with its label.
    A decision without any value keeps one row with a missing value.

    Args:
        frame: A decisions frame (from :func:`to_frame`, :meth:`Decisions.to_frame` or
            :func:`harvest`).
        facet: The list column: ``"categories"``, ``"sub_categories"`` or ``"judges"``.

    Returns:
        A new frame with one value per row in ``facet`` (and its labels).

    Raises:
        ConfigurationError: ``facet`` is not a list column of the frame.

    Example:
        >>> from hmcts_data import decisions
        >>> d = decisions.Decision(finder="employment-tribunal-decisions", link="/x",
        ...     categories=("unfair-dismissal", "wages"), category_labels=("UD", "Wages"))
        >>> long = decisions.explode(decisions.to_frame([d]), "categories")
        >>> long[["categories", "category_labels"]].values.tolist()
        [['unfair-dismissal', 'UD'], ['wages', 'Wages']]
    """
    if facet not in LISTS or facet not in frame.columns or facet in _LABELS.values():
        raise ConfigurationError(
            f"explode() takes a list facet column: categories, sub_categories or judges, "
            f"not {facet!r}."
        )
    columns = [facet] + ([_LABELS[facet]] if _LABELS.get(facet) in frame.columns else [])
    if len(columns) == 2:
        # Pad labels to their slugs' length, so the two explode together.
        frame = frame.copy()
        frame[columns[1]] = [
            list(labels) + [None] * (len(slugs) - len(labels))
            if isinstance(slugs, list | tuple) and isinstance(labels, list | tuple)
            else labels
            for slugs, labels in zip(frame[facet], frame[columns[1]], strict=True)
        ]
    return frame.explode(columns, ignore_index=True)


# -- reading Search API results -----------------------------------------------------------------


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    """The row with any date or time that does not parse set to ``None``."""
    for name, parse in (
        ("decision_date", date.fromisoformat),
        ("published", datetime.fromisoformat),
        ("updated", datetime.fromisoformat),
    ):
        value = row[name]
        if value is not None:
            try:
                parse(value.replace("Z", "+00:00"))
            except ValueError:
                row[name] = None
    return row


def decision_from_result(
    result: Mapping[str, Any], finder: Finder, reader: RowReader | None = None
) -> Decision:
    """Read one Search API result (or a decision page's metadata) as a :class:`Decision`.

    Pass a ``reader`` of the finder when reading many.

    Example:
        >>> from hmcts_data import decisions
        >>> et = decisions.finder("employment-tribunal")
        >>> decision_from_result({"link": "/x", "tribunal_decision_country": "scotland",
        ...     "tribunal_decision_decision_date": "2024-01-31"}, et).decision_date
        datetime.date(2024, 1, 31)
    """
    return Decision.model_validate(_checked(result_record(result, finder, reader)))
