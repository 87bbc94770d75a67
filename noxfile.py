"""Developer and CI sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]


@nox.session
def tests(session: nox.Session) -> None:
    """Install the package with its test extras; run the test suite and the docstring examples."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
    if session.posargs:
        return
    # The examples in the docstrings run too. They need no network: offline, a base URL where
    # nothing listens, and a throwaway cache, so they can never touch GOV.UK or the user's cache.
    cache = session.create_tmp()
    session.run(
        "pytest",
        "--doctest-modules",
        "src/hmcts_data",
        "-p",
        "no:cacheprovider",
        "-q",
        env={
            "HMCTS_DATA_OFFLINE": "1",
            "HMCTS_DATA_BASE_URL": "http://127.0.0.1:9",
            "HMCTS_DATA_CACHE_DIR": f"{cache}/doctest-cache",
        },
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src, tests and benchmarks."""
    session.install("-e", ".[typecheck]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs strictly, run every code example in them, execute the notebook."""
    session.install("-e", ".[docs,test]")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    # The examples of every page and the README, the quickstart notebook, and the built
    # site's API reference (an entry per public name, examples rendered as code).
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "tests/test_docs_examples.py",
        "tests/test_notebook.py",
        "tests/test_docs_site.py",
    )


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Run the benchmarks (ratios against a baseline measured in the same run)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks", *session.posargs)
