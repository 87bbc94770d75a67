"""Evaluation: how the monthly header interpreter generalises to wordings it has not seen.

``python -m benchmarks drift`` reports correct / wrong / unmapped for

(a) **leave-one-era-out**: for each known era, the crosswalk entries only that era uses are
    dropped (header labels, series no other era publishes and, in one variant, the era B
    positional block), and that era's header row is mapped by the reduced crosswalk plus the
    interpreter, as a release of a new era would be;
(b) **seeded random rewordings** of every header on record, of the kinds of drift seen between
    eras (case, underscores, dashes, "&", plurals, glued footnotes, official titles, a leading
    "X - ", units in words or brackets, measure synonyms, qualifiers inline or bracketed,
    stray spaces and commas), read by the interpreter alone (no exact lookup).

The truth of every column is its series in the full crosswalk. *Correct*: the column gets its
series' key; *wrong*: any other key (a new key of its own counts as wrong too when it differs
from the truth); *unmapped*: no key. The targets (issue 10): 0 wrong in both, at least 90%
correct in (a) and 95% in (b). ``tests/test_drift_eval.py`` pins these figures.

The era headers come from the crosswalk (which records every known era verbatim) and, for
column order, from the SYNTHETIC generator's copies of the CSV layouts; no real file is read.
"""

from __future__ import annotations

import copy
import random
import re
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

SEED = 20261201
VARIANTS = 8


@dataclass(frozen=True)
class Score:
    """Counts of one evaluation case."""

    name: str
    correct: int
    wrong: int
    unmapped: int
    wrong_examples: tuple[str, ...] = ()
    unmapped_examples: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """Columns evaluated."""
        return self.correct + self.wrong + self.unmapped

    @property
    def correct_share(self) -> float:
        """Share of columns mapped to their own series."""
        return self.correct / self.total if self.total else 1.0


def _raw() -> dict[str, Any]:
    ref = resources.files("hmcts_data.tables").joinpath("monthly_crosswalk.toml")
    return tomllib.loads(ref.read_text(encoding="utf-8"))


def _era_rows() -> dict[str, tuple[str, ...]]:
    """Every era's header row: the generator's CSV layouts, era C from the crosswalk."""
    from hmcts_data.testing._monthly_files import ERAS, era_headers

    rows = {era: era_headers(era) for era in ERAS}
    raw = _raw()
    for era in raw["eras"]:
        if era not in rows:
            labels = [h["label"] for s in raw["series"] for h in s["headers"] if era in h["eras"]]
            rows[era] = ("Month", *labels)
    return rows


def _score(
    name: str,
    headers: Sequence[str],
    truth: Sequence[tuple[str, str, str] | None],
    got: Sequence[tuple[str, str, str] | None],
) -> Score:
    correct = wrong = unmapped = 0
    wrong_ex: list[str] = []
    unmapped_ex: list[str] = []
    for label, want, have in zip(headers, truth, got, strict=True):
        if want is None:
            continue
        if have is None:
            unmapped += 1
            unmapped_ex.append(label)
        elif have == want:
            correct += 1
        else:
            wrong += 1
            wrong_ex.append(f"{label!r}: {'.'.join(have)} (truth {'.'.join(want)})")
    return Score(name, correct, wrong, unmapped, tuple(wrong_ex), tuple(unmapped_ex))


def _drop_era(
    raw: dict[str, Any], era: str, *, drop_blocks: bool, every: bool = False
) -> dict[str, Any]:
    """The crosswalk without the entries only ``era`` uses (``every``: all it uses)."""
    out = copy.deepcopy(raw)
    kept_blocks = [b for b in out.get("block", []) if not (drop_blocks and set(b["eras"]) <= {era})]
    in_blocks = {c["series"] for b in kept_blocks for c in b["columns"]}
    series = []
    for item in out["series"]:
        had = bool(item["headers"])
        item["headers"] = [
            h
            for h in item["headers"]
            if not (era in h["eras"] if every else set(h["eras"]) <= {era})
        ]
        if had and not item["headers"] and item["id"] not in in_blocks:
            continue  # a series only this era publishes: unknown to the reduced crosswalk
        series.append(item)
    out["series"] = series
    out["block"] = kept_blocks
    return out


def _map(headers: tuple[str, ...], crosswalk: Any, *, exact: bool) -> list[Any]:
    from hmcts_data.tables._interpret import interpret_headers

    if exact:
        hits = [
            (m.series.key, m.series.id, m.series.unit) if m is not None else None
            for m in crosswalk.match(headers)
        ]
    else:
        hits = [None] * len(headers)
    out = interpret_headers(headers, hits, crosswalk.series_by_key)
    return [m.key if m is not None else None for m in out]


def leave_one_era_out(*, drop_blocks: bool = False, every: bool = False) -> list[Score]:
    """Evaluation (a): one score per era (``every``: drop every label the era uses)."""
    from hmcts_data.tables._monthly_crosswalk import build_crosswalk, load_crosswalk

    full = load_crosswalk()
    raw = _raw()
    scores = []
    for era, headers in _era_rows().items():
        truth = [m.series.key if m is not None else None for m in full.match(headers)]
        reduced = build_crosswalk(_drop_era(raw, era, drop_blocks=drop_blocks, every=every))
        got = _map(headers, reduced, exact=True)
        name = f"(a) era {era}" + (", every label it uses dropped" if every else "")
        scores.append(_score(name, headers, truth, got))
    return scores


