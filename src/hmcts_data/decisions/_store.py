"""A finder's harvest in the cache: the frame, what it was, and an unfinished run's parts.

Entries live in the client's API cache (so ``cache info`` counts them and ``cache clear``
removes them), keyed on the base URL and the finder:

* ``.../frame``: the last complete harvest, as parquet when pyarrow is installed, else JSON
  lines;
* ``.../manifest``: when that harvest started (the next one asks only for what changed since),
  how many decisions it held and in which format;
* ``.../run`` and ``.../run/<started>/<span>``: an unfinished run's journal (which publication
  date spans are done, which were split) and each finished span's decisions, so an
  interrupted harvest resumes without fetching them again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from hmcts_data._cache import Sidecar, now_utc

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data._cache import Entry
    from hmcts_data._client import Client
    from hmcts_data.decisions._rows import Rows

__all__ = ["Journal", "Manifest", "Store"]

logger = logging.getLogger("hmcts_data")

#: Parts of a finished run removed at once (each removal mostly waits on the disk).
_DROPPERS = 4


class Manifest(BaseModel):
    """What the stored harvest of a finder is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = 1
    finder: str
    started: datetime
    finished: datetime
    count: int
    total: int
    format: str
    fields: tuple[str, ...] = ()


@dataclass
class Journal:
    """An unfinished run: its start, mode, and which spans are done or were split."""

    started: datetime
    since: str | None
    fields: tuple[str, ...]
    done: dict[str, int] = field(default_factory=dict)
    split: dict[str, list[str]] = field(default_factory=dict)

    def dump(self) -> bytes:
        """The journal as JSON."""
        return json.dumps(
            {
                "started": self.started.isoformat(),
                "since": self.since,
                "fields": list(self.fields),
                "done": self.done,
                "split": self.split,
            },
            sort_keys=True,
        ).encode("utf-8")

    @classmethod
    def load(cls, data: bytes) -> Journal | None:
        """Read a journal; ``None`` when it is damaged."""
        try:
            raw = json.loads(data)
            return cls(
                started=datetime.fromisoformat(raw["started"]),
                since=raw["since"],
                fields=tuple(raw["fields"]),
                done={str(k): int(v) for k, v in raw["done"].items()},
                split={str(k): [str(x) for x in v] for k, v in raw["split"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


class Store:
    """The cache entries of one finder's harvests.

    A run's journal and parts are written on a thread of the store's own, in the order they
    were asked for (:meth:`later`), so a harvest does not wait on the disk between pages;
    :meth:`flush` waits for them (and raises the first that failed), :meth:`close` waits
    without raising (what was written is kept for a resumed run).
    """

    def __init__(self, client: Client, finder_id: str) -> None:
        self.client = client
        self.finder_id = finder_id
        self.base = f"{client.settings.base_url.rstrip('/')}/#hmcts-data-decisions/{finder_id}"
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[None]] = []

    def later(self, call: Callable[..., None], *args: Any) -> None:
        """Run a write on the store's thread, after those asked for before it."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest-store")
        self._writes.append(self._writer.submit(call, *args))

    def flush(self) -> None:
        """Wait for the writes asked for with :meth:`later`; raise the first that failed."""
        writes, self._writes = self._writes, []
        wait(writes)
        for done in writes:
            done.result()

    def close(self) -> None:
        """Wait for the writes asked for (failures were or will be reported by flush)."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def _entry(self, name: str) -> Entry:
        return self.client.cache.api_entry(f"{self.base}/{name}")

    def _write(self, name: str, body: bytes, filename: str, content_type: str) -> None:
        entry = self._entry(name)
        url = f"{self.base}/{name}"
        now = now_utc()
        meta = Sidecar(
            url=url,
            final_url=url,
            content_type=content_type,
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            retrieved_at=now,
            validated_at=now,
            filename=filename,
        )
        with entry.lock():
            entry.store(body, meta)

    def _read(self, name: str) -> bytes | None:
        found = self._entry(name).read_verified()
        return None if found is None else found[2]

    def _drop(self, name: str) -> None:
        entry = self._entry(name)
        if entry.read() is None and not entry.directory.exists():
            return
        with entry.lock():
            entry.clear()

    # -- the last complete harvest -----------------------------------------------------------

    def manifest(self) -> Manifest | None:
        """The stored harvest's manifest, or ``None``."""
        data = self._read("manifest")
        if data is None:
            return None
        try:
            return Manifest.model_validate_json(data)
        except (ValidationError, ValueError):
            logger.warning("ignoring the damaged harvest manifest of %s", self.finder_id)
            return None

    def frame(self) -> tuple[Manifest, pd.DataFrame] | None:
        """The stored harvest, or ``None`` (absent, damaged, or its format unreadable here)."""
        manifest = self.manifest()
        if manifest is None:
            return None
        data = self._read("frame")
        if data is None:
            return None
        from hmcts_data.decisions._rows import COLUMNS, Rows, records_frame

        try:
            if manifest.format == "parquet":
                try:
                    import pyarrow as pa
                    import pyarrow.parquet as pq
                except ImportError:
                    return None
                try:
                    table = pq.read_table(pa.BufferReader(data))
                except pa.ArrowException as exc:
                    raise ValueError(str(exc)) from None
                if table.schema.names != list(COLUMNS):
                    return None
                frame = Rows.from_table(table).frame()
            else:
                frame = records_frame(
                    [json.loads(line) for line in data.splitlines() if line.strip()]
                )
        except (ValueError, OSError, TypeError) as exc:
            logger.warning("ignoring the damaged stored harvest of %s: %s", self.finder_id, exc)
            return None
        if len(frame) != manifest.count or list(frame.columns) != list(COLUMNS):
            return None
        return manifest, frame

    def save(self, manifest: Manifest, frame: pd.DataFrame, rows: Rows | None = None) -> Manifest:
        """Store a complete harvest (frame first, then its manifest).

        ``rows`` are the frame's rows when it was built from them (their arrow table is
        written as it is); the run's pending writes are waited for before anything is stored.
        """
        try:
            import pyarrow.parquet as pq

            from hmcts_data.decisions._rows import frame_rows

            table = (frame_rows(frame) if rows is None else rows).table()
            buffer = io.BytesIO()
            pq.write_table(table, buffer)
            body, fmt, name, kind = buffer.getvalue(), "parquet", "decisions.parquet", "parquet"
        except ImportError:
            lines = [
                json.dumps({k: _jsonable(v) for k, v in row.items()}, default=str)
                for row in _plain_records(frame)
            ]  # timestamps back to ISO text
            body, fmt = ("\n".join(lines) + "\n").encode("utf-8"), "jsonl"
            name, kind = "decisions.jsonl", "application/jsonl"
        manifest = manifest.model_copy(update={"format": fmt})
        self.flush()  # a part that could not be stored (disk full) is an error
        self._write("frame", body, name, kind)
        self._write("manifest", manifest.model_dump_json().encode(), "manifest.json", "json")
        return manifest

    def renew(self, manifest: Manifest) -> None:
        """Record that the stored harvest was checked again (its frame unchanged)."""
        self._write("manifest", manifest.model_dump_json().encode(), "manifest.json", "json")

    # -- an unfinished run ---------------------------------------------------------------------

    def journal(self) -> Journal | None:
        """The unfinished run's journal, or ``None``."""
        self.flush()
        data = self._read("run")
        return None if data is None else Journal.load(data)

    def save_journal(self, journal: Journal) -> None:
        """Record the run's progress (as it is now; written on the store's thread)."""
        self.later(self._write, "run", journal.dump(), "run.json", "application/json")

    def _part_name(self, journal: Journal, span: str) -> str:
        return f"run/{journal.started.isoformat()}/{span}"

    def save_part(self, journal: Journal, span: str, count: int, pages: list[bytes]) -> None:
        """Store one finished span: its pages as received and how many decisions they hold.

        The pages are stored as they came (no encoding: this runs while the harvest goes on);
        a resumed run reads them again.
        """
        body = b'{"count":%d,"pages":[' % count + b",".join(pages) + b"]}"
        self._write(self._part_name(journal, span), body, "part.json", "application/json")

    def part(self, journal: Journal, span: str) -> tuple[int, list[Any]] | None:
        """One finished span's decisions count and pages, or ``None`` when missing or damaged."""
        data = self._read(self._part_name(journal, span))
        if data is None:
            return None
        try:
            stored = json.loads(data)
            count, pages = stored["count"], stored["pages"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(count, int) or not isinstance(pages, list):
            return None
        return count, pages

    def end_run(self, journal: Journal) -> None:
        """Forget the run's journal and parts (after the harvest is stored).

        The journal goes first: a run stopped while its parts are being removed is never
        resumed from what is left of them.
        """
        self.flush()
        spans = set(journal.done) | {k for v in journal.split.values() for k in v}
        self._drop("run")
        names = sorted(self._part_name(journal, span) for span in spans)
        if len(names) < 2:
            for name in names:
                self._drop(name)
            return
        with ThreadPoolExecutor(max_workers=_DROPPERS, thread_name_prefix="harvest-drop") as pool:
            list(pool.map(self._drop, names))


def _plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import pandas as pd

    records: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()} for row in frame.to_dict("records")
    ]
    for row in records:
        for key, value in row.items():
            if not isinstance(value, list) and value is not None and pd.isna(value):
                row[key] = None
    return records
