"""Packaged fact files: the pre-built data is current, and a changed file is validated in full.

A read of an unchanged install takes each fact file's validated data from ``_prebuilt.json``
(no TOML parser, no pydantic); a file whose bytes differ from the ones it was built from goes
through the full validation, which must still refuse a bad entry by name and otherwise give the
same objects.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from hmcts_data import ParseError
from hmcts_data.tables import (
    _crosswalk,
    _facts,
    _fingerprint,
    _interpret,
    _monthly_crosswalk,
    _schema,
)
from hmcts_data.tables import _crosswalk_models as publication_models
from hmcts_data.tables import _header_vocabulary_models as header_models
from hmcts_data.tables import _monthly_crosswalk_models as crosswalk_models
from hmcts_data.tables import _vocabulary_models as vocabulary_models
from hmcts_data.tables._prebuild import FACT_FILES, main, prebuilt_text

_CACHED: tuple[Any, ...] = (
    _facts._prebuilt,
    _schema.vocabulary,
    _schema._dtypes,
    _schema._category_codes,
    _monthly_crosswalk.load_crosswalk,
    _interpret.load_vocabulary,
    _interpret._tables,
    _interpret.interpret_label,
    _fingerprint.fingerprints,
    _crosswalk.load_common,
    _crosswalk.load_crosswalk,
)

#: Each fact file's loader.
_LOADERS: dict[str, Callable[[], object]] = {
    "vocabulary.toml": _schema.vocabulary,
    "monthly_crosswalk.toml": _monthly_crosswalk.load_crosswalk,
    "header_vocabulary.toml": _interpret.load_vocabulary,
    "fingerprints.toml": _fingerprint.fingerprints,
    "common_crosswalk.toml": _crosswalk.load_common,
    **{
        f"{p.replace('-', '_')}_crosswalk.toml": functools.partial(_crosswalk.load_crosswalk, p)
        for p in _crosswalk.PUBLICATIONS
    },
}


def _clear() -> None:
    for function in _CACHED:
        function.cache_clear()


@pytest.fixture
def fresh() -> Iterator[None]:
    """Every fact loader's cache empty before and after the test."""
    _clear()
    yield
    _clear()


def _edited(monkeypatch: pytest.MonkeyPatch, file: str, edit: Callable[[bytes], bytes]) -> None:
    """Make the packaged bytes of ``file`` read as ``edit`` of them (the rest unchanged)."""
    real = _facts.packaged_bytes

    def packaged(name: str) -> bytes:
        return edit(real(name)) if name == file else real(name)

    monkeypatch.setattr(_facts, "packaged_bytes", packaged)


def test_the_prebuilt_data_is_current() -> None:
    target = Path(_facts.__file__).with_name(_facts.PREBUILT)
    assert target.read_text(encoding="utf-8") == prebuilt_text(), (
        f"{target.name} is out of date with the fact files: run {_facts.PREBUILD_COMMAND}"
    )
    assert main(["--check"]) == 0


def test_every_loader_has_prebuilt_data() -> None:
    assert set(FACT_FILES) == set(_LOADERS)
    assert set(_facts._prebuilt()) == set(FACT_FILES)


