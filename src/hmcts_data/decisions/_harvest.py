"""A whole finder as a frame: split by publication dates, fetched concurrently, checked, resumable.

How deep the Search API lets one query page is not known, so no query here pages past a small
bound: the finder is split into spans of publication days, each span's first page says how
many decisions it holds, and a span holding more than the bound is split again. Pages are
fetched on a few threads; the client's rate limiter keeps all of them within GOV.UK's budget.

Nothing is taken on trust. A span is done only when its pages agree on its total and hold that
many different decisions; otherwise it is split (smaller spans need fewer pages) or fetched
again, a bounded number of times, then the harvest fails saying which span and why. A refused
or empty page before the total is reached lowers the paging bound and splits the span. At the
end the decisions found must number what the Search API says the finder holds; spans whose
totals moved meanwhile are fetched again. Each finished span is stored at once, so an
interrupted harvest resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hmcts_data._cancel import Cancel
from hmcts_data._errors import (
    ConfigurationError,
    DownloadError,
    NetworkError,
    OfflineError,
    ParseError,
    StaleDataWarning,
)
from hmcts_data._progress import ProgressCallback, Reporter, reporter
from hmcts_data._warn import warn
from hmcts_data.decisions._finders import Finder, finder, search_facts
from hmcts_data.decisions._rows import RowReader, Rows
from hmcts_data.decisions._search import (
    PUBLISHED,
    DateLike,
    Page,
    Query,
    fetch_body,
    fetch_page,
    first_page,
    missing_attributes,
    parse_body,
    read_page,
    warn_missing,
)
from hmcts_data.decisions._store import Journal, Manifest, Store

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data._client import Client

__all__ = ["HarvestPlan", "harvest"]

logger = logging.getLogger("hmcts_data")

#: Times a span is fetched again (or split) before the harvest gives up on it.
_ATTEMPTS = 4
#: Spans fetched again (or split after a bad answer) in one run, plus one per ten spans done.
_RETRIES = 12
#: Rounds of re-counting spans when the whole does not add up.
_ROUNDS = 3
#: A span is split into parts expected to fill this share of the paging bound.
_FILL = 0.6
_EARLIEST = date(1990, 1, 1)
#: Decision dates a bulk publication day is split across: decided long before publication.
_EARLIEST_DECIDED = date(1950, 1, 1)
_DECIDED_AFTER = timedelta(days=31)


class HarvestError(DownloadError):
    """The Search API's answers could not be made to add up (internal name; a DownloadError)."""


@dataclass(frozen=True, order=True)
class Span:
    """Publication days ``start`` to ``end``, both included; within them, maybe decision days.

    A single publication day holding more decisions than one query may page through (a bulk
    publication) is split again by decision date (``decided_from`` to ``decided_to``).
    """

    start: date
    end: date
    decided_from: date | None = None
    decided_to: date | None = None

    @property
    def key(self) -> str:
        key = f"{self.start.isoformat()}..{self.end.isoformat()}"
        if self.decided_from is not None and self.decided_to is not None:
            key += f"@{self.decided_from.isoformat()}..{self.decided_to.isoformat()}"
        return key

    @classmethod
    def parse(cls, key: str) -> Span:
        published, _, decided = key.partition("@")
        a, _, b = published.partition("..")
        if not decided:
            return cls(date.fromisoformat(a), date.fromisoformat(b))
        c, _, d = decided.partition("..")
        return cls(
            date.fromisoformat(a),
            date.fromisoformat(b),
            date.fromisoformat(c),
            date.fromisoformat(d),
        )

    @property
    def days(self) -> int:
        """Publication days."""
        return (self.end - self.start).days + 1

    @property
    def splittable(self) -> bool:
        """Whether it can be split further (by publication days, else by decision days)."""
        if self.days > 1 or self.decided_from is None:
            return True
        assert self.decided_to is not None
        return self.decided_to > self.decided_from

    def param(self) -> str:
        return f"from:{self.start.isoformat()},to:{self.end.isoformat()}"

    def decided_param(self) -> str | None:
        if self.decided_from is None or self.decided_to is None:
            return None
        return f"from:{self.decided_from.isoformat()},to:{self.decided_to.isoformat()}"

    def split(self, parts: int) -> list[Span]:
        if self.days == 1 and self.decided_from is None:
            # One day of publication: split by decision date, which can be years earlier.
            return Span(self.start, self.end, _EARLIEST_DECIDED, self.end + _DECIDED_AFTER).split(
                parts
            )
        by_decision = self.days == 1 and self.decided_from is not None
        if by_decision:
            assert self.decided_from is not None
            assert self.decided_to is not None
            lo, hi = self.decided_from, self.decided_to
        else:
            lo, hi = self.start, self.end
        days = (hi - lo).days + 1
        parts = max(2, min(parts, days))
        width = days / parts
        edges = [lo + timedelta(days=round(i * width)) for i in range(parts + 1)]
        pieces = [
            (edges[i], edges[i + 1] - timedelta(days=1))
            for i in range(parts)
            if edges[i + 1] > edges[i]
        ]
        if by_decision:
            return [Span(self.start, self.end, a, b) for a, b in pieces]
        return [Span(a, b) for a, b in pieces]


