"""Markdown for the docs, generated from the package's own data (``docs/hooks.py``)."""

from __future__ import annotations

from hmcts_data._catalogue._ids import catalogue_ids
from hmcts_data._catalogue._snapshot import load_snapshot
from hmcts_data._registry import registry

__all__ = ["publications_markdown", "snapshot_markdown"]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def publications_markdown() -> str:
    """A table of every publication: id, title, kind, status, frequency and what is known.

    Example:
        >>> "| `monthly` |" in publications_markdown()
        True
    """
    facts = registry()
    lines = [
        "| id | title | kind | status | frequency | notes |",
        "|---|---|---|---|---|---|",
    ]
    for pid in catalogue_ids():
        fact = facts.publication[pid]
        lines.append(
            f"| `{pid}` | {_cell(fact.title)} | {fact.kind} | {fact.status} | "
            f"{_cell(fact.frequency)} | {_cell(fact.note or '')} |"
        )
    lines.append("")
    lines.append(
        f"All are published under the [{facts.licence}]({facts.licence_url}); the monthly and "
        f"reformed-services pages belong to the [collection]({facts.collection_url})."
    )
    return "\n".join(lines) + "\n"


def snapshot_markdown() -> str:
    """Every release and file in the embedded snapshot, with what is inferred.

    Example:
        >>> "hmcts-management-information-april-2025" in snapshot_markdown()
        True
    """
    snap = load_snapshot()
    lines = [
        f"Generated {snap.generated_at:%Y-%m-%d}. " + " ".join(snap.notes),
        "",
        "| publication | key | slug | files | inferred |",
        "|---|---|---|---|---|",
    ]
    for release in snap.releases:
        files = ", ".join(
            f"`{a.filename}`" + (" (URL known)" if a.url else "") for a in release.attachments
        )
        lines.append(
            f"| {release.publication} | {release.key or '-'} | `{release.slug}` | "
            f"{files or '-'} | {', '.join(release.inferred) or '-'} |"
        )
    return "\n".join(lines) + "\n"
