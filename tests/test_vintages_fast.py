"""The fast vintage rules (integer keys, whole-column differences) equal the row-wise reference.

``tests/_vintages_reference.py`` is the implementation as first written. Every case here runs
both on the same seeded frames (shuffled, with unmapped columns, missing cells, decimals,
negatives, zeros, a release loaded twice, unknown publication times, reworded and demoted
headers) and requires identical frames: values, dtypes, row order and error messages.
"""

from __future__ import annotations

import functools
import hashlib
import random
import struct
import warnings
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from hmcts_data import ParseError
from hmcts_data.tables._schema import Provenance
from hmcts_data.tables._vintages import _exact_difference, latest_series, revisions
from hmcts_data.tables.monthly import parse
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_csv, monthly_releases
from hmcts_data.testing._reworded import REWORDED_D, reword_headers
from tests import _vintages_reference as reference


def _frame(made: MonthlyFile | bytes, name: str) -> pd.DataFrame:
    data = made if isinstance(made, bytes) else made.data
    prov = Provenance("monthly", name, hashlib.sha256(data).hexdigest())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse(data, prov, on_unknown="keep").frame()


def _with_unknown_columns(made: MonthlyFile, labels: list[str], seed: int) -> bytes:
    lines = made.data.decode().split("\n")
    rng = random.Random(seed)
    lines[0] += "," + ",".join(f'"{label}"' for label in labels)
    for i in range(1, 14):
        lines[i] += "," + ",".join(str(rng.randint(0, 50)) for _ in labels)
    return "\n".join(lines).encode()


def stacked_eras() -> pd.DataFrame:
    """Several eras and reworded, unmapped and demoted headers, stacked newest first."""
    frames = []
    for i, made in enumerate(monthly_releases("D", date(2024, 9, 1), 4, seed=5)):
        # Headers that trim to one label across releases, and one that differs only in case.
        labels = [
            ["Mystery"],
            [" Mystery ", "Other"],
            ["mystery", "Mystery "],
            ["Other", "Mystery"],
        ][i]
        frames.append(_frame(_with_unknown_columns(made, labels, i), f"d{i}.csv"))
    runs = monthly_releases("D", date(2025, 1, 1), 4, seed=9)
    frames += [_frame(r, f"e{i}.csv") for i, r in enumerate(runs[:2])]
    frames.append(_frame(reword_headers(runs[2].data), "reworded.csv"))
    # Receipts and disposals swapped in a reworded header: confirmation demotes both.
    header, _, rest = reword_headers(runs[-1].data).partition(b"\n")
    a = REWORDED_D["Employment Tribunal Receipts"].encode()
    b = REWORDED_D["Employment Tribunal Disposals"].encode()
    swapped = header.replace(a, b"\0").replace(b, a).replace(b"\0", b) + b"\n" + rest
    frames.append(_frame(swapped, "swapped.csv"))
    frames.append(_frame(monthly_csv("A", date(2019, 4, 1), 3), "a.csv"))
    frames.append(_frame(monthly_csv("A'", date(2019, 5, 1), 4), "a2.csv"))
    frames.append(_frame(monthly_csv("B", date(2020, 4, 1), 6), "b.csv"))
    return pd.concat(frames[::-1], ignore_index=True)


@pytest.fixture(scope="module")
def base() -> pd.DataFrame:
    return stacked_eras()


def _value(rng: random.Random) -> float:
    """A published figure: whole, a few decimals, negative, zero, huge, or a long fraction."""
    roll = rng.random()
    if roll < 0.3:
        return float(rng.randint(0, 200_000))
    if roll < 0.6:
        places = rng.randint(1, 6)
        return round(rng.uniform(-1000, 1000), places)
    if roll < 0.7:
        return rng.choice([0.0, -0.0, 0.1, 0.2, 0.3, 90.1, 90.2, 1e-7])
    if roll < 0.8:
        return rng.choice([1 / 3, 2 / 7, rng.random(), 123456789.123456789])
    if roll < 0.9:
        return rng.choice([1e15, 9.5e14, 1e17 + 2, -3e20, 1.5e300])
    return round(rng.uniform(-1, 1), rng.randint(7, 14))