# -- (b) rewordings ------------------------------------------------------------------------------

# Surface forms of each jurisdiction, for swapping names; the generator's own table.
_TITLES: dict[str, tuple[str, ...]] = {
    "crown_court": ("Crown Court", "The Crown Court", "CROWN"),
    "magistrates_courts": ("Magistrates' courts", "Magistrates Courts", "MAGS"),
    "civil": ("Civil", "County Court", "County Court civil"),
    "family_private_law": ("Private Family Law", "Family Court - Private law", "Private law"),
    "family_public_law": ("Public Family Law", "Family Court - Public law", "Public law"),
    "employment_tribunal": ("Employment Tribunal", "Employment Tribunals", "ET"),
    "immigration_asylum": (
        "Immigration and Asylum",
        "First-tier Tribunal (Immigration and Asylum Chamber)",
        "IA",
    ),
    "sscs": (
        "Social Security and Child Support",
        "First-tier Tribunal (Social Security and Child Support)",
        "SSCS",
    ),
    "probate": ("Probate", "Probate service"),
    "divorce": ("Divorce",),
}
_SHORT = {
    "crown_court": ("CROWN", "Crown Court"),
    "magistrates_courts": ("MAGS",),
    "civil": ("CIVIL", "Civil"),
    "family_private_law": ("PRIVATE", "Private Family Law"),
    "family_public_law": ("PUBLIC", "Public Family Law"),
    "employment_tribunal": ("ET", "Employment Tribunal"),
    "immigration_asylum": ("IA", "Immigration and Asylum"),
    "sscs": ("SSCS", "Social Security and Child Support"),
    "probate": ("Probate",),
}
_MEASURE_SYNONYMS = (
    (r"\bopen caseload\b", ("Outstanding", "Cases outstanding", "Open cases")),
    (r"\boutstanding\b", ("Open caseload", "Cases outstanding")),
    (r"\breceipts\b", ("Cases received", "New cases", "receipts")),
    (r"\bdisposals\b", ("Cases disposed of", "Disposed")),
    (r"\bpronounced\b", ("granted", "made")),
)
_UNIT_FORMS = (
    (r"\s*\((weeks)\)", (" in weeks", ", weeks", " (wks)", " - weeks")),
    (r"\s*\((%)\)", (" (percentage)", " - percent", " %")),
    (r"\(average number of days taken\)", ("(average days)", "- days on average")),
)
_DASH = ("\u2013", "\u2014", ":", "--")


def _case(label: str, rng: random.Random) -> str:
    return rng.choice((str.upper, str.lower, str.title, str.capitalize))(label)


def _underscores(label: str, rng: random.Random) -> str:
    if "_" in label:
        return label.replace("_", " ")
    return label.replace(" ", "_")


def _dashes(label: str, rng: random.Random) -> str:
    dash = rng.choice(_DASH)
    return re.sub(r"\s*-\s+|\s+-\s*", f" {dash} " if dash != ":" else ": ", label)


def _ampersand(label: str, rng: random.Random) -> str:
    if "&" in label:
        return label.replace("&", "and")
    return re.sub(r"\band\b", "&", label)


def _plural(label: str, rng: random.Random) -> str:
    words = list(re.finditer(r"\b[A-Za-z]{4,}\b", label))
    if not words:
        return label
    m = rng.choice(words)
    word = m[0]
    lower = word.lower()
    if lower in {"nisi", "sscs", "status"} or lower.endswith("ss"):
        return label
    new = word[:-1] if lower.endswith("s") else word + ("S" if word.isupper() else "s")
    return label[: m.start()] + new + label[m.end() :]