@dataclass
class HarvestPlan:
    """Settings of one harvest (internal)."""

    page_size: int
    bound: int
    workers: int


@dataclass
class _Fetched:
    """One page as a harvest keeps it: its total, how many results it held, their rows."""

    total: int
    url: str
    count: int
    first_day: date | None
    raw: bytes
    rows: Rows | None
    #: The results, when they were not read into rows yet (a first page that may be split).
    results: list[Mapping[str, Any]] = field(default_factory=list)


@dataclass
class _SpanState:
    span: Span
    generation: int
    total: int = -1
    pages_due: int = 0
    totals: set[int] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    parts: list[Rows] = field(default_factory=list)
    raws: list[bytes] = field(default_factory=list)
    received: int = 0
    attempts: int = 0
    refused_at: int | None = None


class _Run:
    """One harvest run: a pool of page fetches and the spans they belong to."""

    def __init__(
        self,
        client: Client,
        query: Query,
        *,
        plan: HarvestPlan,
        fields: tuple[str, ...],
        store: Store,
        journal: Journal,
        report: Callable[[int, int | None], None],
        arrow: bool,
    ) -> None:
        self.client = client
        self.query = query
        self.plan = plan
        self.fields = fields
        self.store = store
        self.journal = journal
        self.report = report
        #: Decisions in each finished span.
        self.done: dict[str, int] = {}
        #: Each finished span's rows.
        self.rows: dict[str, Rows] = {}
        self.states: dict[Span, _SpanState] = {}
        #: Pages being fetched, then read: their span, start and the span's generation.
        self.pending: dict[Future[Any], tuple[Span, int, int]] = {}
        self.order: dict[Future[Any], int] = {}
        self.reads: set[Future[Any]] = set()
        self.pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="harvest")
        # Pages are read into rows as they arrive, on threads of their own, so that fetching
        # never waits for reading: a span's first page (its total decides what to fetch next)
        # on one, the others on another. Each holds one page's decoded results at a time.
        self.readers = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest-first"),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest-read"),
        )
        # Ctrl-C (or an error) stops the pages being fetched at once, not at their deadline.
        self.cancel = Cancel()
        self.expected: int | None = None
        self.resumed = False
        self.retries = 0
        self.spans = 0
        self.reader = RowReader(query.finder)
        #: Whether pages are made arrow tables as they are read (pyarrow is installed).
        self.arrow = arrow

    # -- fetching ---------------------------------------------------------------------------

    def _submit(self, span: Span, start: int, generation: int) -> None:
        params = _query_for(self.query, span).params(
            count=self.plan.page_size, start=start, fields=self.fields
        )
        future = self.pool.submit(self.cancel.run, fetch_body, self.client, params)
        self.pending[future] = (span, start, generation)
        self.order[future] = len(self.order)

    def _read_later(self, fetch: Future[tuple[str, bytes]], url: str, body: bytes) -> None:
        """Read a fetched page into rows on a reader thread (the fetch's place in the queue)."""
        span, start, generation = self.pending[fetch]
        read = self.readers[0 if start == 0 else 1].submit(self._parse, url, body)
        self.pending[read] = (span, start, generation)
        self.order[read] = self.order.pop(fetch)
        self.reads.add(read)

    def _parse(self, url: str, body: bytes) -> _Fetched:
        return self.fetched(parse_body(body, url))

    def fetched(self, page: Page, *, read: bool = True) -> _Fetched:
        """What the harvest keeps of a page: its rows (read now, or when they are needed)."""
        results = page.results
        return _Fetched(
            total=page.total,
            url=page.url,
            count=len(results),
            first_day=_day_of(results[0]) if results else None,
            raw=page.raw,
            rows=self._read(results) if read else None,
            results=[] if read else results,
        )

    def _read(self, results: Sequence[Mapping[str, Any]]) -> Rows:
        return Rows.read(results[: self.plan.page_size], self.reader, arrow=self.arrow)

    def open(self, span: Span, first: _Fetched | None = None) -> None:
        """Start a span: from the run's stored parts or splits if resumed, else its first page."""
        if self.resumed:
            rows = self._stored(span)
            if rows is not None:
                self._finish(span, rows, stored=True)
                return
        if span.key in self.journal.split and first is None:
            for child in self.journal.split[span.key]:
                self.open(Span.parse(child))
            return
        old = self.states.get(span)
        state = _SpanState(span, generation=(old.generation + 1) if old else 0)
        state.attempts = old.attempts if old else 0
        self.states[span] = state
        if first is not None:
            self._first(state, first)
        else:
            self._submit(span, 0, state.generation)

    def _stored(self, span: Span) -> Rows | None:
        """A span this run finished before it was interrupted, read back from its pages."""
        found = self.store.part(self.journal, span.key)
        if found is None:
            return None
        count, pages = found
        results: dict[str, Mapping[str, Any]] = {}
        try:
            for payload in pages:
                page = read_page(payload, "a stored part of a harvest")
                for result in page.results[: self.plan.page_size]:
                    results.setdefault(str(result["link"]), result)
        except ParseError:
            return None
        return self._read(list(results.values())) if len(results) == count else None

    def run(self) -> dict[str, int]:
        """Fetch until every span is done; return how many decisions each span holds."""
        try:
            while self.pending:
                finished, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
                failure: DownloadError | None = None
                # In the order they were asked for; a failure is raised after the others of
                # the batch, and the pages already fetched, are kept, so a resumed run has as
                # much as possible.
                for future in sorted(finished, key=lambda f: self.order[f]):
                    failure = self._handle(future, failure)
                if failure is not None:
                    self._drain()
                    raise failure
        except BaseException:
            for future in self.pending:
                future.cancel()
            self.cancel.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            for reader in self.readers:
                reader.shutdown(wait=True, cancel_futures=True)
            self.store.close()  # what finished is kept for a resumed run
            raise
        self.pool.shutdown(wait=True)
        for reader in self.readers:
            reader.shutdown(wait=True)
        return self.done

    def _handle(
        self, future: Future[Any], failure: DownloadError | None, *, fetch: bool = True
    ) -> DownloadError | None:
        """Take a finished fetch (its page goes to be read) or read; return the first failure."""
        span, start, generation = self.pending[future]
        state = self.states.get(span)
        if state is None or state.generation != generation:
            self._forget(future)
            return failure
        if future not in self.reads:
            try:
                url, body = future.result()
            except DownloadError as exc:
                self._forget(future)
                deep = start > 0 and exc.status is not None
                if deep and not isinstance(exc, NetworkError):
                    self._refused(state, start, str(exc))
                    return failure
                return failure or exc
            if fetch:
                self._read_later(future, url, body)
            del self.pending[future]
            return failure
        self._forget(future)
        page = future.result()  # a page that is not a Search API page is an error
        if start == 0:
            self._first(state, page)
        else:
            self._page(state, start, page)
        return failure

    def _drain(self) -> None:
        """After a failure: read the pages already fetched, keeping the spans they finish."""
        self.cancel.cancel()
        while self.reads:
            finished, _ = wait(list(self.reads), return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: self.order[f]):
                self._handle(future, None, fetch=False)

    def _forget(self, future: Future[Any]) -> None:
        del self.pending[future]
        self.order.pop(future, None)
        self.reads.discard(future)

    # -- spans ------------------------------------------------------------------------------

    def _first(self, state: _SpanState, page: _Fetched) -> None:
        state.total = page.total
        state.totals = {page.total}
        span = state.span
        if page.total and not page.count:
            self._retry(state, f"its first page was empty but its total {page.total}", split=False)
            return
        if page.total > self.plan.bound or (
            state.refused_at is not None and page.total > state.refused_at
        ):
            self._split(state, page)
            return
        self._add(state, page)
        state.raws.append(page.raw)
        state.pages_due = max(0, math.ceil(page.total / self.plan.page_size) - 1)
        for n in range(1, state.pages_due + 1):
            self._submit(span, n * self.plan.page_size, state.generation)
        if state.pages_due == 0:
            self._check(state)

    def _page(self, state: _SpanState, start: int, page: _Fetched) -> None:
        state.totals.add(page.total)
        if not page.count and start < state.total:
            self._refused(state, start, "an empty page before the total was reached")
            return
        self._add(state, page)
        state.raws.append(page.raw)
        state.pages_due -= 1
        if state.pages_due == 0:
            self._check(state)

    def _add(self, state: _SpanState, page: _Fetched) -> None:
        rows = self._read(page.results) if page.rows is None else page.rows
        seen = state.links
        keep = []
        for i, link in enumerate(rows.links):
            if link not in seen:  # a decision a page before repeated (the first one is kept)
                seen.add(link)
                keep.append(i)
        state.parts.append(rows if len(keep) == len(rows) else rows.take(keep))
        state.received += page.count

    def _refused(self, state: _SpanState, start: int, why: str) -> None:
        """A page at ``start`` is not served: page no deeper than that from now on."""
        span = state.span
        if start < self.plan.bound:
            logger.info(
                "the Search API refused a page at start=%d (%s); paging no deeper than %d",
                start,
                why,
                start,
            )
            self.plan.bound = max(self.plan.page_size, start)
        if not span.splittable:
            raise HarvestError(
                f"The Search API would not serve {self.query.finder.id} decisions published "
                f"on {span.start} and decided on {span.decided_from} past result {start} "
                f"({why}), and they cannot be split further. Try again later; what was fetched "
                "is kept for the next run.",
                url=self.client.url_for("/api/search.json"),
            )
        state.refused_at = start
        self._retry(state, why, split=True)

    def _split(self, state: _SpanState, page: _Fetched) -> None:
        span = state.span
        if not span.splittable:
            raise HarvestError(
                f"{page.total} {self.query.finder.id} decisions were published on "
                f"{span.start} and decided on {span.decided_from}, more than one query pages "
                f"through ({self.plan.bound}); they cannot be split further by date. If the "
                "Search API pages deeper, raise harvest(max_depth=...).",
                url=page.url,
            )
        first_day = page.first_day
        lower = span.start
        if first_day is not None and span.start < first_day <= span.end and span.days > 1:
            # The first page (oldest first) shows where the decisions begin; the days before
            # are not asked for (if any decision hid there, the final count would show it).
            lower = first_day
        parts = math.ceil(page.total / (self.plan.bound * _FILL))
        children = Span(lower, span.end, span.decided_from, span.decided_to).split(parts)
        self.spans += len(children)
        if self.expected is not None and self.spans > 64 + 4 * self.expected / (
            self.plan.bound * _FILL
        ):
            raise HarvestError(
                f"Splitting the {self.query.finder.id} decisions by publication date made "
                f"{self.spans} parts for {self.expected} decisions: the Search API's totals do "
                "not shrink with the date range as they should. Nothing was guessed; try again "
                "later (what was fetched is kept).",
                url=page.url,
            )
        self.journal.split[span.key] = [c.key for c in children]
        self.store.save_journal(self.journal)
        self.states.pop(span, None)
        logger.debug("splitting %s (%d) into %d spans", span.key, page.total, len(children))
        for child in children:
            self.open(child)

    def _check(self, state: _SpanState) -> None:
        problems = []
        if len(state.totals) > 1:
            problems.append(f"its total changed while paging ({sorted(state.totals)})")
        if len(state.links) != state.total and not problems:
            problems.append(
                f"{len(state.links)} different decisions came of the {state.total} it holds "
                f"({state.received - len(state.links)} duplicates)"
            )
        if not problems:
            self._finish(state.span, Rows.join(state.parts), state.raws)
            return
        self._retry(state, "; ".join(problems), split=state.total > self.plan.page_size)

    def _retry(self, state: _SpanState, why: str, *, split: bool) -> None:
        span = state.span
        state.attempts += 1
        self.retries += 1
        if state.attempts >= _ATTEMPTS or self.retries > _RETRIES + len(self.done) // 10:
            raise HarvestError(
                f"The Search API's answers for {self.query.finder.id} decisions published "
                f"{span.start}..{span.end} did not add up after {_ATTEMPTS} tries: {why}. "
                "Nothing was guessed; try again later (what was fetched is kept).",
                url=self.client.url_for("/api/search.json"),
            )
        logger.info("fetching %s again: %s", span.key, why)
        if split and span.splittable:
            children = span.split(2)
            self.journal.split[span.key] = [c.key for c in children]
            self.store.save_journal(self.journal)
            self.states.pop(span, None)
            for child in children:
                self.open(child)
                if child in self.states:
                    self.states[child].attempts = state.attempts
                    self.states[child].refused_at = state.refused_at
            return
        self.open(span)

    def _finish(
        self,
        span: Span,
        rows: Rows,
        raws: list[bytes] | None = None,
        *,
        stored: bool = False,
    ) -> None:
        self.states.pop(span, None)
        # In order now, while other pages are in flight: the spans then join in order.
        rows = rows.take(rows.order())
        if not stored:
            # Its own entry, complete or absent: a resumed run finds it by the span.
            self.store.later(self.store.save_part, self.journal, span.key, len(rows), raws or [])
        self.journal.done[span.key] = len(rows)
        self.done[span.key] = len(rows)
        self.rows[span.key] = rows
        self.report(sum(self.done.values()), self.expected)


