"""A SYNTHETIC GOV.UK site whose attachments are real data files for every publication.

:func:`build_site` alone serves small placeholder bodies; :func:`build_data_site` plugs in
generated files that the parsers read: monthly releases in the accessible-CSV layout with
revised overlapping months (:mod:`hmcts_data.testing._monthly_files`) and CSV tables in the shape
of each other publication (:mod:`hmcts_data.testing._table_files`). The docs examples and
the end-to-end tests run against it (the offline demo runs on the real embedded releases:
:func:`hmcts_data.testing.build_embedded_site`). Every file is
generated with the standard library only, so it works on a bare ``pip install hmcts-data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hmcts_data.tables._crosswalk import crosswalk_files
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_releases
from hmcts_data.testing._server import FakeGovUK
from hmcts_data.testing._site import MIME_CSV, Site, SiteFile, SiteRelease, build_site
from hmcts_data.testing._table_files import publication_csv

__all__ = ["DataSite", "build_data_site"]


@dataclass(frozen=True)
class DataSite:
    """What :func:`build_data_site` served.

    Attributes:
        site: The pages, files and URLs served.
        monthly: The generated monthly files, oldest first, with their expected cells.
    """

    site: Site
    monthly: tuple[MonthlyFile, ...]


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def build_data_site(
    fake: FakeGovUK,
    *,
    monthly: int = 6,
    last_month: date = date(2025, 4, 1),
    seed: int = 1,
) -> DataSite:
    """Populate ``fake`` with a SYNTHETIC site whose files parse into tidy frames.

    Args:
        fake: The server to populate.
        monthly: How many monthly releases (the middle one is withdrawn, as in
            :func:`build_site`).
        last_month: Latest data month of the newest monthly release.
        seed: Seed of every generated figure and revision.

    Returns:
        The site description and the generated monthly files.

    Example:
        >>> from hmcts_data.testing import FakeGovUK
        >>> with FakeGovUK() as fake:
        ...     data = build_data_site(fake, monthly=2)
        ...     [f.last_month.isoformat() for f in data.monthly]
        ['2025-03-01', '2025-04-01']
    """
    runs = monthly_releases("D", _months_back(last_month, monthly - 1), monthly, seed=seed)
    by_month = {run.last_month: run for run in runs}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        if release.publication == "monthly":
            run = by_month.get(release.latest_month) if release.latest_month else None
            if run is None:
                return None
            label = f"{run.last_month:%B %Y}"
            return [
                SiteFile(
                    # The published name, prefixed so the file is never taken for real data.
                    f"SYNTHETIC_{run.filename}",
                    run.data,
                    MIME_CSV,
                    f"SYNTHETIC HMCTS management information: {label} (CSV)",
                )
            ]
        if release.publication not in crosswalk_files():
            return None  # a document (the user guide) keeps its default file
        return [
            SiteFile(
                f"SYNTHETIC_{release.slug.replace('-', '_')}.csv",
                publication_csv(release.publication),
                MIME_CSV,
                f"SYNTHETIC {release.title} (CSV)",
            )
        ]

    site = build_site(fake, monthly=monthly, last_month=last_month, files=files)
    return DataSite(site=site, monthly=tuple(runs))
