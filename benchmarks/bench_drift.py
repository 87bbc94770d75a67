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

(c) **the other publications** (weekly COVID, remote hearings, reformed services, ad hoc):
    seeded random rewordings of the labels their public descriptions imply (jurisdiction x
    measure, jurisdiction x hearing mode, service x measure), of the same kinds plus layout
    changes (two label parts flattened into one, or split), read by each publication's
    vocabulary through the same engine. Their truth is written out here, per label, from the
    reference facts (what each publication reports); none of their labels has been seen.

The truth of every monthly column is its series in the full crosswalk. *Correct*: the column
gets its series' key; *wrong*: any other key (a new key of its own counts as wrong too when it
differs from the truth); *unmapped*: no key. For (c) the key includes the unit (a share stated as a
percentage must stay one). The targets (issue 10): 0 wrong in all, at least 90% correct in (a)
and 95% in (b) and (c). ``tests/test_drift_eval.py`` pins these figures.

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
    truth: Sequence[tuple[str, ...] | None],
    got: Sequence[tuple[str, ...] | None],
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
    from hmcts_data.tables._header_mapping import interpret_headers

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


# -- (c) the other publications ----------------------------------------------------------------

#: A label of another publication: its parts (row label, column header ...), the table title,
#: and the truth ``(jurisdiction, measure, breakdown, unit)``.
OtherLabel = tuple[tuple[str, ...], str | None, tuple[str, str, str, str]]

# Surface forms by jurisdiction for these publications (the monthly ones plus the aggregates).
_OTHER_TITLES: dict[str, tuple[str, ...]] = {
    **_TITLES,
    "family": ("Family", "Family court", "Family courts"),
    "tribunals": ("Tribunals", "All tribunals", "Tribunal"),
    "criminal": ("Criminal", "Crime", "Criminal courts"),
}
_WEEKLY_JURISDICTIONS = {
    "crown_court": "Crown Court",
    "magistrates_courts": "Magistrates' courts",
    "civil": "Civil",
    "family": "Family",
    "tribunals": "Tribunals",
}
_MODES = {
    "in_person": "Face to face",
    "video": "Video",
    "audio": "Audio",
    "paper": "Paper",
    "not_categorised": "Not categorised",
    "": "Total",
}
_SERVICES = {
    "online_civil_money_claims": ("civil", "Online Civil Money Claims"),
    "damages_claims": ("civil", "Damages claims"),
    "divorce_service": ("divorce", "Divorce service"),
    "probate_service": ("probate", "Probate"),
    "sscs_appeals": ("sscs", "Social Security and Child Support appeals"),
    "immigration_asylum_appeals": ("immigration_asylum", "Immigration and Asylum appeals"),
    "family_public_law_service": ("family_public_law", "Family public law"),
    "single_justice_procedure": ("magistrates_courts", "Single justice procedure"),
}
_REFORMED_MEASURES = {
    "digital_uptake": ("Digital uptake (%)", "percent"),
    "applications": ("Number of applications", "cases"),
    "user_satisfaction": ("User satisfaction (%)", "percent"),
}