class _Counting:
    """Progress in decisions (not bytes): a tqdm bar, else an INFO line at most once a second."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Any = None
        self._last = 0.0
        self._done = 0
        try:
            from tqdm.auto import tqdm

            self._bar = tqdm(desc=label, unit=" decisions")
        except ImportError:
            pass

    def update(self, done: int, total: int | None) -> None:
        if self._bar is not None:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.update(done - self._done)
        elif time.monotonic() - self._last >= 1.0:
            self._last = time.monotonic()
            logger.info("%s: %d of %s", self._label, done, total if total else "?")
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _reporter(progress: ProgressCallback | bool | None, *, label: str) -> Reporter:
    return _Counting(label) if progress is True else reporter(progress, label=label)


def _query_for(query: Query, span: Span) -> Query:
    """The query asking for one span's decisions."""
    return dataclasses.replace(
        query.with_published(span.param()), decided=span.decided_param() or query.decided
    )


def _day_of(result: Mapping[str, Any]) -> date | None:
    value = result.get(PUBLISHED)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _since_day(since: DateLike) -> date:
    if isinstance(since, datetime):
        return (since.astimezone(UTC) if since.tzinfo else since).date()
    if isinstance(since, date):
        return since
    try:
        return date.fromisoformat(str(since).strip()[:10])
    except ValueError:
        raise ConfigurationError(
            f"since: {since!r} is not a date. Give a date, a datetime or 'YYYY-MM-DD'."
        ) from None