@pytest.mark.parametrize("file", sorted(_LOADERS))
def test_a_changed_file_is_validated_and_gives_the_same_objects(
    file: str, fresh: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from_prebuilt = _LOADERS[file]()
    _clear()
    # Another digest, the same facts: a comment line added at the end.
    _edited(monkeypatch, file, lambda data: data + b"\n# edited after the pre-build\n")
    with caplog.at_level(logging.DEBUG, logger="hmcts_data"):
        validated = _LOADERS[file]()
    assert validated == from_prebuilt
    assert validated is not from_prebuilt
    assert any(
        file in r.getMessage() and _facts.PREBUILD_COMMAND in r.getMessage() for r in caplog.records
    )


def test_without_prebuilt_data_every_file_is_validated(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {file: load() for file, load in _LOADERS.items()}
    _clear()
    _edited(monkeypatch, _facts.PREBUILT, lambda data: b"not json")
    assert {file: load() for file, load in _LOADERS.items()} == expected
    assert _facts._prebuilt() == {}


@pytest.mark.parametrize(
    ("file", "find", "put", "needle"),
    [
        (
            "monthly_crosswalk.toml",
            b'unit = "cases"',
            b'unit = "furlongs"',
            r"\[\[series\]\] #\d+ \(id '[a-z_.]+'\): unit 'furlongs' is not in the vocabulary",
        ),
        ("vocabulary.toml", b"[unit.", b"[unit.Not-Snake", "lower snake_case"),
        ("header_vocabulary.toml", b"version = 1", b"version = 2", "version must be 1"),
        ("fingerprints.toml", b'evidence = "', b'evidence = "guessed', "evidence must be"),
        ("monthly_crosswalk.toml", b"[[series]]", b"[[series]", "monthly crosswalk is invalid"),
        (
            "remote_hearings_crosswalk.toml",
            b'unit = "hearings"',
            b'unit = "furlongs"',
            r"(?s)crosswalk remote_hearings_crosswalk\.toml is invalid: .*measures\.hearings: unit",
        ),
        ("common_crosswalk.toml", b'percent = ["share"]', b'furlongs = ["fl"]', "furlongs"),
    ],
)
@pytest.mark.usefixtures("fresh")
def test_a_broken_changed_file_is_refused_naming_the_entry(
    file: str, find: bytes, put: bytes, needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find in _facts.packaged_bytes(file)
    _edited(monkeypatch, file, lambda data: data.replace(find, put, 1))
    with pytest.raises(ParseError, match=needle) as info:
        _LOADERS[file]()
    assert info.value.file == file


def test_an_unreadable_fact_file_is_a_parse_error(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(name: str) -> bytes:
        raise FileNotFoundError(2, "No such file", name)

    monkeypatch.setattr(_facts, "packaged_bytes", missing)
    with pytest.raises(ParseError, match=r"vocabulary\.toml cannot be read .*Reinstall"):
        _schema.vocabulary()


@pytest.mark.parametrize(
    ("model", "runtime"),
    [
        (vocabulary_models.Vocabulary, _schema.Vocabulary),
        (vocabulary_models.VocabularyEntry, _schema.VocabularyEntry),
        (crosswalk_models.HeaderLabel, _monthly_crosswalk.HeaderLabel),
        (crosswalk_models.Series, _monthly_crosswalk.Series),
        (crosswalk_models.BlockColumn, _monthly_crosswalk.BlockColumn),
        (crosswalk_models.PositionalBlock, _monthly_crosswalk.PositionalBlock),
        (header_models.Phrase, _interpret.Phrase),
        (header_models.MeasureRule, _interpret.MeasureRule),
        (header_models.Vocabulary, _interpret.Vocabulary),
        (publication_models.MeasureEntry, _crosswalk.MeasureEntry),
        (publication_models.BreakdownEntry, _crosswalk.BreakdownEntry),
        (publication_models.JurisdictionEntry, _crosswalk.JurisdictionEntry),
        (publication_models.LabelException, _crosswalk.LabelException),
        (publication_models.Common, _crosswalk.Common),
        (publication_models.Crosswalk, _crosswalk.Crosswalk),
    ],
)
def test_validation_models_and_runtime_classes_have_the_same_fields(
    model: type[BaseModel], runtime: type
) -> None:
    """The pydantic model that validates a fact and the dataclass the read path uses agree."""

    def default(f: dataclasses.Field[Any]) -> object:
        if f.default is not dataclasses.MISSING:
            return f.default
        if f.default_factory is not dataclasses.MISSING:
            return f.default_factory()
        return "required"

    assert model.__name__ == runtime.__name__
    fields = {f.name: default(f) for f in dataclasses.fields(runtime)}
    assert fields == {
        name: "required" if info.is_required() else info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
    }


def test_the_prebuild_output_does_not_depend_on_the_hash_seed() -> None:
    """Sets (eras, periods, signatures) are written sorted: the same files give the same bytes."""
    import os
    import subprocess
    import sys

    code = "from hmcts_data.tables._prebuild import prebuilt_text; print(prebuilt_text(), end='')"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
