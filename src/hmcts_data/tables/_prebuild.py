"""Maintainer command: rebuild ``_prebuilt.json`` from the packaged fact files.

Run it after editing a fact file (``vocabulary.toml``, ``monthly_crosswalk.toml``,
``header_vocabulary.toml``, ``fingerprints.toml``, ``common_crosswalk.toml`` or a publication's
``<publication>_crosswalk.toml``)::

    python -m hmcts_data.tables._prebuild          # rewrite src/hmcts_data/tables/_prebuilt.json
    python -m hmcts_data.tables._prebuild --check  # exit 1 when it is out of date

Each file is validated in full (the same validation a changed file gets at load); the output is
deterministic (the same fact files give the same bytes). A test fails while the file is out of
date. Until it is rebuilt, a changed fact file is still validated and used at load, only slower.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, cast

from hmcts_data.tables._facts import PREBUILD_COMMAND, PREBUILT, packaged_bytes

__all__ = ["FACT_FILES", "main", "prebuilt_text"]

#: Fact file -> ``module:function`` that fully validates its bytes (and name) into JSON-shaped
#: data.
FACT_FILES: Final[dict[str, str]] = {
    "vocabulary.toml": "hmcts_data.tables._schema:validate_vocabulary",
    "monthly_crosswalk.toml": "hmcts_data.tables._monthly_crosswalk:validate_crosswalk",
    "header_vocabulary.toml": "hmcts_data.tables._interpret:validate_vocabulary",
    "fingerprints.toml": "hmcts_data.tables._fingerprint:validate_fingerprints",
    "common_crosswalk.toml": "hmcts_data.tables._crosswalk:validate_common",
    "weekly_covid_crosswalk.toml": "hmcts_data.tables._crosswalk:validate_publication",
    "remote_hearings_crosswalk.toml": "hmcts_data.tables._crosswalk:validate_publication",
    "reformed_services_crosswalk.toml": "hmcts_data.tables._crosswalk:validate_publication",
    "ad_hoc_crosswalk.toml": "hmcts_data.tables._crosswalk:validate_publication",
}


def _validator(path: str) -> Callable[[bytes, str], Any]:
    module, _, name = path.partition(":")
    return cast("Callable[[bytes, str], Any]", getattr(importlib.import_module(module), name))


def prebuilt_text() -> str:
    """The content ``_prebuilt.json`` should have for the packaged fact files.

    Raises:
        ParseError: A fact file is invalid (the message names the entry).
    """
    out: dict[str, Any] = {}
    for file, path in FACT_FILES.items():
        data = packaged_bytes(file)
        out[file] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "data": _validator(path)(data, file),
        }
    return json.dumps(out, ensure_ascii=False, indent=1) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check``, compare) the pre-built fact data; return the exit code."""
    parser = argparse.ArgumentParser(prog=PREBUILD_COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    target = Path(__file__).with_name(PREBUILT)
    text = prebuilt_text()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{target} is out of date: run {PREBUILD_COMMAND}", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
    print(f"wrote {target}" if current != text else f"{target} was up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