def _imports() -> bool:
    """Import what reading and storing a harvest needs; return whether pyarrow is installed."""
    import pandas  # noqa: F401

    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _merge(rows: Mapping[str, Rows]) -> Rows:
    """The spans' rows, oldest update first; a decision seen twice (moved) keeps its newest."""
    if not rows:
        return Rows.empty()
    joined = Rows.join([rows[k] for k in sorted(rows)])
    return joined.take(joined.order())  # the usual case: in order already, nothing moved


def _fetch(
    client: Client,
    target: Finder,
    *,
    since: date | None,
    plan: HarvestPlan,
    store: Store,
    progress: ProgressCallback | bool | None,
) -> tuple[Rows, Journal, tuple[str, ...]]:
    """Fetch every decision published or updated from ``since`` (all when ``None``).

    Returns:
        The decisions' rows (oldest update first), the run's journal and the fields asked.
    """
    query = Query(target, order=PUBLISHED)
    since_key = since.isoformat() if since else None
    journal = store.journal()
    if journal is not None and journal.since != since_key:
        store.end_run(journal)
        journal = None
    resumed = journal is not None
    today = datetime.now(UTC).date() + timedelta(days=1)
    root = Span(min(since or _EARLIEST, today), today)
    if journal is not None and journal.split.get("root"):
        root = Span.parse(journal.split["root"][0])
    bar = _reporter(progress, label=f"{target.id} decisions")
    # What reading and storing the pages needs is imported while the first page is fetched.
    importing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest-import")
    arrow = importing.submit(_imports)
    importing.shutdown(wait=False)
    try:
        first: Page | None = None
        if journal is None:
            started = datetime.now(UTC)
            first, fields = first_page(
                client,
                query.with_published(root.param()),
                count=plan.page_size,
                cached=False,
            )
            journal = Journal(started=started, since=since_key, fields=fields)
            journal.split["root"] = [root.key]
            store.save_journal(journal)
        else:
            logger.info(
                "resuming the %s harvest started %s (%d spans done)",
                target.id,
                journal.started,
                len(journal.done),
            )
        run = _Run(
            client,
            query,
            plan=plan,
            fields=journal.fields,
            store=store,
            journal=journal,
            report=bar.update,
            arrow=arrow.result(),
        )
        if first is not None:
            run.expected = first.total
        run.resumed = resumed
        # A resumed run has the root's split in its journal; a fresh one its first page (read
        # into rows only if it is not split).
        run.open(root, None if first is None else run.fetched(first, read=False))
        for _ in range(_ROUNDS):
            parts = run.run()
            merged = _merge(run.rows)
            if run.expected is not None and len(merged) == run.expected == sum(parts.values()):
                # Each span held what it said, the spans add up to the total of the first
                # page, and no decision came twice: nothing was published, withdrawn or moved
                # between spans meanwhile (any of those breaks one of the equalities), so no
                # second count is needed.
                return merged, journal, journal.fields
            check = fetch_page(
                client, query.with_published(root.param()).params(count=0), cached=False
            )
            if len(merged) == check.total:
                return merged, journal, journal.fields
            logger.info(
                "%d %s decisions found, the Search API now says %d: counting each span again",
                len(merged),
                target.id,
                check.total,
            )
            run = _recount(  # its expected total is unknown: the next round counts again
                client,
                query,
                plan=plan,
                store=store,
                journal=journal,
                parts=parts,
                rows=run.rows,
                report=bar.update,
            )
        raise HarvestError(
            f"{len(merged)} {target.id} decisions were found but the Search API says it holds "
            f"{check.total}, after {_ROUNDS} rounds of counting again. Some decisions may lack "
            "a publication date the Search API can filter on. Nothing was guessed; try again "
            f"later (resumed: {resumed}).",
            url=check.url,
        )
    finally:
        bar.close()


