"""The publication registry: one file says what each publication is; the rest derives from it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import NotFoundError, ParseError
from hmcts_data._catalogue._classify import classify
from hmcts_data._catalogue._ids import catalogue_ids
from hmcts_data._registry import FILE, Registry, load_registry, parse_registry, registry
from hmcts_data.cli import main
from hmcts_data.tables import parser_for
from hmcts_data.tables._crosswalk import crosswalk_files
from hmcts_data.tables._fingerprint import fingerprints
from tests._pydantic import strict_adapter


def _text() -> str:
    return resources.files("hmcts_data").joinpath(FILE).read_text(encoding="utf-8")


def test_pydantic_validates_the_registry_into_the_same_objects() -> None:
    raw = tomllib.loads(_text())
    for pid, entry in raw["publication"].items():
        entry["id"] = pid
    assert strict_adapter(Registry).validate_python(raw) == registry()


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('kind = "data"', 'kind = "dataset"', r"publication\.monthly\.kind: must be one of"),
        ("precedence = 6", 'precedence = "6"', r"pages\.precedence: expected a number"),
        ('parser = "monthly"', 'parser = "../x"', "parser must be 'crosswalk' or a module"),
        ('evidence = "observed"', 'evidence = "seen"', r"fingerprint\.evidence: must be one"),
        ("min_share = 0.5", "min_share = 1.5", "min_share must be between 0 and 1"),
        ("[publication.monthly.fingerprint]", "[publication.monthly.print]", "unknown keys"),
        ("(?:--\\d+)?$'", "(?:--\\d+?$'", "is not a regular expression"),
        ("[publication.ad-hoc]", "[publication.Ad_Hoc]", "lower-case words joined by hyphens"),
        ('read = { parser = "crosswalk", crosswalk = "ad_hoc', 'x = { p = "', "unknown keys"),
    ],
)
def test_a_bad_entry_is_refused_by_name(old: str, new: str, needle: str) -> None:
    text = _text()
    assert old in text
    with pytest.raises(ParseError, match=needle) as info:
        load_registry(text.replace(old, new, 1))
    assert info.value.file == FILE


def test_rules_between_fields() -> None:
    base = tomllib.loads(_text())
    entry = base["publication"]["ad-hoc"]
    for drop, needle in (
        ("read", "needs read"),
        ("fingerprint", "needs a fingerprint"),
        ("pages", "needs its pages"),
    ):
        broken = {**base, "publication": {"ad-hoc": {k: v for k, v in entry.items() if k != drop}}}
        with pytest.raises(ValueError, match=needle):
            parse_registry(broken)
    finder = {**entry, "source": "finder"}
    with pytest.raises(ValueError, match="needs its finder"):
        parse_registry({**base, "publication": {"ad-hoc": finder}})
    finder["finder"] = {"base_path": "employment-tribunal-decisions", "document_type": "x"}
    with pytest.raises(ValueError, match="starting with '/'"):
        parse_registry({**base, "publication": {"ad-hoc": finder}})


def test_every_example_page_is_classified_as_its_publication() -> None:
    examples = {
        p.id: p.pages.example
        for p in registry().publication.values()
        if p.pages is not None and p.pages.example
    }
    assert {"monthly", "reformed-services", "weekly-covid"} <= set(examples)
    for pid, slug in examples.items():
        assert classify("/government/statistical-data-sets/" + slug) == pid


def test_everything_that_names_publications_names_the_registrys() -> None:
    ids = list(registry().ids(source="collection"))
    read = [p.id for p in registry().publication.values() if p.read is not None]
    assert list(catalogue_ids()) == ids
    # The others are GOV.UK finders, read by hmcts_data.decisions.
    finders = [f.id for f in hmcts_data.decisions.finders()]
    assert ids + finders == list(registry().publication)
    assert list(fingerprints()) == read
    assert list(hmcts_data.tables._schema.vocabulary().publication) == read
    crosswalked = [pid for pid in read if _parser_name(pid) == "crosswalk"]
    assert list(crosswalk_files()) == crosswalked
    for pid in read:
        assert callable(parser_for(pid))
    with pytest.raises(NotFoundError, match="a document"):
        parser_for("user-guide")
    with pytest.raises(NotFoundError):
        parser_for("no-such-publication")
    # The CLI's help names them (wrapped lines may break after a hyphen).
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["read", "--help"])
    assert ", ".join(read) in re.sub(r"-\s+", "-", " ".join(out.getvalue().split()))


def _parser_name(publication: str) -> str:
    reading = registry().get(publication).read
    assert reading is not None
    return reading.parser


_TOY_ENTRY = """

