"""Refuse workbooks that are dangerous or impossible to read, before any parser touches them.

XLSX and ODS files are zip packages of XML. A hostile or broken package can declare a tiny
compressed size and inflate to gigabytes (a "zip bomb"), lie about its sizes, be truncated, or
be an encrypted (password-protected) Office file, which is an OLE2 container holding an
``EncryptedPackage`` stream instead of a zip. :func:`check_package` checks all of that using
only the standard library, so the spreadsheet engine only ever sees a package it can inflate
within the documented limits.

Limits (module constants, documented in ``docs/tables.md``):

* :data:`MAX_INFLATED_BYTES`: 500 MB inflated in total across the package.
* :data:`MAX_RATIO`: a member inflating more than 200 times its compressed size is refused once
  it is larger than :data:`RATIO_FLOOR_BYTES` (64 MB): small, very repetitive XML (a sheet of a
  million empty rows) legitimately compresses better than 200:1 and stays readable.
* Every member is inflated once, in chunks, and must match its declared size and CRC: a
  package whose directory under-declares sizes cannot sneak past the limits.
* :data:`MAX_TEXT_BYTES`: no XML member may hold more than 1 MiB without markup (one cell's
  text, say). Excel stops a cell at 32,767 characters; a 200 MB string stored uncompressed
  passes the size limits above but would take the engine gigabytes to read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Final, NoReturn

from hmcts_data._errors import ParseError

__all__ = [
    "MAX_INFLATED_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TEXT_BYTES",
    "OLE2_MAGIC",
    "RATIO_FLOOR_BYTES",
    "check_package",
    "is_encrypted_office",
]

#: Largest total inflated size of an XLSX/ODS package accepted (bytes).
MAX_INFLATED_BYTES: Final = 500 * 1024 * 1024
#: Largest inflated/compressed ratio accepted for a member above :data:`RATIO_FLOOR_BYTES`.
MAX_RATIO: Final = 200
#: Members smaller than this when inflated are exempt from the ratio rule (bytes).
RATIO_FLOOR_BYTES: Final = 64 * 1024 * 1024
#: Most members a spreadsheet package may have (real ones have tens).
MAX_MEMBERS: Final = 10_000
#: Most bytes an XML member may hold between two tags (one cell's text, escaped).
MAX_TEXT_BYTES: Final = 1 << 20
#: First bytes of an OLE2 compound file (legacy .xls, or an encrypted XLSX).
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_CHUNK: Final = 1 << 20
_HINT: Final = (
    "Download the file again; if it still fails, open it in a spreadsheet program and save a "
    "copy as .xlsx or .ods."
)


def is_encrypted_office(data: bytes) -> bool:
    r"""Return whether ``data`` is a password-protected (encrypted) Office file.

    Encrypted XLSX/DOCX files are OLE2 compound files whose directory names an
    ``EncryptedPackage`` stream (names are stored as UTF-16LE).

    Args:
        data: The file's bytes.

    Returns:
        ``True`` for an encrypted Office package.

    Example:
        >>> is_encrypted_office(b"PK\x03\x04")
        False
    """
    return data.startswith(OLE2_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def check_package(data: bytes, *, name: str) -> None:
    """Check that a zip-based workbook (XLSX or ODS) is safe and sound to read.

    Args:
        data: The file's bytes.
        name: File name for messages.

    Raises:
        ParseError: The file is encrypted, not a readable zip, truncated or corrupt, or would
            inflate beyond :data:`MAX_INFLATED_BYTES` or :data:`MAX_RATIO` (names the member).

    Example:
        >>> check_package(b"not a zip", name="x.xlsx")
        Traceback (most recent call last):
        ...
        hmcts_data._errors.ParseError: x.xlsx is not a readable XLSX/ODS package ...
    """
    if is_encrypted_office(data):
        raise ParseError(
            f"{name} is password-protected (an encrypted Office package); hmcts_data cannot "
            "read encrypted workbooks. Open it with the password and save an unprotected copy.",
            file=name,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(
            f"{name} is not a readable XLSX/ODS package (corrupt or truncated zip: {exc}). {_HINT}",
            file=name,
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ParseError(
                f"{name} holds {len(members):,} zip members (limit {MAX_MEMBERS:,}); it is not "
                "an ordinary spreadsheet and was not read.",
                file=name,
            )
        declared = sum(m.file_size for m in members)
        if declared > MAX_INFLATED_BYTES:
            raise ParseError(
                f"{name} would inflate to {declared:,} bytes (limit {MAX_INFLATED_BYTES:,}): "
                "refused as a possible zip bomb. If it is a genuine workbook, export the "
                "sheets you need to CSV.",
                file=name,
            )
        for member in members:
            _check_member(archive, member, name)


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    if member.is_dir():
        return
    if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
        member.compress_size, 1
    ):
        raise ParseError(
            f"{name}: member {member.filename!r} inflates {member.file_size:,} bytes from "
            f"{member.compress_size:,} (ratio above {MAX_RATIO}): refused as a possible zip "
            "bomb.",
            file=name,
        )
    if member.flag_bits & 0x1:
        raise ParseError(
            f"{name}: member {member.filename!r} is encrypted; save an unprotected copy.",
            file=name,
        )
    # Inflate for real, capped: zipfile stops at the declared size and then checks the CRC,
    # so a directory that under-declares a member fails here instead of inside the engine.
    xml = member.filename.lower().endswith((".xml", ".rels"))
    # Bytes since the last "<": a run longer than a chunk spans chunks, so measuring the runs
    # at the chunk edges finds every run above MAX_TEXT_BYTES (>= _CHUNK) with two searches.
    run = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                if not xml:
                    continue
                first = chunk.find(b"<")
                run = run + len(chunk) if first == -1 else run + first
                if run > MAX_TEXT_BYTES:
                    _too_much_text(name, member.filename)
                if first != -1:
                    run = len(chunk) - chunk.rfind(b"<") - 1
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ParseError(
            f"{name}: member {member.filename!r} is corrupt ({exc}). {_HINT}", file=name
        ) from None


def _too_much_text(name: str, member: str) -> NoReturn:
    raise ParseError(
        f"{name}: member {member!r} holds more than {MAX_TEXT_BYTES:,} bytes of text between "
        "two tags (one cell's text, say; a spreadsheet cell holds at most 32,767 characters): "
        "the file is damaged or crafted and was not read.",
        file=name,
    )
