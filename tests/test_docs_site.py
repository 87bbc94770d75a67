"""The built documentation site, as a reader sees it, and the names the docs teach.

The site is built once per run with ``mkdocs build --strict`` into a temporary folder (a few
seconds). Every public name (from the ``__all__`` of ``hmcts_data``, ``hmcts_data.plot``,
``hmcts_data.routes`` and ``hmcts_data.testing``, so a name added later is covered too) must
have an entry; examples must render as highlighted code with no doctest directive; no reST
role, no private module path may reach a reader.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import hmcts_data
from hmcts_data import decisions, plot, routes, testing

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mkdocs", reason="the docs extra is not installed")
pytest.importorskip("mkdocstrings", reason="the docs extra is not installed")

NAMESPACES: tuple[tuple[ModuleType, str], ...] = (
    (hmcts_data, "hmcts_data"),
    (plot, "hmcts_data.plot"),
    (routes, "hmcts_data.routes"),
    (decisions, "hmcts_data.decisions"),
    (testing, "hmcts_data.testing"),
)
PUBLIC: list[str] = [f"{prefix}.{name}" for module, prefix in NAMESPACES for name in module.__all__]

_PRIVATE_PATH = re.compile(r"hmcts_data(?:\.[A-Za-z]\w*)*\._[A-Za-z]\w*")
_ROLE = re.compile(r":(?:py:)?(?:func|class|data|attr|meth|mod|exc|obj|const):`")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Build the docs; return each page's HTML keyed by its path in the site."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return {
        str(page.relative_to(out)): page.read_text("utf-8")
        for page in out.rglob("*.html")
        if page.parent != out / "search"
    }


def _ids(site: dict[str, str]) -> dict[str, str]:
    """Anchor id -> page for every documented object."""
    found: dict[str, str] = {}
    for page, text in site.items():
        for anchor in re.findall(r'<h\d id="(hmcts_data[^"]*)" class="doc doc-heading"', text):
            found.setdefault(anchor, page)
    return found


def _entry(site: dict[str, str], anchor: str) -> str:
    """The HTML of one object's entry: from its heading to the next object that is not inside it."""
    page = _ids(site)[anchor]
    text = site[page]
    start = text.index(f'id="{anchor}"')
    for match in re.finditer(r'<h\d id="(hmcts_data[^"]*)" class="doc doc-heading"', text):
        if match.start() > start and not match.group(1).startswith(anchor + "."):
            return text[start : match.start()]
    return text[start:]


def _visible(text: str) -> str:
    """The page's text as shown: tags, attributes, scripts and styles removed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _reference(site: dict[str, str]) -> dict[str, str]:
    """The pages holding API entries (the guides around them are checked separately)."""
    return {p: t for p, t in site.items() if 'class="doc doc-heading"' in t}


def test_every_public_name_has_an_entry(site: dict[str, str]) -> None:
    ids = _ids(site)
    missing = [name for name in PUBLIC if name not in ids]
    assert not missing, (
        f"public names with no entry in the API reference: {missing}. Add a `::: NAME` line "
        "to docs/api.md (see the note at its top)."
    )


def test_models_show_their_fields(site: dict[str, str]) -> None:
    checked = 0
    undocumented: dict[str, list[str]] = {}
    for name in PUBLIC:
        module_path, _, attr = name.rpartition(".")
        obj = getattr(sys.modules[module_path], attr)
        if not isinstance(obj, type):
            continue
        if hasattr(obj, "model_fields"):
            fields = list(obj.model_fields)
        elif dataclasses.is_dataclass(obj):
            fields = [f.name for f in dataclasses.fields(obj)]
        else:
            continue
        entry = _entry(site, name)
        missing = [
            f
            for f in fields
            if not f.startswith("_")
            and f'title="{name}.{f}"' not in entry
            and not _documented_on_a_base(site, obj, f)
        ]
        if missing:
            undocumented[name] = missing
        checked += 1
    assert not undocumented, f"fields missing from the models' Attributes: {undocumented}"
    assert checked >= 10  # Catalogue, Publication, Release, Attachment, Settings, routes ...


def _documented_on_a_base(site: dict[str, str], cls: type, field: str) -> bool:
    """Whether an inherited field is listed on the public base class that defines it."""
    public = {getattr(m, n): f"{p}.{n}" for m, p in NAMESPACES for n in m.__all__}
    for base in cls.__mro__[1:]:
        if field in getattr(base, "__annotations__", {}) and base in public:
            return f'title="{public[base]}.{field}"' in _entry(site, public[base])
    return False


@pytest.mark.parametrize(
    "name", ["hmcts_data.load", "hmcts_data.Catalogue", "hmcts_data.routes.get"]
)
def test_examples_render_as_highlighted_python(site: dict[str, str], name: str) -> None:
    entry = _entry(site, name)
    assert "Examples:" in entry
    # Each prompt is a highlighted prompt token inside a code block, not quoted text.
    assert '<span class="gp">&gt;&gt;&gt; </span>' in entry
    assert "&gt;&gt;&gt;" not in _visible(re.sub(r"<pre>.*?</pre>", "", entry, flags=re.S))


def test_no_doctest_directive_blockquote_or_rest_role_reaches_a_reader(
    site: dict[str, str],
) -> None:
    for page, text in _reference(site).items():
        shown = _visible(text)
        assert "doctest:" not in shown, page
        assert "<blockquote>" not in text, page
        roles = _ROLE.findall(shown)
        assert not roles, f"{page}: raw reST roles {roles[:5]}"
        assert "::\n" not in shown, page
        assert not re.search(r"Bases:\s*_", shown), page  # a private base means nothing


def test_no_private_module_path_in_the_reference(site: dict[str, str]) -> None:
    for page, text in _reference(site).items():
        # Visible text and tooltips both: a reader hovering a type sees its import path.
        private = sorted(
            set(
                _PRIVATE_PATH.findall(
                    _visible(text) + " ".join(re.findall(r'title="([^"]*)"', text))
                )
            )
        )
        assert not private, f"{page}: private paths shown {private}"
    ids = _ids(site)
    assert not [i for i in ids if _PRIVATE_PATH.match(i)]


def test_errors_are_documented_under_their_public_names(site: dict[str, str]) -> None:
    ids = _ids(site)
    errors = [
        n
        for n in hmcts_data.__all__
        if isinstance(getattr(hmcts_data, n), type)
        and issubclass(getattr(hmcts_data, n), Exception | Warning)
    ]
    assert len(errors) >= 10
    assert all(ids[f"hmcts_data.{n}"] == "errors/index.html" for n in errors)
    # A "Raises:" entry links to the public anchor.
    assert 'href="../errors/#hmcts_data.ParseError"' in _entry(site, "hmcts_data.read")


# --- Docs teach only public names ---------------------------------------------------------

_PRIVATE_IMPORT = re.compile(
    r"(?:from\s+hmcts_data(?:\.\w+)*\._\w+\s+import|import\s+hmcts_data(?:\.\w+)*\._\w+)"
)


def _taught() -> dict[str, str]:
    """Every text a reader learns from: the docs pages, the README and the notebook's cells."""
    texts = {
        str(p.relative_to(ROOT)): p.read_text("utf-8") for p in ROOT.joinpath("docs").rglob("*.md")
    }
    texts["README.md"] = ROOT.joinpath("README.md").read_text("utf-8")
    for nb in ROOT.joinpath("docs").rglob("*.ipynb"):
        cells = json.loads(nb.read_text("utf-8"))["cells"]
        texts[str(nb.relative_to(ROOT))] = "\n".join("".join(c["source"]) for c in cells)
    return texts


