"""Packaged fact files: one form per fact, validated as it is built, and checked by pydantic.

Each fact file is read with ``tomllib`` straight into the frozen dataclasses the parsers use;
:func:`hmcts_data._build.build` checks every value against its annotation and the
classes' own rules. Pydantic validates the same files into the same classes here, as an
independent check: both must accept the packaged files with equal results and refuse the same
broken ones.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
from pydantic import ValidationError

from hmcts_data import ParseError, _build
from hmcts_data.tables import (
    _crosswalk,
    _facts,
    _fingerprint,
    _interpret,
    _monthly_crosswalk,
    _schema,
)
from tests._pydantic import strict_adapter

_CACHED: tuple[Any, ...] = (
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
    "common_crosswalk.toml": _crosswalk.load_common,
    **{
        file: functools.partial(_crosswalk.load_crosswalk, p)
        for p, file in _crosswalk.crosswalk_files().items()
    },
}

#: The dataclass of each file.
_CLASSES: dict[str, type] = {
    "vocabulary.toml": _schema.Vocabulary,
    "monthly_crosswalk.toml": _monthly_crosswalk.Crosswalk,
    "header_vocabulary.toml": _interpret.Vocabulary,
    "common_crosswalk.toml": _crosswalk.Common,
    **dict.fromkeys(_crosswalk.crosswalk_files().values(), _crosswalk.Crosswalk),
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


def _raw(file: str) -> dict[str, Any]:
    return tomllib.loads(_facts.packaged_bytes(file).decode("utf-8"))


def test_every_fact_file_has_a_loader_and_every_loader_a_file() -> None:
    from importlib import resources

    packaged = {p.name for p in resources.files("hmcts_data.tables").iterdir()}
    assert {f for f in packaged if f.endswith(".toml")} == set(_LOADERS)
    assert set(_CLASSES) == set(_LOADERS)


@pytest.mark.parametrize("file", sorted(_CLASSES))
def test_pydantic_validates_every_packaged_file_into_the_same_objects(file: str) -> None:
    cls = _CLASSES[file]
    by_pydantic = strict_adapter(cls).validate_python(_raw(file))
    loaded = _LOADERS[file]()
    assert by_pydantic == loaded
    assert by_pydantic == _build.build(cls, _raw(file))
    if isinstance(loaded, _monthly_crosswalk.Crosswalk):
        # The derived lookup tables are built the same way too.
        assert by_pydantic.by_header == loaded.by_header


@pytest.mark.parametrize(
    ("file", "find", "put", "needle"),
    [
        (
            "monthly_crosswalk.toml",
            b'unit = "cases"',
            b'unit = "furlongs"',
            r"series #\d+ \(id '[a-z_.]+'\): unit 'furlongs' is not in the vocabulary",
        ),
        ("vocabulary.toml", b"[unit.", b"[unit.Not-Snake", "lower snake_case"),
        ("header_vocabulary.toml", b"version = 1", b"version = 2", "version must be 1"),
        ("monthly_crosswalk.toml", b"[[series]]", b"[[series]", "monthly crosswalk"),
        (
            "monthly_crosswalk.toml",
            b'unit = "cases"',
            b'unit = "cases"\ncolour = "red"',
            r"series #\d+ \(id '[a-z_.]+'\): unknown keys \['colour'\]",
        ),
        ("header_vocabulary.toml", b"version = 1", b'version = "1"', "version: expected a num"),
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
def test_a_broken_file_is_refused_naming_the_entry(
    file: str, find: bytes, put: bytes, needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find in _facts.packaged_bytes(file)
    _edited(monkeypatch, file, lambda data: data.replace(find, put, 1))
    with pytest.raises(ParseError, match=needle) as info:
        _LOADERS[file]()
    assert info.value.file == file
    if file in _CLASSES and b"[[series]" not in put and b'"1"' not in put:
        # Pydantic refuses it too: the rules are the classes', whoever builds them. (Not the
        # TOML syntax error, nor text for a number, which pydantic's lax mode accepts.)
        with pytest.raises(ValidationError):
            strict_adapter(_CLASSES[file]).validate_python(_raw(file))


@pytest.mark.usefixtures("fresh")
def test_an_edited_file_is_used_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """No copy to rebuild: the next load reads the file as it now is."""
    assert "civil" in _schema.vocabulary().jurisdiction
    _clear()
    _edited(
        monkeypatch,
        "vocabulary.toml",
        lambda data: data + b'\n[unit.furlongs]\nlabel = "Furlongs"\ndescription = "Length."\n',
    )
    assert "furlongs" in _schema.vocabulary().unit


def test_an_unreadable_fact_file_is_a_parse_error(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(name: str) -> bytes:
        raise FileNotFoundError(2, "No such file", name)

    monkeypatch.setattr(_facts, "packaged_bytes", missing)
    with pytest.raises(ParseError, match=r"vocabulary\.toml cannot be read .*Reinstall"):
        _schema.vocabulary()


def test_a_file_that_is_not_utf8_is_a_parse_error(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edited(monkeypatch, "vocabulary.toml", lambda data: b"\xff" + data)
    with pytest.raises(ParseError, match=r"tidy vocabulary vocabulary\.toml is invalid"):
        _schema.vocabulary()


# build: each kind of annotation, accepted and refused.


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Leaf:
    name: str
    kind: Literal["a", "b"] = "a"
    size: int = 0
    share: float = 0.0
    flag: bool = False
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("name must not be blank")


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Tree:
    leaves: tuple[_Leaf, ...] = ()
    by_name: dict[str, _Leaf] = dataclasses.field(default_factory=dict)
    words: tuple[str, ...] = ()


def test_build_fills_defaults_and_converts_lists_to_tuples() -> None:
    tree = _build.build(
        _Tree,
        {
            "leaves": [{"name": "x", "kind": "b", "size": 2, "share": 1, "flag": True}],
            "by_name": {"y": {"name": "y", "note": "n"}},
            "words": ["p", "q"],
        },
    )
    assert tree == _Tree(
        leaves=(_Leaf(name="x", kind="b", size=2, share=1.0, flag=True),),
        by_name={"y": _Leaf(name="y", note="n")},
        words=("p", "q"),
    )
    assert isinstance(tree.leaves[0].share, float)
    assert tree == strict_adapter(_Tree).validate_python(
        {
            "leaves": [{"name": "x", "kind": "b", "size": 2, "share": 1, "flag": True}],
            "by_name": {"y": {"name": "y", "note": "n"}},
            "words": ["p", "q"],
        }
    )


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"leaves": [{"name": "x", "colour": 1}]}, r"leaves #1: unknown keys \['colour'\]"),
        ({"leaves": [{}]}, r"leaves #1: missing keys \['name'\]"),
        ({"leaves": [{"name": 3}]}, r"leaves #1\.name: expected text, got 3"),
        ({"leaves": [{"name": "x", "kind": "c"}]}, r"kind: must be one of \['a', 'b'\]"),
        # Stricter than pydantic's lax mode: TOML has real booleans and numbers.
        ({"leaves": [{"name": "x", "size": True}]}, "size: expected a number"),
        ({"leaves": [{"name": "x", "size": 1.5}]}, "size: expected a number"),
        ({"leaves": [{"name": "x", "flag": 1}]}, "flag: expected true/false"),
        ({"leaves": [{"name": "x", "note": 1}]}, "note: expected text"),
        ({"leaves": [{"name": ""}]}, "leaves #1: name must not be blank"),
        ({"leaves": {"name": "x"}}, "leaves: expected a list"),
        ({"by_name": ["x"]}, "by_name: expected a table"),
        ({"by_name": {"y": "x"}}, r"by_name\.y: expected a table"),
        ({"words": "pq"}, "words: expected a list"),
        ([], "expected a table"),
    ],
)
def test_build_refuses_what_does_not_fit_naming_it(data: Any, needle: str) -> None:
    with pytest.raises(_build.FactError, match=needle):
        _build.build(_Tree, data)
    lax = ("size: expected", "flag: expected")
    if not needle.startswith(lax) or "1.5" in repr(data):
        with pytest.raises(ValidationError):
            strict_adapter(_Tree).validate_python(data)