def other_labels() -> dict[str, list[OtherLabel]]:
    """The labels each other publication's description implies, with their truth."""
    weekly: list[OtherLabel] = []
    for j, name in _WEEKLY_JURISDICTIONS.items():
        for measure in ("receipts", "disposals", "outstanding"):
            weekly.append(((f"{name} - {measure.capitalize()}",), None, (j, measure, "", "cases")))
    weekly += [
        (("Civil", "Hearings listed"), None, ("civil", "hearings_listed", "", "hearings")),
        (("Civil", "Hearings adjourned"), None, ("civil", "hearings_adjourned", "", "hearings")),
    ]
    remote: list[OtherLabel] = []
    for j, name in {**_WEEKLY_JURISDICTIONS, "criminal": "Criminal"}.items():
        for mode, label in _MODES.items():
            remote.append(((name, label), None, (j, "hearings", mode, "hearings")))
            if mode:
                remote.append(((name, f"{label} (%)"), None, (j, "hearings", mode, "percent")))
    reformed: list[OtherLabel] = []
    for service, (j, name) in _SERVICES.items():
        for measure, (label, unit) in _REFORMED_MEASURES.items():
            reformed.append(((name, label), None, (j, measure, service, unit)))
    title = "Magistrates' courts activity after the public disorder, daily"
    ad_hoc: list[OtherLabel] = [
        (("Cases received",), title, ("magistrates_courts", "receipts", "", "cases")),
        (("Cases completed",), title, ("magistrates_courts", "disposals", "", "cases")),
        (("Hearings listed",), title, ("magistrates_courts", "hearings_listed", "", "hearings")),
        (("Outstanding",), title, ("magistrates_courts", "outstanding", "", "cases")),
        (
            ("Magistrates' courts - Hearings",),
            None,
            ("magistrates_courts", "hearings", "", "hearings"),
        ),
    ]
    for measure in ("receipts", "disposals", "outstanding"):
        truth = ("magistrates_courts", measure, "", "cases")
        ad_hoc.append((("Magistrates' courts", measure.capitalize()), None, truth))
    return {
        "weekly-covid": weekly,
        "remote-hearings": remote,
        "reformed-services": reformed,
        "ad-hoc": ad_hoc,
    }


# Phrase variants the reference reports or implies for these publications' concepts.
_OTHER_SYNONYMS = (
    (r"\bface to face\b", ("In person", "Predominantly face-to-face", "Face-to-face", "Physical")),
    (r"\bvideo\b", ("Primarily video", "Mostly video", "Video hearings", "CVP")),
    (r"\baudio\b", ("Primarily audio", "Mostly audio", "Telephone", "Audio hearings")),
    (r"\bpaper\b", ("On the papers", "Paper hearings", "On paper")),
    (r"\bnot categorised\b", ("Not categorized", "Uncategorised", "Unknown")),
    (r"\btotal\b", ("All hearings", "Total hearings", "All")),
    (r"\breceipts\b", ("Cases received", "New cases", "Receipt")),
    (r"\bcases received\b", ("Receipts", "New cases")),
    (r"\bdisposals\b", ("Cases disposed of", "Disposed", "Completed")),
    (r"\bcases completed\b", ("Disposals", "Cases disposed of")),
    (r"\boutstanding\b", ("Open caseload", "Cases outstanding", "Caseload")),
    (r"\bnumber of applications\b", ("Applications", "Applications received")),
    (r"\bdigital uptake\b", ("Digital take-up", "Uptake", "Online uptake")),
    (r"\buser satisfaction\b", ("Satisfaction", "Customer satisfaction")),
    (r"\bhearings adjourned\b", ("Adjourned hearings", "Hearings adjourned due to COVID-19")),
    (r"\bhearings listed\b", ("Listed hearings", "Listed")),
)
_OTHER_UNITS = (r"\s*\((%)\)", (" (percentage)", " - percent", " %", ", per cent", " (share)"))


def _other_measure(label: str, rng: random.Random) -> str:
    for pattern, forms in _OTHER_SYNONYMS:
        if re.search(pattern, label, re.IGNORECASE):
            return re.sub(pattern, rng.choice(forms), label, count=1, flags=re.IGNORECASE)
    return label


def _other_units(label: str, rng: random.Random) -> str:
    pattern, forms = _OTHER_UNITS
    return re.sub(pattern, rng.choice(forms), label, count=1)


def _other_title(jurisdiction: str) -> Callable[[str, random.Random], str]:
    def swap(label: str, rng: random.Random) -> str:
        names = {*_OTHER_TITLES.get(jurisdiction, ()), _WEEKLY_JURISDICTIONS.get(jurisdiction, "")}
        for form in sorted((n for n in names if n), key=len, reverse=True):
            pattern = re.compile(rf"(?<![A-Za-z]){re.escape(form)}(?![a-z])")
            if pattern.search(label):
                return pattern.sub(rng.choice(_OTHER_TITLES[jurisdiction]), label, count=1)
        return label

    return swap


