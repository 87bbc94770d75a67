"""Crafted workbooks whose cell range is absurd for their size, built by hand with zipfile.

Each is a few KB on disk. Read without a cell-range check, they abort the interpreter inside
the spreadsheet engine or take gigabytes in the grid (issue 12 item 2); tests read them in a
subprocess under a memory limit.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["ods", "ods_repeated", "xlsx"]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _zip(members: dict[str, str], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def _cell(ref: str, value: str) -> str:
    if value.replace(".", "", 1).isdigit():
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx(cells: dict[str, str], *, dimension: str | None = None, sheet: str = "Data") -> bytes:
    """An XLSX of one sheet holding ``cells`` (``{"A1": "Month", "XFD1048576": "1"}``)."""
    by_row: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        by_row.setdefault(row, []).append(_cell(ref, value))
    rows = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(by_row.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/><Override '
                'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" '
                f'xmlns:r="{_REL}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}'
                f"<sheetData>{rows}</sheetData></worksheet>"
            ),
        }
    )


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(rows_xml: str, *, sheet: str = "Data") -> bytes:
    """An ODS of one sheet whose ``<table:table>`` holds ``rows_xml`` verbatim."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{sheet}">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
        },
        stored_first="mimetype",
    )


def ods_repeated(columns: int, rows: int) -> bytes:
    """One text cell repeated ``columns`` times across, that row repeated ``rows`` times."""
    return ods(
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