def _recount(
    client: Client,
    query: Query,
    *,
    plan: HarvestPlan,
    store: Store,
    journal: Journal,
    parts: Mapping[str, int],
    rows: Mapping[str, Rows],
    report: Callable[[int, int | None], None],
) -> _Run:
    """A run that fetches again the spans whose totals changed (counted with count=0)."""
    run = _Run(
        client,
        query,
        plan=plan,
        fields=journal.fields,
        store=store,
        journal=journal,
        report=report,
        arrow=_imports(),
    )
    spans = [Span.parse(k) for k in parts]
    with ThreadPoolExecutor(max_workers=plan.workers) as pool:
        counts = list(
            pool.map(
                lambda s: (
                    fetch_page(client, _query_for(query, s).params(count=0), cached=False).total
                ),
                spans,
            )
        )
    for span, found in zip(spans, counts, strict=True):
        if found == parts[span.key]:
            run.done[span.key] = parts[span.key]
            run.rows[span.key] = rows[span.key]
            continue
        journal.done.pop(span.key, None)
        run.open(span)
    return run


def harvest(
    finder_id: str | Finder,
    *,
    since: DateLike = None,
    full: bool = False,
    max_depth: int | None = None,
    workers: int = 8,
    progress: ProgressCallback | bool | None = None,
    client: Client | None = None,
) -> pd.DataFrame:
    """Fetch a whole finder as a frame, one row per decision, kept in the cache.

    The first harvest fetches every decision; later ones ask only for decisions published or
    updated since the last harvest began (at most 3 requests when nothing changed), merge
    them in, and check the result against the number the Search API reports. The work is split
    by publication dates so no query pages deeper than ``max_depth``; pages are fetched on
    ``workers`` threads within the client's rate limit. An interrupted harvest resumes without
    fetching again the parts it finished. The harvest is stored as parquet when pyarrow is
    installed (JSON lines otherwise).

    Offline, the stored harvest is returned; if a refresh fails on the network, too, with a
    :class:`~hmcts_data.StaleDataWarning`.

    Args:
        finder_id: A finder id, slug, base path or document type (see :func:`finders`).
        since: Only decisions published or updated on or after this day (UTC) are fetched
            and returned; the stored harvest is neither used nor replaced.
        full: Fetch everything again instead of updating the stored harvest.
        max_depth: Deepest result one query may page to (default: the packaged bound of
            6,000; the Search API's own limit is not known). Lowered by itself when a deeper
            page is refused.
        workers: Pages fetched at once (the rate limit still applies to all of them).
        progress: ``True`` (a bar or log lines), a callable ``(decisions_so_far, total)``,
            or ``None``.
        client: The client to use; ``None`` shares the default client.

    Returns:
        The decisions (columns as :func:`to_frame`), oldest update first.
        ``frame.attrs`` holds ``finder``, ``harvested_at`` and ``total``.

    Raises:
        NotFoundError: Unknown finder.
        ConfigurationError: A bad ``since``, ``max_depth`` or ``workers``.
        OfflineError: Offline with no stored harvest.
        DownloadError: The Search API failed, or its answers did not add up after retries
            (the message says where; what was fetched is kept for the next run).

    Example:
        >>> from hmcts_data import decisions
        >>> frame = decisions.harvest("employment-tribunal", progress=True)  # doctest: +SKIP
        >>> frame.groupby(frame.decision_date.dt.year).size()  # doctest: +SKIP
    """
    target = finder(finder_id)
    facts = search_facts()
    bound = facts.depth_bound if max_depth is None else max_depth
    if bound < 1:
        raise ConfigurationError(f"max_depth must be at least 1, not {max_depth}.")
    if not 1 <= workers <= 64:
        raise ConfigurationError(f"workers must be between 1 and 64, not {workers}.")
    page_size = min(facts.max_page_size, bound)
    plan = HarvestPlan(page_size=page_size, bound=max(bound, page_size), workers=workers)
    from hmcts_data._client import using_client

    with using_client(client) as active:
        store = Store(active, target.id)
        try:
            if since is not None:
                day = _since_day(since)
                found, _, fields = _fetch(
                    active, target, since=day, plan=plan, store=store, progress=progress
                )
                journal = store.journal()
                if journal is not None:
                    store.end_run(journal)
                warn_missing(target, missing_attributes(target, fields))
                frame = found.frame()  # oldest update first
                frame.attrs.update({"finder": target.id, "harvested_at": None, "total": len(frame)})
                return frame
            stored = None if full else store.frame()
            if active.settings.offline:
                if stored is None:
                    raise OfflineError(
                        f"Offline mode is on and no harvest of {target.id!r} decisions is in the "
                        f"cache ({active.cache.root}). Harvest once with the network (unset "
                        "HMCTS_DATA_OFFLINE, drop --offline).",
                        url=active.url_for("/api/search.json"),
                    )
                return _with_attrs(stored[1], target, stored[0])
            try:
                return _refresh(
                    active, target, plan=plan, store=store, stored=stored, progress=progress
                )
            except (NetworkError, DownloadError) as exc:
                if stored is None or isinstance(exc, HarvestError):
                    raise
                manifest, frame = stored
                warn(
                    f"Could not refresh the {target.id} decisions ({exc}). Using the harvest "
                    f"stored in the cache, begun {manifest.started:%Y-%m-%d %H:%M} UTC; it may "
                    "be out of date.",
                    StaleDataWarning,
                    stacklevel=3,
                )
                return _with_attrs(frame, target, manifest)

        finally:
            store.close()  # the run's writes (journal, parts) are on disk