_OTHER_OPERATORS: tuple[Callable[[str, random.Random], str], ...] = (
    _case,
    _dashes,
    _ampersand,
    _plural,
    _footnote,
    _noise,
    _other_measure,
    _other_units,
)


def _layout(parts: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Two parts flattened into one (a merged header), or one split at its dash."""
    if len(parts) == 2:
        sep = rng.choice((" - ", ": ", " ", ", "))
        return (parts[0] + sep + parts[1],) if rng.random() < 0.5 else (parts[1] + sep + parts[0],)
    if len(parts) == 1 and " - " in parts[0]:
        return tuple(parts[0].split(" - ", 1))
    return parts


def _hearings(label: str, rng: random.Random) -> str:
    """A hearing mode said in a phrase about hearings ("Hearings by video")."""
    form = rng.choice(("Hearings by {}", "{} hearings", "Number of hearings: {}", "{} (hearings)"))
    unit = re.search(r"\s*\(%\)", label)
    bare = label[: unit.start()] if unit else label
    return form.format(bare.lower() if form[0] != "{" else bare) + (unit[0] if unit else "")


def reword_other(
    parts: tuple[str, ...], jurisdiction: str, rng: random.Random, *, modes: bool = False
) -> tuple[str, ...]:
    """One random rewording of another publication's label parts.

    ``modes``: the last part is a hearing mode, which may be said as a phrase about hearings.
    """
    operators = [*_OTHER_OPERATORS, _other_title(jurisdiction)]
    out = list(parts)
    if modes and len(out) == 2 and out[1] != "Total" and rng.random() < 0.4:
        out[1] = _hearings(out[1], rng)
    for op in rng.sample(operators, rng.randint(2, 4)):
        k = rng.randrange(len(out))
        out[k] = op(out[k], rng)
    for _ in range(3):  # operators that found nothing to change: try others
        if tuple(out) != parts:
            break
        k = rng.randrange(len(out))
        out[k] = rng.choice(operators)(out[k], rng)
    if rng.random() < 0.3:
        return _layout(tuple(out), rng)
    return tuple(out)


def other_rewordings(
    publication: str, seed: int = SEED, variants: int = VARIANTS
) -> list[tuple[OtherLabel, tuple[str, ...]]]:
    """``(label, reworded parts)`` for ``variants`` rewordings of each of its labels."""
    rng = random.Random(f"{seed}:{publication}")
    out = []
    for label in other_labels()[publication]:
        parts, _, truth = label
        for _ in range(variants):
            modes = publication == "remote-hearings"
            out.append((label, reword_other(parts, truth[0], rng, modes=modes)))
    return out


def other_randomised(publication: str, seed: int = SEED, variants: int = VARIANTS) -> Score:
    """Evaluation (c) for one publication: every rewording read by its vocabulary."""
    from hmcts_data.tables._crosswalk import load_crosswalk as publication_crosswalk

    cw = publication_crosswalk(publication)
    headers, truth, got = [], [], []
    for (_, title, want), parts in other_rewordings(publication, seed, variants):
        m = cw.classify(list(parts), title)
        headers.append(" | ".join(parts))
        truth.append(want)
        have = None
        if m.jurisdiction is not None and m.measure is not None:
            have = (m.jurisdiction, m.measure, m.breakdown, m.unit)
        got.append(have)
    return _score(f"(c) {publication} rewordings, seed {seed}", headers, truth, got)


def others(seed: int = SEED, variants: int = VARIANTS) -> list[Score]:
    """Evaluation (c): one score per other publication, and their sum."""
    from hmcts_data.tables._crosswalk import crosswalk_files

    scores = [other_randomised(p, seed, variants) for p in crosswalk_files()]
    return [*scores, _sum(f"(c) other publications, seed {seed}", scores)]


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
        *others(),
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
