"""With no network, the catalogue-snapshot and embedded-release warnings name the user's line.

The fallbacks warn from deep inside the library (``catalogue`` when ``load`` or ``series``
discovers the catalogue, ``load`` when ``series`` loads every release), through a different
number of frames on each path. As in ``test_warnings_at_user_line.py``, a real script runs in
a subprocess and every warning must be attributed to the script's line that made the call,
never to a file of the package.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests._network import refused_port
from tests._scripts import RECORDER, line_of, run_script

SCRIPT = RECORDER + textwrap.dedent(
    """
    import sys
    import hmcts_data

    def refused(cache):
        return hmcts_data.Client(base_url=sys.argv[1], cache_dir=cache, retries=0)

    def off(cache):
        return hmcts_data.Client(cache_dir=cache, offline=True)

    record("catalogue refused", lambda: hmcts_data.catalogue(client=refused("c1")))  # LINE c-r
    record("load refused", lambda: hmcts_data.load("monthly", client=refused("c2")))  # LINE l-r
    record("series refused", lambda: hmcts_data.series(client=refused("c3")))  # LINE s-r
    record("load offline", lambda: hmcts_data.load("monthly", "all", client=off("c4")))  # LINE lo
    record("series offline", lambda: hmcts_data.series(client=off("c5")))  # LINE s-o
    print(json.dumps(seen))
    """
)

TAGS = {
    "catalogue refused": "c-r",
    "load refused": "l-r",
    "series refused": "s-r",
    "load offline": "lo",
    "series offline": "s-o",
}


def test_no_network_warnings_name_the_calling_script(tmp_path: Path) -> None:
    script, seen = run_script(tmp_path, SCRIPT, f"http://127.0.0.1:{refused_port()}")
    for call, tag in TAGS.items():
        categories = {category for category, _, _ in seen[call]}
        # Every path warns about the snapshot; all but the bare catalogue also about the
        # embedded releases it fell back to.
        assert "StaleDataWarning" in categories, f"{call}: {seen[call]}"
        if call != "catalogue refused":
            assert "EmbeddedDataWarning" in categories, f"{call}: {seen[call]}"
        for category, filename, lineno in seen[call]:
            assert Path(filename) == script, f"{call}: {category} attributed to {filename}"
            assert lineno == line_of(SCRIPT, tag), f"{call}: {category} at line {lineno}"