def _footnote(label: str, rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        words = list(re.finditer(r"\b[a-z]{3,}\b", label))
        if words:
            m = rng.choice(words)
            return label[: m.end()] + str(rng.randint(1, 9)) + label[m.end() :]
        return label + str(rng.randint(1, 9))
    if kind == 1:
        return f"{label} [note {rng.randint(1, 12)}]"
    return label + rng.choice("\u00b9\u00b2\u00b3")


def _noise(label: str, rng: random.Random) -> str:
    return rng.choice((label + " ", label.replace(" ", "  ", 1), label + ",", " " + label))


def _with(jurisdiction: str) -> Callable[[str, random.Random], str]:
    def swap_title(label: str, rng: random.Random) -> str:
        for form in sorted(_SHORT.get(jurisdiction, ()), key=len, reverse=True):
            pattern = re.compile(rf"(?<![A-Za-z]){re.escape(form)}(?![a-z])")
            if pattern.search(label):
                title = rng.choice(_TITLES[jurisdiction])
                return pattern.sub(title + " ", label, count=1).replace("  ", " ")
        return label

    return swap_title


def _prefix(jurisdiction: str) -> Callable[[str, random.Random], str]:
    def prefix(label: str, rng: random.Random) -> str:
        return f"{rng.choice(_TITLES[jurisdiction])} - {label}"

    return prefix


def _measure(label: str, rng: random.Random) -> str:
    for pattern, forms in _MEASURE_SYNONYMS:
        if re.search(pattern, label, re.IGNORECASE):
            return re.sub(pattern, rng.choice(forms), label, count=1, flags=re.IGNORECASE)
    return label


def _units(label: str, rng: random.Random) -> str:
    for pattern, forms in _UNIT_FORMS:
        if re.search(pattern, label, re.IGNORECASE):
            return re.sub(pattern, rng.choice(forms), label, count=1, flags=re.IGNORECASE)
    return label


def _qualifier(label: str, rng: random.Random) -> str:
    m = re.search(r"\s*\((digital|paper)([^)]*)\)", label, re.IGNORECASE)
    if m is None:
        return label
    rest = m[2].strip(" ,")
    inline = m[1] + (", " + rest if rest else "")
    return label[: m.start()] + rng.choice((" - ", ", ", " ")) + inline + label[m.end() :]


_OPERATORS: tuple[Callable[[str, random.Random], str], ...] = (
    _case,
    _underscores,
    _dashes,
    _ampersand,
    _plural,
    _footnote,
    _noise,
    _measure,
    _units,
    _qualifier,
)


def reword(label: str, jurisdiction: str, rng: random.Random) -> str:
    """One random rewording of ``label`` (a header of a series of ``jurisdiction``)."""
    # Either a jurisdiction's name is swapped for another title or a leading "X - " is added.
    naming = rng.choice((_with(jurisdiction), _prefix(jurisdiction)))
    operators = [*_OPERATORS, naming]
    out = label
    for op in rng.sample(operators, rng.randint(2, 4)):
        out = op(out, rng)
    return out


def rewordings(seed: int = SEED, variants: int = VARIANTS) -> list[tuple[str, str, str]]:
    """``(original, reworded, series id)`` for ``variants`` rewordings of every header on record."""
    from hmcts_data.tables._monthly_crosswalk import load_crosswalk

    rng = random.Random(seed)
    out = []
    for item in load_crosswalk().series:
        labels = sorted({h.label for h in item.headers})
        for label in labels:
            for _ in range(variants):
                out.append((label, reword(label, item.jurisdiction, rng), item.id))
    return out


def randomised(seed: int = SEED, variants: int = VARIANTS) -> Score:
    """Evaluation (b): every rewording read on its own by the interpreter (no exact lookup)."""
    from hmcts_data.tables._monthly_crosswalk import load_crosswalk

    cw = load_crosswalk()
    cases = rewordings(seed, variants)
    headers = []
    truth = []
    got = []
    for _, reworded, series_id in cases:
        headers.append(reworded)
        truth.append(cw.by_id[series_id].key)
        got.append(_map(("Month", reworded), cw, exact=False)[1])
    return _score(f"(b) rewordings, seed {seed}", headers, truth, got)


def evaluate() -> list[Score]:
    """Every case of the evaluation: (a) per era (two variants) and (b)."""
    scores = leave_one_era_out()
    total = Score(
        "(a) all eras",
        sum(s.correct for s in scores),
        sum(s.wrong for s in scores),
        sum(s.unmapped for s in scores),
    )
    strict = leave_one_era_out(drop_blocks=True)
    strict_total = Score(
        "(a) all eras, era B positional block dropped too",
        sum(s.correct for s in strict),
        sum(s.wrong for s in strict),
        sum(s.unmapped for s in strict),
    )
    harder = leave_one_era_out(drop_blocks=True, every=True)
    return [
        *scores,
        total,
        strict_total,
        *harder,
        _sum("(a) harder: all eras", harder),
        randomised(),
    ]


def _sum(name: str, scores: Sequence[Score]) -> Score:
    return Score(
        name,
        sum(s.correct for s in scores),
        sum(s.wrong for s in scores),
        sum(s.unmapped for s in scores),
    )


def report(scores: Sequence[Score] | None = None) -> str:
    """The evaluation as a Markdown table."""
    scores = evaluate() if scores is None else scores
    lines = [
        "| case | columns | correct | wrong | unmapped | correct % |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.name} | {s.total} | {s.correct} | {s.wrong} | {s.unmapped} | "
            f"{100 * s.correct_share:.1f} |"
        )
    return "\n".join(lines)


def run() -> list[dict[str, Any]]:
    """Benchmark entry point: one row per case (time = the evaluation's run time)."""
    start = time.perf_counter()
    scores = evaluate()
    seconds = time.perf_counter() - start
    print(report(scores))
    return [
        {
            "name": s.name,
            "seconds": seconds,
            "note": f"correct={s.correct} wrong={s.wrong} unmapped={s.unmapped} of {s.total} "
            f"({100 * s.correct_share:.1f}% correct)",
        }
        for s in scores
    ]


if __name__ == "__main__":
    scores = evaluate()
    print(report(scores))
    for s in scores:
        for line in s.wrong_examples:
            print("WRONG", s.name, line)
