"""Tell which publication a file looks like, and refuse one read as the wrong publication.

Each publication's fingerprint (its ``fingerprint`` in the registry, ``publications.toml``)
lists the kinds of period its files may hold and, for the monthly MI whose every layout has been
seen, how many of a file's labels its exact crosswalk must know. :func:`check_frame` runs on the
tidy frame a parser returned, so it costs nothing extra to read.

Precision first: the fingerprints of the unseen publications are inferred and kept broad, and a
file is refused only when it fails its own publication's fingerprint **and** fits another's
(that one's periods, and that one's vocabulary reads more of its labels), or when it carries the
observed monthly MI signature. Failing a fingerprint is having none of its periods, or, for a
publication whose reported measures or breakdowns are known (its signature: weekly COVID,
remote hearings, reformed services), no figure of them while another publication's signature
is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal

from hmcts_data._errors import ParseError, ParseTimeoutError
from hmcts_data._registry import FILE as REGISTRY_FILE
from hmcts_data._registry import registry
from hmcts_data._warn import muted

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Fingerprint",
    "check_frame",
    "explain_failure",
    "fingerprints",
    "period_kinds",
]

PeriodKind = Literal["day", "week", "month", "quarter", "year"]
_KINDS: Final = ("day", "week", "month", "quarter", "year")
# Period length in days (inclusive) -> kind; other lengths are of no kind and prove nothing.
_LENGTHS: Final[dict[int, PeriodKind]] = {
    1: "day",
    7: "week",
    **dict.fromkeys(range(28, 32), "month"),
    **dict.fromkeys(range(90, 93), "quarter"),
    365: "year",
    366: "year",
}


@dataclass(frozen=True)
class Fingerprint:
    """What a publication's files look like.

    Attributes:
        publication: Publication id.
        evidence: ``"observed"`` (files seen) or ``"inferred"``.
        periods: Kinds of period its files may hold.
        min_known: Monthly only: labels the exact crosswalk must know for a file to look
            monthly.
        min_share: Monthly only: share of a file's labels the exact crosswalk must know.
        measures: Measures its files are known to report (part of its signature).
        breakdowns: Breakdowns its files are known to report (part of its signature).
    """

    publication: str
    evidence: str
    periods: frozenset[str]
    min_known: int = 0
    min_share: float = 0.0
    measures: frozenset[str] = frozenset()
    breakdowns: frozenset[str] = frozenset()

    @property
    def has_signature(self) -> bool:
        """Whether measures or breakdowns tell its files apart."""
        return bool(self.measures or self.breakdowns)


@cache
def fingerprints() -> dict[str, Fingerprint]:
    """The fingerprint of every publication whose files are read, from the registry (cached).

    Returns:
        Publication id -> fingerprint.

    Raises:
        ParseError: A fingerprint names a measure or breakdown the tidy vocabulary lacks.

    Example:
        >>> sorted(fingerprints()["ad-hoc"].periods)
        ['day', 'week']
    """
    from hmcts_data.tables._schema import vocabulary

    vocab = vocabulary()
    out = {}
    for pid in registry().ids(parsed=True):
        facts = registry().publication[pid].fingerprint
        assert facts is not None  # the registry requires one of every publication read
        for field, known in (("measures", vocab.measure), ("breakdowns", vocab.breakdown)):
            unknown = sorted(set(getattr(facts, field)) - set(known))
            if unknown:
                raise ParseError(
                    f"The publication registry is invalid: [publication.{pid}.fingerprint] "
                    f"{field} {unknown} are not in the tidy vocabulary. Fix the entry in "
                    f"{REGISTRY_FILE}.",
                    file=REGISTRY_FILE,
                )
        out[pid] = Fingerprint(
            pid,
            facts.evidence,
            frozenset(facts.periods),
            facts.min_known,
            facts.min_share,
            frozenset(facts.measures),
            frozenset(facts.breakdowns),
        )
    return out


def period_kinds(frame: pd.DataFrame) -> set[str]:
    r"""The kinds of period in a tidy frame: ``day``, ``week``, ``month``, ``quarter``, ``year``.

    Example:
        >>> import hmcts_data
        >>> raw = b"Month,Civil Claims received\nApr 2024,1\n"
        >>> period_kinds(hmcts_data.read("monthly", raw))
        {'month'}
    """
    return span_kinds(frame["period_start"].to_numpy(), frame["period_end"].to_numpy())


def span_kinds(starts: Any, ends: Any) -> set[str]:
    """The kinds of the periods from ``starts`` to ``ends`` (datetime64 arrays, inclusive).

    Example:
        >>> import numpy as np
        >>> span_kinds(np.array(["2024-04-01"], "M8[D]"), np.array(["2024-04-30"], "M8[D]"))
        {'month'}
    """
    import numpy as np

    days = set(((ends - starts) // np.timedelta64(1, "D") + 1).tolist())
    return {_LENGTHS[int(d)] for d in days if int(d) in _LENGTHS}


def _monthly_share(data: bytes, name: str) -> tuple[int, int]:
    """``(headers the exact monthly crosswalk knows, headers)`` of a sheet headed "Month".

    The monthly signature is a header row: "Month" in column A of the first non-empty row,
    then headers the crosswalk knows (matched as a row, so positional eras match too).
    ``(0, 0)`` when no sheet starts that way.
    """
    from hmcts_data.tables._grid import load_grids
    from hmcts_data.tables._monthly_crosswalk import load_crosswalk, normalise_header

    for grid in load_grids(data, name=name):
        first = next((row for row in grid.rows if any(c is not None for c in row)), None)
        if not first or normalise_header(str(first[0] or "")) != "month":
            continue
        headers = ["" if c is None else str(c) for c in first]
        matches = load_crosswalk().match(headers)[1:]
        return sum(m is not None for m in matches), len(headers) - 1
    return 0, 0


def _looks_monthly(frame: pd.DataFrame, data: bytes, name: str) -> tuple[int, int] | None:
    monthly = fingerprints()["monthly"]
    kinds = period_kinds(frame)
    if not kinds or not kinds <= monthly.periods:
        return None
    known, total = _monthly_share(data, name)
    if total and known >= monthly.min_known and known >= monthly.min_share * total:
        return known, total
    return None


def _classified(publication: str, data: bytes, name: str) -> tuple[pd.DataFrame, int] | None:
    """The file read as ``publication`` and how many figures its crosswalk maps, or None."""
    from hmcts_data.tables import parser_for
    from hmcts_data.tables._schema import Provenance

    try:
        with muted():  # read to tell what the file is: its own warnings are not the point
            got = parser_for(publication)(data, Provenance(publication, name, "0" * 64))
            frame = got.frame()
    except ParseTimeoutError:
        raise  # out of time: not an answer about the file
    except ParseError:
        return None
    return frame, _score(frame)


def _score(frame: pd.DataFrame) -> int:
    """Figures a crosswalk understood: jurisdiction and measure, plus one for a breakdown."""
    mapped = frame["jurisdiction"].notna() & frame["measure"].notna()
    return int(mapped.sum()) + int((mapped & (frame["breakdown"] != "")).sum())


def _refuse(publication: str, looks: list[str], name: str, why: str) -> ParseError:
    which = " or ".join(looks)
    calls = " or ".join(f"hmcts_data.read({p!r}, ...)" for p in looks)
    return ParseError(
        f"{name} does not look like a file of the {publication} publication: it looks like "
        f"a file of the {which} publication{'s' if len(looks) > 1 else ''} ({why}). Read it "
        f"with {calls}, or check that you downloaded the {publication} file.",
        file=name,
    )


def check_frame(publication: str, frame: pd.DataFrame, data: bytes, name: str) -> None:
    """Refuse a file read as ``publication`` that looks like another publication's.

    Args:
        publication: The publication the file was read as.
        frame: The tidy frame its parser returned.
        data: The file's bytes (read again as other publications only when it fails its own
            fingerprint).
        name: File name for messages.

    Raises:
        ParseError: The file carries the monthly MI signature, or its periods fit none of
            ``publication``'s and another publication fits it better; the message names the
            publication it looks like.
    """
    if frame.empty:
        return
    monthly = None if publication == "monthly" else _looks_monthly(frame, data, name)
    if monthly is not None:
        known, total = monthly
        raise _refuse(
            publication,
            ["monthly"],
            name,
            f"headed 'Month', a month per row, and {known} of its {total} headers are "
            "monthly MI headers",
        )
    kinds = period_kinds(frame)
    own = fingerprints()[publication]
    if not kinds or kinds & own.periods:
        _check_signature(publication, frame, data, name, kinds)
        return
    best = _best_others(publication, data, name, kinds)
    if best and best[1] >= _score(frame):
        raise _refuse(
            publication,
            best[0],
            name,
            f"its periods are {_kinds_text(kinds)}, which {publication} files do not hold, "
            f"and the crosswalk of {' or '.join(best[0])} maps as many of its figures",
        )


def _signed(frame: pd.DataFrame, print_: Fingerprint) -> int:
    """Figures of ``frame`` that carry the publication's signature (mapped ones only)."""
    mapped = frame["jurisdiction"].notna() & frame["measure"].notna()
    measure = frame["measure"].astype(object).isin(print_.measures)
    breakdown = frame["breakdown"].astype(object).isin(print_.breakdowns)
    return int((mapped & (measure | breakdown)).sum())


