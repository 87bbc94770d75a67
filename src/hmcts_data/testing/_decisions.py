"""A SYNTHETIC corpus of tribunal decisions served by :class:`FakeGovUK`, like GOV.UK's finders.

:func:`build_decisions_site` serves the six finders' Content API pages, a Search API over the
corpus (``count``, ``start``, ``order``, ``fields``, ``q``, facet and date filters,
``aggregate_<field>``) for queries filtered to a finder's document type (any other query goes
to the server's own Search API, so a catalogue site can be served alongside), each
decision's Content API page and its PDF. The Search API can misbehave on demand: a cap on
paging depth, latency, results shifted across page boundaries (duplicates on one page, a gap
on another), endless pages, and a hook run before each search (to publish or withdraw
decisions mid-harvest). Every decision, name and date is invented.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from hmcts_data.decisions._finders import Finder, finder, finders
from hmcts_data.testing._server import FakeGovUK, Mounted, search_window

__all__ = ["DecisionsSite", "build_decisions_site"]

_SEARCH = "/api/search.json"
_JSON = "application/json; charset=utf-8"
_CORE = {
    "title", "link", "description", "public_timestamp", "first_published_at", "format",
    "content_store_document_type", "organisations", "document_type",
}  # fmt: skip
#: Where each finder's synthetic decisions start (its coverage; the rest is invented).
_STARTS = {
    "employment-tribunal-decisions": date(2017, 2, 1),
    "employment-appeal-tribunal-decisions": date(2018, 1, 1),
    "tax-and-chancery-tribunal-decisions": date(2016, 1, 1),
    "administrative-appeals-tribunal-decisions": date(2016, 1, 1),
    "residential-property-tribunal-decisions": date(2018, 12, 1),
    "asylum-support-tribunal-decisions": date(2012, 1, 1),
}
_DEFAULT_SIZES = {
    "employment-tribunal-decisions": 24000,
    "employment-appeal-tribunal-decisions": 900,
    "tax-and-chancery-tribunal-decisions": 500,
    "administrative-appeals-tribunal-decisions": 700,
    "residential-property-tribunal-decisions": 3800,
    "asylum-support-tribunal-decisions": 100,
}
_NAMES = ("Khan", "Smith", "Jones", "Patel", "Taylor", "Brown", "Wilson", "Evans", "Okafor")
_FIRMS = ("Acme Ltd", "Northwind plc", "Borough Council", "Care Homes Ltd", "Logistics LLP")
_PDF = b"%PDF-1.4\n% SYNTHETIC decision for tests\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


@dataclass
class DecisionsSite:
    """The SYNTHETIC decisions corpus a :class:`FakeGovUK` serves, and its misbehaviour.

    Set the attributes at any time; they apply from the next request.

    Attributes:
        fake: The server.
        max_depth: Deepest result a query may page to (``start + count``); ``None`` for no
            cap. Deeper pages get ``deep_answer``.
        deep_answer: ``"422"`` or ``"500"`` (an error status), or ``"empty"`` (no results).
        latency: Seconds each Search API answer waits before it is sent.
        shift: Results shifted across page boundaries: each page after the first starts
            ``shift`` results early, so they come twice and as many never come.
        endless: Pages never run out: the total always promises one more page.
        unsupported_fields: Fields the Search API refuses (HTTP 422) in ``fields=``.
        before_search: Called with each Search API query before it is answered (a test can
            publish or withdraw decisions mid-harvest).

    Example:
        >>> from hmcts_data.testing import FakeGovUK, build_decisions_site
        >>> with FakeGovUK() as fake:
        ...     site = build_decisions_site(fake, sizes={"employment-tribunal": 50})
        ...     len(site.links("employment-tribunal"))
        50
    """

    fake: FakeGovUK = field(repr=False)
    max_depth: int | None = None
    deep_answer: Literal["422", "500", "empty"] = "422"
    latency: float = 0.0
    shift: int = 0
    endless: bool = False
    unsupported_fields: frozenset[str] = frozenset()
    before_search: Callable[[Mapping[str, list[str]]], None] | None = field(
        default=None, repr=False
    )
    _finders: dict[str, Finder] = field(repr=False, default_factory=dict)
    _docs: dict[str, list[dict[str, Any]]] = field(repr=False, default_factory=dict)
    _keys: dict[str, list[str]] = field(repr=False, default_factory=dict)
    _by_link: dict[str, dict[str, Any]] = field(repr=False, default_factory=dict)
    _lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    _rng: random.Random = field(repr=False, default_factory=lambda: random.Random(0))
    _serial: int = field(default=0, repr=False)
    _json_cache: dict[tuple[str, str, tuple[str, ...]], str] = field(
        default_factory=dict, repr=False
    )

    # -- the corpus ------------------------------------------------------------------------

    def decisions(self, finder_id: str) -> list[dict[str, Any]]:
        """Every decision of a finder, as the Search API holds it (oldest update first)."""
        with self._lock:
            return [dict(d) for d in self._docs[finder(finder_id).document_type]]

    def links(self, finder_id: str) -> set[str]:
        """The links of every decision of a finder."""
        with self._lock:
            return {d["link"] for d in self._docs[finder(finder_id).document_type]}

    def publish(
        self,
        finder_id: str,
        n: int = 1,
        *,
        when: datetime | None = None,
        decided: Sequence[date] | None = None,
    ) -> list[str]:
        """Add ``n`` new decisions published at ``when`` (default now); return their links.

        ``decided`` gives their decision dates in turn (default: three days before ``when``),
        e.g. to publish in bulk on one day decisions made over years.
        """
        target = self._finders[finder(finder_id).id]
        moment = when or datetime.now(UTC)
        days = list(decided or [moment.date() - timedelta(days=3)])
        with self._lock:
            made = [self._make(target, days[i % len(days)], moment) for i in range(n)]
            for doc in made:
                self._insert(target.document_type, doc)
        return [d["link"] for d in made]

    def update(self, link: str, *, when: datetime | None = None) -> None:
        """Republish a decision (its ``public_timestamp`` becomes ``when``, default now)."""
        with self._lock:
            doc = self._by_link[link]
            self._remove(doc)
            doc["public_timestamp"] = _iso(when or datetime.now(UTC))
            doc["title"] = doc["title"] + " (corrected)"
            self._insert(doc["format"], doc)

    def withdraw(self, links: Iterable[str]) -> None:
        """Remove decisions from the Search API and their pages."""
        with self._lock:
            for link in links:
                doc = self._by_link.pop(link, None)
                if doc is not None:
                    self._remove(doc, forget=False)

    # -- building ---------------------------------------------------------------------------

    def _make(self, target: Finder, day: date, published: datetime) -> dict[str, Any]:
        rng = self._rng
        self._serial += 1
        number = f"{1_300_000 + self._serial}/{day.year}"
        who = f"{rng.choice(('Mr', 'Ms', 'Mrs', 'Dr'))} {rng.choice(_NAMES)}"
        title = f"{who} v {rng.choice(_FIRMS)}: {number}"
        slug = f"{who.lower().replace(' ', '-')}-v-{self._serial}-{day.year}"
        doc: dict[str, Any] = {
            "title": title,
            "link": f"{target.base_path}/{slug}",
            "description": f"SYNTHETIC decision {self._serial} of the {target.name.lower()}.",
            "public_timestamp": _iso(published),
            "first_published_at": _iso(published),
            "format": target.document_type,
            "content_store_document_type": target.document_type,
        }
        chosen_categories: list[str] = []
        for facet in target.facets:
            values = [v.slug for v in facet.values]
            if facet.field == "decision_date":
                doc[facet.key] = day.isoformat()
            elif facet.field == "reference_number":
                doc[facet.key] = f"AS/{day.year}/{self._serial:05d}"
            elif facet.field == "landmark":
                doc[facet.key] = "landmark" if rng.random() < 0.05 else "not-landmark"
            elif facet.field == "country":
                doc[facet.key] = values[0] if rng.random() < 0.85 else values[-1]
            elif facet.field == "categories":
                k = rng.choice((1, 1, 2, 3)) if facet.multiple else 1
                chosen_categories = rng.sample(values[: max(k, len(values))], k=min(k, len(values)))
                doc[facet.key] = chosen_categories if facet.multiple else chosen_categories[0]
            elif facet.field == "sub_categories":
                fitting = [v for v in values if any(v.startswith(c) for c in chosen_categories)]
                pick = rng.sample(fitting or values, k=1)
                doc[facet.key] = pick if facet.multiple else pick[0]
            elif facet.field == "judges":
                doc[facet.key] = rng.sample(values, k=min(len(values), rng.choice((1, 1, 2))))
        return doc

    def _insert(self, document_type: str, doc: dict[str, Any]) -> None:
        keys = self._keys[document_type]
        where = bisect.bisect_right(keys, doc["public_timestamp"])
        keys.insert(where, doc["public_timestamp"])
        self._docs[document_type].insert(where, doc)
        self._by_link[doc["link"]] = doc

    def _remove(self, doc: dict[str, Any], *, forget: bool = True) -> None:
        docs = self._docs[doc["format"]]
        where = next(i for i, d in enumerate(docs) if d is doc)
        del docs[where]
        del self._keys[doc["format"]][where]
        if not forget:
            return

    # -- Search API ---------------------------------------------------------------------------

    def _facet_keys(self) -> set[str]:
        return {f.key for target in self._finders.values() for f in target.facets}

    def _search(self, path: str, query: dict[str, list[str]]) -> Mounted | None:
        types = query.get("filter_format") or query.get("filter_content_store_document_type")
        if not types or not set(types) <= set(self._docs):
            return None  # not a decisions query: the server's own Search API answers it
        if self.before_search is not None:
            self.before_search(query)
        if self.latency:
            time.sleep(self.latency)
        try:
            body = self._answer(query)
        except _Refused as exc:
            return Mounted(exc.status, json.dumps({"error": exc.message}).encode(), _JSON)
        return Mounted(200, body, _JSON)

    def _answer(self, query: dict[str, list[str]]) -> bytes:
        try:
            count, start = search_window(query, 1500)
        except ValueError as exc:
            raise _Refused(422, str(exc)) from None
        fields = query.get("fields", []) + query.get("fields[]", [])
        known = (_CORE | self._facet_keys()) - self.unsupported_fields
        bad = [f for f in fields if f not in known]
        if bad:
            raise _Refused(422, f"Some requested fields are not valid return fields: {bad}")
        with self._lock:
            selected = self._select(query)
        total = len(selected)
        aggregates = self._aggregates(selected, query)
        if count and self.max_depth is not None and start + count > self.max_depth:
            if self.deep_answer != "empty":
                raise _Refused(
                    int(self.deep_answer),
                    f"Result window is too large, start + count must be at most {self.max_depth}",
                )
            return _payload([], total, start, aggregates)
        order = (query.get("order") or [""])[-1]
        if order and order.lstrip("-") != "public_timestamp":
            key = order.lstrip("-")
            selected.sort(key=lambda d: str(d.get(key) or ""), reverse=order.startswith("-"))
        elif order.startswith("-"):
            selected.reverse()
        begin = max(0, start - self.shift) if start else 0
        page = selected[begin : begin + count]
        if self.endless:
            total = start + 2 * count if count else total
            if not page and selected:
                page = selected[:count]
        shown = tuple(fields)
        return _payload([self._shown_json(d, shown) for d in page], total, start, aggregates)

    def _select(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        types = query.get("filter_format") or query.get("filter_content_store_document_type")
        pools = [self._docs[t] for t in types or ()]
        keys = [self._keys[t] for t in types or ()]
        published = (query.get("filter_public_timestamp") or [""])[-1]
        selected: list[dict[str, Any]] = []
        for pool, pool_keys in zip(pools, keys, strict=True):
            lo, hi = 0, len(pool)
            if published:
                start, end = _bounds(published)
                if start:
                    lo = bisect.bisect_left(pool_keys, start)
                if end:
                    hi = bisect.bisect_right(pool_keys, end + "\uffff")
            selected.extend(pool[lo:hi])
        for name, values in query.items():
            if not name.startswith(("filter_", "reject_")) or name in {
                "filter_format",
                "filter_content_store_document_type",
                "filter_public_timestamp",
            }:
                continue
            keep = name.startswith("filter_")
            key = name.split("_", 1)[1]
            selected = [d for d in selected if _matches(d.get(key), values) == keep]
        words = (query.get("q") or [""])[-1].lower().split()
        if words:
            selected = [
                d
                for d in selected
                if all(w in f"{d['title']} {d.get('description', '')}".lower() for w in words)
            ]
        return selected

    def _aggregates(
        self, selected: list[dict[str, Any]], query: dict[str, list[str]]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, values in query.items():
            if not name.startswith("aggregate_"):
                continue
            key = name.removeprefix("aggregate_")
            counts: Counter[str] = Counter()
            missing = 0
            for doc in selected:
                value = doc.get(key)
                items = value if isinstance(value, list) else [] if value is None else [value]
                counts.update(str(v) for v in items)
                missing += not items
            limit = int(values[-1].split(",")[0] or 10) if values[-1][:1].isdigit() else 10
            options = [
                {"value": {"slug": slug, "label": self._label(key, slug)}, "documents": n}
                for slug, n in counts.most_common(limit)
            ]
            found[key] = {
                "options": options,
                "documents_with_no_value": missing,
                "total_options": len(counts),
                "missing_options": max(0, len(counts) - limit),
                "scope": "exclude_field_filter",
            }
        return found

    def _label(self, key: str, slug: str) -> str:
        for target in self._finders.values():
            for facet in target.facets:
                if facet.key == key and facet.label(slug):
                    return facet.label(slug) or slug
        return slug

    def _shown_json(self, doc: dict[str, Any], fields: tuple[str, ...]) -> str:
        # Each result's JSON is made once per set of fields (and again after an update): the
        # stand-in must answer fast enough not to be what a benchmark measures.
        key = (doc["link"], doc["public_timestamp"], fields)
        found = self._json_cache.get(key)
        if found is None:
            found = json.dumps(self._shown(doc, list(fields)))
            self._json_cache[key] = found
        return found

    def _shown(self, doc: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        # Facet values with allowed values come back expanded ({label, value}), dates as text.
        shown: dict[str, Any] = {}
        for key in fields or ("title", "link", "description", "public_timestamp"):
            if key not in doc:
                continue
            value = doc[key]
            if key.startswith("tribunal_decision_") and key not in {
                "tribunal_decision_decision_date",
                "tribunal_decision_reference_number",
            }:
                items = value if isinstance(value, list) else [value]
                expanded = [{"value": v, "label": self._label(key, v)} for v in items]
                value = expanded if isinstance(value, list) else expanded[0]
            shown[key] = value
        shown.update(
            {"index": "govuk", "es_score": None, "_id": doc["link"], "document_type": "edition"}
        )
        return shown

    # -- Content API and files ----------------------------------------------------------------

    def _content(self, path: str, query: dict[str, list[str]]) -> Mounted | None:
        base = path.removeprefix("/api/content")
        for target in self._finders.values():
            if base == target.base_path:
                return _json(self._finder_page(target))
        with self._lock:
            doc = self._by_link.get(base)
            doc = dict(doc) if doc is not None else None
        if doc is None:
            return None
        return _json(self._decision_page(doc))

    def _finder_page(self, target: Finder) -> dict[str, Any]:
        facets = [
            {
                "key": f.key,
                "name": f.name,
                "type": f.type,
                "filterable": f.filterable,
                "allowed_values": [{"label": v.label, "value": v.slug} for v in f.values],
            }
            for f in target.facets
        ]
        return {
            "base_path": target.base_path,
            "title": target.name,
            "description": target.description,
            "schema_name": "finder",
            "document_type": "finder",
            "details": {"facets": facets, "filter": {"format": target.document_type}},
        }

    def _decision_page(self, doc: dict[str, Any]) -> dict[str, Any]:
        target = next(t for t in self._finders.values() if t.document_type == doc["format"])
        metadata = {f.key: doc[f.key] for f in target.facets if f.key in doc}
        metadata["bulk_published"] = False
        media = hashlib.sha256(doc["link"].encode()).hexdigest()[:24]
        name = doc["link"].rsplit("/", 1)[-1]
        return {
            "base_path": doc["link"],
            "content_id": hashlib.md5(doc["link"].encode(), usedforsecurity=False).hexdigest(),
            "title": doc["title"],
            "description": doc["description"],
            "schema_name": "specialist_document",
            "document_type": doc["format"],
            "first_published_at": doc["first_published_at"],
            "public_updated_at": doc["public_timestamp"],
            "details": {
                "body": f"<p>SYNTHETIC decision.</p><p>Download the {name} decision (PDF).</p>",
                "metadata": metadata,
                "change_history": [
                    {"note": "First published.", "public_timestamp": doc["first_published_at"]}
                ],
                "attachments": [
                    {
                        "attachment_type": "file",
                        "id": media,
                        "url": f"{self.fake.base_url}/media/{media}/{name}.pdf",
                        "content_type": "application/pdf",
                        "title": doc["title"],
                        "file_size": len(_PDF),
                    }
                ],
            },
            "links": {
                "finder": [
                    {"base_path": target.base_path, "title": target.name, "schema_name": "finder"}
                ]
            },
        }

    def _media(self, path: str, query: dict[str, list[str]]) -> Mounted | None:
        return Mounted(200, _PDF, "application/pdf") if path.endswith(".pdf") else None


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json(payload: dict[str, Any]) -> Mounted:
    return Mounted(200, json.dumps(payload).encode("utf-8"), _JSON)


def _payload(results: list[str], total: int, start: int, aggregates: dict[str, Any]) -> bytes:
    tail = {
        "total": total,
        "start": start,
        "aggregates": aggregates,
        "suggested_queries": [],
        "suggested_autocomplete": [],
        "es_cluster": "A",
    }
    return ('{"results":[' + ",".join(results) + "]," + json.dumps(tail)[1:]).encode("utf-8")


def _bounds(spec: str) -> tuple[str | None, str | None]:
    start = end = None
    for part in spec.split(","):
        bound, _, day = part.partition(":")
        if bound == "from":
            start = day[:10]
        elif bound == "to":
            end = day[:10]
    return start, end


def _matches(value: Any, wanted: list[str]) -> bool:
    if value is None:
        return "_MISSING" in wanted
    if isinstance(value, str) and wanted and wanted[-1].startswith(("from:", "to:")):
        start, end = _bounds(wanted[-1])
        return (start is None or value[:10] >= start) and (end is None or value[:10] <= end)
    items = value if isinstance(value, list) else [value]
    return any(str(v) in wanted for v in items)


def build_decisions_site(
    fake: FakeGovUK,
    *,
    sizes: Mapping[str, int] | None = None,
    seed: int = 0,
    today: date | None = None,
) -> DecisionsSite:
    """Serve the six decisions finders and a SYNTHETIC corpus of decisions from ``fake``.

    Decision dates run from each finder's coverage start to ``today``; each decision is
    published one to sixty days after it was decided, with one to three categories (the
    employment tribunal's jurisdiction codes), a country, judges and so on, as the finder
    allows. The Search API over it honours ``count``, ``start``, ``order``, ``fields``, ``q``,
    facet and date filters (``filter_format``, ``filter_public_timestamp``,
    ``filter_tribunal_decision_decision_date`` ...) and ``aggregate_<field>``.

    Args:
        fake: The server (started or not).
        sizes: Decisions per finder (any name :func:`hmcts_data.decisions.finder` takes;
            default: about 30,000 in all, 24,000 of them employment tribunal decisions);
            finders not named get none.
        seed: Seed of the generator (the same seed gives the same corpus).
        today: The last day of the corpus (default: today, UTC).

    Returns:
        The site: the corpus, its ground truth and its misbehaviour switches.

    Example:
        >>> from hmcts_data.testing import FakeGovUK, build_decisions_site
        >>> with FakeGovUK() as fake:
        ...     site = build_decisions_site(fake, sizes={"asylum-support-tribunal": 20})
        ...     site.max_depth = 1000  # a paging cap a harvest must work around
        ...     len(site.decisions("asylum-support-tribunal"))
        20
    """
    site = DecisionsSite(fake=fake, _rng=random.Random(seed))
    end = today or datetime.now(UTC).date()
    wanted = {finder(k).id: v for k, v in (_DEFAULT_SIZES if sizes is None else sizes).items()}
    for target in finders():
        site._finders[target.id] = target
        site._docs[target.document_type] = []
        site._keys[target.document_type] = []
        begin = _STARTS.get(target.id, date(2016, 1, 1))
        span = max(1, (end - begin).days - 60)
        made = []
        for _ in range(wanted.get(target.id, 0)):
            day = begin + timedelta(days=site._rng.randrange(span))
            published = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                days=site._rng.randint(1, 60), seconds=site._rng.randrange(86400)
            )
            made.append(site._make(target, day, published))
        made.sort(key=lambda d: d["public_timestamp"])
        site._docs[target.document_type] = made
        site._keys[target.document_type] = [d["public_timestamp"] for d in made]
        site._by_link.update({d["link"]: d for d in made})
    fake.mount(_SEARCH, site._search)
    fake.mount("/api/content/", site._content)
    fake.mount("/media/", site._media)
    return site
