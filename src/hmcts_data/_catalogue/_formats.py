"""Which kind of file an attachment is, from its MIME type, file name or displayed label."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

__all__ = ["DATA_FORMAT_ORDER", "AttachmentFormat", "filename_from_url", "format_of"]


class AttachmentFormat(StrEnum):
    """The kind of an attachment: the machine-readable ones (csv, xlsx, ods), pdf, or other.

    Example:
        >>> AttachmentFormat("csv").is_data
        True
    """

    CSV = "csv"
    XLSX = "xlsx"
    ODS = "ods"
    PDF = "pdf"
    OTHER = "other"

    @property
    def is_data(self) -> bool:
        """Whether files of this kind can be parsed into a frame (csv, xlsx, ods)."""
        return self in DATA_FORMAT_ORDER


#: Preference when a release carries several data files: CSV reads fastest and most simply,
#: then ODS (the government's open standard), then XLSX.
DATA_FORMAT_ORDER: tuple[AttachmentFormat, ...] = (
    AttachmentFormat.CSV,
    AttachmentFormat.ODS,
    AttachmentFormat.XLSX,
)

_BY_MIME: dict[str, AttachmentFormat] = {
    "text/csv": AttachmentFormat.CSV,
    "application/csv": AttachmentFormat.CSV,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": AttachmentFormat.XLSX,
    "application/vnd.oasis.opendocument.spreadsheet": AttachmentFormat.ODS,
    "application/pdf": AttachmentFormat.PDF,
}

_BY_SUFFIX: dict[str, AttachmentFormat] = {
    ".csv": AttachmentFormat.CSV,
    ".xlsx": AttachmentFormat.XLSX,
    ".ods": AttachmentFormat.ODS,
    ".pdf": AttachmentFormat.PDF,
}

# Display labels GOV.UK prints next to attachment links in old page bodies.
_BY_LABEL: dict[str, AttachmentFormat] = {
    "csv": AttachmentFormat.CSV,
    "opendocument spreadsheet": AttachmentFormat.ODS,
    "ods": AttachmentFormat.ODS,
    "pdf": AttachmentFormat.PDF,
    "portable document format": AttachmentFormat.PDF,
}


def format_of(
    content_type: str | None, name: str | None, label: str | None = None
) -> AttachmentFormat:
    """Classify an attachment by MIME type, then file extension, then display label.

    Never by an exact file name: HMCTS changed its file names several times.

    Args:
        content_type: The MIME type GOV.UK reports (parameters such as ``charset`` ignored).
        name: A file name or URL; only its extension is used.
        label: A display label from an old page body ("CSV", "MS Excel Spreadsheet").

    Returns:
        The format; :attr:`AttachmentFormat.OTHER` when nothing identifies it (old ``.xls``
        files are ``OTHER``: the library does not read them).

    Example:
        >>> format_of(None, "HMCTS_MI_output_accessible.csv").value
        'csv'
        >>> format_of("application/vnd.oasis.opendocument.spreadsheet", "x").value
        'ods'
    """
    if content_type:
        found = _BY_MIME.get(content_type.split(";")[0].strip().lower())
        if found is not None:
            return found
    if name:
        path = urlsplit(name).path if "://" in name else name
        found = _BY_SUFFIX.get(PurePosixPath(path).suffix.lower())
        if found is not None:
            return found
    if label:
        return _BY_LABEL.get(" ".join(label.lower().split()), AttachmentFormat.OTHER)
    return AttachmentFormat.OTHER


def filename_from_url(url: str) -> str | None:
    """Return the last path segment of ``url`` (percent-decoded), or ``None`` when empty.

    Example:
        >>> filename_from_url("https://x/media/abc/HMCTS%20MI.csv")
        'HMCTS MI.csv'
    """
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return unquote(last) or None