def test_docs_readme_and_notebook_use_only_public_names() -> None:
    texts = _taught()
    assert len(texts) >= 10
    for where, text in texts.items():
        assert not _PRIVATE_IMPORT.findall(text), f"{where}: imports a private module"
        mentioned = sorted(set(_PRIVATE_PATH.findall(text)))
        assert not mentioned, f"{where}: names private modules {mentioned}"


def test_the_private_name_check_catches_imports_and_mentions() -> None:
    sample = "from hmcts_data.testing._demo import x\nsee `hmcts_data._errors.ParseError`"
    assert _PRIVATE_IMPORT.findall(sample)
    assert _PRIVATE_PATH.findall(sample) == ["hmcts_data.testing._demo", "hmcts_data._errors"]
    assert not _PRIVATE_PATH.findall("hmcts_data.__version__ and hmcts_data.testing.monthly_csv")


_SECTION = re.compile(
    r'<span class="doc-section-title">(Returns|Raises):</span>.*?<tbody>(.*?)</tbody>', re.S
)
_ROW = re.compile(r'<tr class="doc-section-item">\s*<td>(.*?)</td>', re.S)
# A "Raises:" row names one exception class, or several separated by commas.
_EXCEPTIONS = re.compile(r"^\(?[A-Z]\w*(?:Error|Warning|Exception|Interrupt)(?:, [A-Z]\w*)*\)?$")


def _sections(entry: str) -> list[tuple[str, list[str]]]:
    """Each Returns/Raises section of an entry, with the visible text of each row's first cell."""
    return [
        (kind, [_visible(cell).strip() for cell in _ROW.findall(body)])
        for kind, body in _SECTION.findall(entry)
    ]


def _own(entry: str) -> str:
    """An entry up to its first nested member (a class's methods have their own sections)."""
    nested = re.search(r'<h\d id="hmcts_data[^"]*" class="doc doc-heading"', entry[1:])
    return entry if nested is None else entry[: nested.start() + 1]


def test_returns_and_raises_render_as_one_entry_each(site: dict[str, str]) -> None:
    import inspect

    checked = 0
    problems: dict[str, list[str]] = {}
    for name in PUBLIC:
        module_path, _, attr = name.rpartition(".")
        obj = getattr(sys.modules[module_path], attr)
        if not inspect.isfunction(obj) or "Returns:" not in (obj.__doc__ or ""):
            continue
        sections = dict(_sections(_own(_entry(site, name))))
        rows = sections.get("Returns")
        if rows is None or len(rows) != 1:
            problems[name] = [f"Returns has {0 if rows is None else len(rows)} rows: {rows}"]
        checked += 1
    # Every Raises row of every entry, functions and methods alike, is an exception's name:
    # a wrapped line of a description never becomes a row of its own.
    for page, text in _reference(site).items():
        for kind, rows in _sections(text):
            for cell in rows if kind == "Raises" else ():
                if not _EXCEPTIONS.match(cell):
                    problems.setdefault(page, []).append(f"Raises row {cell!r}")
    assert not problems, problems
    assert checked >= 10  # load, read, series, catalogue, whats_new, release_changes ...