def _check_signature(
    publication: str, frame: pd.DataFrame, data: bytes, name: str, kinds: set[str]
) -> None:
    """Refuse a file that carries none of its publication's signature but another's."""
    own = fingerprints()[publication]
    if not own.has_signature or not kinds or _signed(frame, own):
        return
    mine = _score(frame)
    looks: dict[str, tuple[int, int]] = {}
    for other, print_ in fingerprints().items():
        if other in (publication, "monthly") or not print_.has_signature:
            continue
        if not kinds <= print_.periods:
            continue
        found = _classified(other, data, name)
        if found is None:
            continue
        theirs, score = found
        signed = _signed(theirs, print_)
        if signed and score > mine:
            looks[other] = (score, signed)
    if not looks:
        return
    top = max(score for score, _ in looks.values())
    best = [p for p, (score, _) in looks.items() if score == top]
    said = sorted(own.measures | own.breakdowns)
    signed = max(looks[p][1] for p in best)
    raise _refuse(
        publication,
        best,
        name,
        f"none of its figures is of what {publication} files report ({', '.join(said)}), "
        f"while read as {' or '.join(best)} {signed} of its {len(frame)} figures are of what "
        f"{'that publication reports' if len(best) == 1 else 'those publications report'}",
    )


def _kinds_text(kinds: set[str]) -> str:
    return " and ".join(f"{k}s" for k in sorted(kinds))