[publication.toy-stats]
title = "Toy statistics"
description = "A SYNTHETIC publication added by the registry test."
kind = "data"
frequency = "monthly"
status = "live"
in_collection = true
pages = { slug = ['^toy-statistics-{month}-\\d{4}$'], example = "toy-statistics-april-2025" }
read = { parser = "crosswalk", crosswalk = "toy_stats_crosswalk.toml" }

[publication.toy-stats.fingerprint]
evidence = "inferred"
periods = ["month"]
"""

_TOY_CROSSWALK = """
publication = "toy-stats"
note = "SYNTHETIC: the registry test's toy publication."

[measures.receipts]
unit = "cases"
shared = true
match = ["receipts", "received"]
"""

_TOY_SCRIPT = """
import json, sys
from contextlib import redirect_stdout
from io import StringIO

import hmcts_data
from hmcts_data import Client
from hmcts_data._catalogue._classify import classify
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK, SiteFile, build_site

csv = (
    b"Table 1: Toy receipts\\n\\nMonth,Crown Court receipts,Civil claims received\\n"
    b"Mar 2025,5,6\\nApr 2025,7,8\\n"
)
read = hmcts_data.read("toy-stats", csv)


def files(release):
    if release.publication == "toy-stats":
        return [SiteFile("toy_statistics_april_2025.csv", csv, "text/csv", "Toy receipts")]
    return None


with FakeGovUK() as fake:
    build_site(fake, monthly=2, files=files)
    with Client(base_url=fake.base_url, cache_dir=sys.argv[1]) as client:
        cat = hmcts_data.catalogue(client=client)
        loaded = hmcts_data.load("toy-stats", client=client)

out = StringIO()
with redirect_stdout(out):
    try:
        main(["read", "--help"])
    except SystemExit:
        pass
print(json.dumps({
    "read": read[["jurisdiction", "measure", "value"]].astype(str).values.tolist(),
    "publication": sorted(set(loaded["publication"].astype(str))),
    "loaded": len(loaded),
    "release": sorted(set(loaded["release"].astype(str))),
    "catalogue": [r.slug for r in cat.get("toy-stats").releases],
    "classified": classify("/x/toy-statistics-may-2025"),
    "help": "toy-stats" in out.getvalue(),
}))
"""


def test_a_publication_added_to_a_temporary_registry_reads_end_to_end(tmp_path: Path) -> None:
    # A copy of the package whose registry has one more entry, and that entry's vocabulary:
    # nothing else is edited, and the toy publication is discovered, loaded and read.
    source = Path(hmcts_data.__file__).parent
    package = tmp_path / "site" / "hmcts_data"
    shutil.copytree(source, package, ignore=shutil.ignore_patterns("__pycache__"))
    with (package / FILE).open("a", encoding="utf-8") as registry_file:
        registry_file.write(_TOY_ENTRY)
    (package / "tables" / "toy_stats_crosswalk.toml").write_text(_TOY_CROSSWALK, encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HMCTS_DATA_")},
        "PYTHONPATH": str(package.parent),
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_TOY_SCRIPT), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["read"] == [
        ["crown_court", "receipts", "5.0"],
        ["crown_court", "receipts", "7.0"],
        ["civil", "receipts", "6.0"],
        ["civil", "receipts", "8.0"],
    ]
    assert found["publication"] == ["toy-stats"]
    assert found["loaded"] == 4
    assert found["release"] == ["2025-04"]
    assert found["catalogue"] == ["toy-statistics-april-2025"]
    assert found["classified"] == "toy-stats"
    assert found["help"] is True