def _variant(base: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``base`` shuffled, with seeded values, holes, a doubled release and unknown times."""
    rng = random.Random(seed)
    frame = base.copy()
    n = len(frame)
    # Values: keep many (so some figures do not change), replace others, punch holes.
    values = frame["value"].astype("Float64").copy()
    markers = frame["marker"].copy()
    for i in rng.sample(range(n), n // 3):
        values.iloc[i] = _value(rng)
        markers.iloc[i] = pd.NA
    holes = rng.sample(range(n), n // 10)
    values.iloc[holes] = None
    markers.iloc[holes] = [rng.choice(["[x]", "NA", "blank", "[c]"]) for _ in holes]
    frame["value"], frame["marker"] = values, markers
    releases = sorted(frame["release"].unique())
    if seed % 2:
        # A release published at an unknown time (a local file) sorts before known ones.
        frame.loc[frame["release"] == rng.choice(releases), "published"] = pd.NaT
    if seed % 3 == 0:
        # The same release loaded twice from two files, identical figures.
        copy = frame[frame["release"] == rng.choice(releases)].assign(source_file="copy.csv")
        frame = pd.concat([frame, copy], ignore_index=True)
    order = list(range(len(frame)))
    rng.shuffle(order)
    return frame.iloc[order].reset_index(drop=True)


def _same(
    fast: Callable[[pd.DataFrame], pd.DataFrame],
    slow: Callable[[pd.DataFrame], pd.DataFrame],
    frame: pd.DataFrame,
) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = slow(frame)
        got = fast(frame)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # Signed zeros too: assert_frame_equal treats -0.0 and 0.0 as equal.
    for column in got.columns:
        if str(got[column].dtype) == "Float64":
            a = got[column].to_numpy(dtype=np.float64, na_value=np.nan)
            b = want[column].to_numpy(dtype=np.float64, na_value=np.nan)
            assert np.array_equal(np.signbit(a), np.signbit(b)), column
    return got


@pytest.mark.parametrize("seed", range(6))
def test_latest_series_equals_the_reference(base: pd.DataFrame, seed: int) -> None:
    frame = _variant(base, seed)
    for skip in (False, True):
        got = _same(
            functools.partial(latest_series, skip_missing=skip),
            functools.partial(reference.latest_series, skip_missing=skip),
            frame,
        )
        assert got["jurisdiction"].isna().any()  # unmapped columns took part
        assert got["release"].nunique() > 1


@pytest.mark.parametrize("seed", range(6))
def test_revisions_equal_the_reference(base: pd.DataFrame, seed: int) -> None:
    frame = _variant(base, seed)
    got = _same(revisions, reference.revisions, frame)
    # Seeded values may move a short series one way often enough to read as a whole-series
    # revision; both implementations then say so alike.
    kinds = {"revised", "filled", "withdrawn"}
    assert kinds <= set(got["kind"]) <= {*kinds, "whole_series"}
    assert got["jurisdiction"].isna().any()


def test_two_releases_and_one_release(base: pd.DataFrame) -> None:
    frame = _variant(base, 7)
    newest = sorted(frame["release"].unique())[-2:]
    two = frame[frame["release"].isin(newest)].reset_index(drop=True)
    one = frame[frame["release"] == newest[-1]].reset_index(drop=True)
    for part in (two, one, one.iloc[:0]):
        _same(revisions, reference.revisions, part)
        _same(latest_series, reference.latest_series, part)
    assert revisions(one).empty


def test_clashing_copies_raise_the_same_message(base: pd.DataFrame) -> None:
    frame = _variant(base, 1)
    release = sorted(frame["release"].unique())[2]
    copy = frame[frame["release"] == release].assign(source_file="other.csv")
    copy["value"] = copy["value"] + 1
    bad = pd.concat([frame, copy], ignore_index=True)
    for fast, slow in ((latest_series, reference.latest_series), (revisions, reference.revisions)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ParseError) as want:
                slow(bad)
            with pytest.raises(ParseError, match="loaded twice") as got:
                fast(bad)
        assert str(got.value) == str(want.value)


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _decimal(old: float, new: float) -> float:
    return float(Decimal(repr(float(new))) - Decimal(repr(float(old))))


@pytest.mark.parametrize("seed", range(4))
def test_whole_column_difference_is_the_decimal_one(seed: int) -> None:
    rng = random.Random(seed)
    pairs = []
    for _ in range(4000):
        old = _value(rng)
        roll = rng.random()
        # Revised a little, a lot, to a value of other decimals, or not at all.
        if roll < 0.3:
            new = round(old + rng.choice([-1, 1]) * 10 ** -rng.randint(0, 6), rng.randint(0, 8))
        elif roll < 0.5:
            new = old
        else:
            new = _value(rng)
        pairs.append((old, new))
    pairs += [(0.0, -0.0), (-0.0, 0.0), (-0.0, -0.0), (90.1, 90.2), (0.1, 0.3), (1e15, 1e15 + 1)]
    got = _exact_difference(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
    want = [_decimal(o, n) for o, n in pairs]
    bad = [(o, n) for (o, n), g, w in zip(pairs, got, want, strict=True) if _bits(g) != _bits(w)]
    assert not bad, bad[:5]
    # Most pairs took the whole-column path; the float shortcut would differ on many of them.
    assert sum(_bits(n - o) != _bits(w) for (o, n), w in zip(pairs, want, strict=True)) > 100


def test_non_finite_values_take_the_decimal_path() -> None:
    old = np.array([1.0, np.inf, 5.5, -np.inf])
    new = np.array([np.inf, 2.0, np.nan, 1.0])
    got = _exact_difference(old, new)
    want = [_decimal(o, n) for o, n in zip(old, new, strict=True)]
    assert [_bits(g) for g in got[[0, 1, 3]]] == [_bits(w) for w in np.array(want)[[0, 1, 3]]]
    assert np.isnan(got[2])
    assert np.isnan(want[2])


@pytest.mark.parametrize(
    "values",
    [
        ["b", "b", "a", "a", "c", "b", "b"],
        ["x"] * 5,
        [],
        [None, None],
        ["b", None, None, "a", "b"],
        ["b", pd.NA, "a", pd.NA, "b"],
        ["10", "9", "", " ", "Z", "a", "é"],
        [2, "a", 1],
    ],
)
def test_text_codes_are_a_sorted_factorisation(values: list[object]) -> None:
    from hmcts_data.tables._vintages import _text_codes

    array = np.array(values, dtype=object)
    want, uniques = pd.factorize(array, sort=True)  # mixed types: pandas' own fallback order
    codes, size = _text_codes(array)
    assert size == len(uniques)
    assert codes.tolist() == want.tolist()