def _best_others(
    publication: str, data: bytes, name: str, kinds: set[str]
) -> tuple[list[str], int] | None:
    """The other publications whose periods fit ``kinds`` and that map the most figures."""
    scores = {}
    for other, print_ in fingerprints().items():
        if other in (publication, "monthly") or not kinds <= print_.periods:
            continue
        found = _classified(other, data, name)
        if found is not None and found[1] > 0:
            scores[other] = found[1]
    if not scores:
        return None
    top = max(scores.values())
    return [p for p, n in scores.items() if n == top], top


def explain_failure(publication: str, data: bytes, name: str) -> ParseError | None:
    """Why a file its publication's parser refused may be another publication's file.

    Used when a parser fails: the file is read as each other publication, and the ones whose
    periods fit and whose crosswalk maps the most figures are named.

    Returns:
        A :class:`ParseError` naming the publication the file looks like, or ``None``.
    """
    scores: dict[str, tuple[int, set[str]]] = {}
    for other, print_ in fingerprints().items():
        if other == publication:
            continue
        found = _classified(other, data, name)
        if found is None:
            continue
        frame, score = found
        kinds = period_kinds(frame)
        if score and kinds and kinds <= print_.periods:
            scores[other] = (score, kinds)
    if not scores:
        return None
    top = max(n for n, _ in scores.values())
    looks = [p for p, (n, _) in scores.items() if n == top]
    kinds = set().union(*(scores[p][1] for p in looks))
    return _refuse(
        publication,
        looks,
        name,
        f"its periods are {_kinds_text(kinds)} and the crosswalk of {' or '.join(looks)} "
        "maps its figures",
    )