def _refresh(
    client: Client,
    target: Finder,
    *,
    plan: HarvestPlan,
    store: Store,
    stored: tuple[Manifest, pd.DataFrame] | None,
    progress: ProgressCallback | bool | None,
) -> pd.DataFrame:
    if stored is not None:
        import pandas as pd

        manifest, frame = stored
        found, journal, fields = _fetch(
            client,
            target,
            since=manifest.started.date(),
            plan=plan,
            store=store,
            progress=progress,
        )
        changed = found.frame()
        before = frame.set_index("link")["updated"].reindex(changed["link"]).to_numpy()
        news = changed[before != changed["updated"].to_numpy()]  # new, or updated since
        kept = frame[~frame["link"].isin(news["link"])]
        merged = pd.concat([kept, news], ignore_index=True) if len(news) else frame
        check = fetch_page(client, Query(target).params(count=0), cached=False)
        if len(merged) == check.total:
            logger.info(
                "%s: %d decisions (%d new), %d published or updated since %s",
                target.id,
                len(merged),
                len(merged) - len(frame),
                len(news),
                manifest.started,
            )
            if news.empty:
                # Checked up to now: the next harvest asks only from this one's start.
                manifest = manifest.model_copy(
                    update={"started": journal.started, "finished": datetime.now(UTC)}
                )
                store.renew(manifest)
                store.end_run(journal)
                return _with_attrs(frame, target, manifest)
            result = _store(store, target, journal, merged, fields)
            store.end_run(journal)
            return result
        logger.info(
            "the stored %s harvest and the update make %d decisions but the Search API says %d "
            "(some were withdrawn?): harvesting it all again",
            target.id,
            len(merged),
            check.total,
        )
        store.end_run(journal)
    found, journal, fields = _fetch(
        client, target, since=None, plan=plan, store=store, progress=progress
    )
    frame = _store(store, target, journal, found, fields)
    store.end_run(journal)
    return frame


def _store(
    store: Store,
    target: Finder,
    journal: Journal,
    found: Rows | pd.DataFrame,
    fields: tuple[str, ...],
) -> pd.DataFrame:
    """Store a harvest: rows as fetched (in order already), or a frame merged with them."""
    if isinstance(found, Rows):
        rows: Rows | None = found
        frame = found.frame()
    else:
        rows = None
        frame = found.sort_values(["updated", "link"], kind="stable", ignore_index=True)
    manifest = Manifest(
        finder=target.id,
        started=journal.started,
        finished=datetime.now(UTC),
        count=len(frame),
        total=len(frame),
        format="",
        fields=fields,
    )
    manifest = store.save(manifest, frame, rows)
    warn_missing(target, missing_attributes(target, fields))
    return _with_attrs(frame, target, manifest)


def _with_attrs(frame: pd.DataFrame, target: Finder, manifest: Manifest) -> pd.DataFrame:
    frame.attrs.update(
        {"finder": target.id, "harvested_at": manifest.started, "total": manifest.total}
    )
    return frame
