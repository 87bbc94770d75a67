"""A local stand-in for GOV.UK whose monthly releases are the real ones embedded in hmcts-data.

:func:`build_embedded_site` serves the published monthly files that ship inside the package
(:func:`hmcts_data.embedded_releases`, Open Government Licence v3.0, © Crown copyright) as
monthly release pages and attachments, so the whole pipeline (discovery, downloads with faults
and retries, the cache, parsing) runs offline on real figures. The offline demo runs on it.

Only the files are real. The pages around them are the stand-in's own: their wording is not
GOV.UK's, and their publication times follow the usual timetable (the second Thursday two
months after the data month), which is inferred, not recorded. Every other publication on the
site (weekly COVID-19, remote hearings, reformed services, the ad hoc release) is SYNTHETIC,
and says so in its page title, attachment title and file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hmcts_data._embedded import EmbeddedRelease, attribution, embedded_bytes, embedded_releases
from hmcts_data._errors import ConfigurationError
from hmcts_data.tables._crosswalk import crosswalk_files
from hmcts_data.testing._server import FakeGovUK
from hmcts_data.testing._site import (
    MIME_CSV,
    MIME_XLSX,
    Site,
    SiteFile,
    SitePage,
    SiteRelease,
    build_site,
)
from hmcts_data.testing._table_files import publication_csv

__all__ = ["EmbeddedSite", "build_embedded_site"]

#: Pages before this month link their files from the page body only, at legacy upload URLs,
#: as GOV.UK's older pages do (the same cut-off as :func:`build_site`).
_BODY_FALLBACK_BEFORE = date(2022, 1, 1)


@dataclass(frozen=True)
class EmbeddedSite:
    """What :func:`build_embedded_site` served.

    Attributes:
        site: The pages, files and URLs served.
        releases: The embedded real releases served as monthly pages, oldest first.
    """

    site: Site
    releases: tuple[EmbeddedRelease, ...]

    def page_of(self, release: EmbeddedRelease) -> SitePage:
        """The monthly page serving one embedded release.

        Raises:
            KeyError: That release is not served.
        """
        for page in self.site.pages_of("monthly"):
            month = page.release.latest_month
            if month is not None and f"{month:%Y-%m}" == release.release:
                return page
        raise KeyError(release.release)

    def file_url(self, release: EmbeddedRelease) -> str:
        """The URL the stand-in serves one embedded release's file at.

        Raises:
            KeyError: That release is not served.
        """
        return self.page_of(release).file_urls[0]


def _month(release: EmbeddedRelease) -> date:
    year, month = release.release.split("-")
    return date(int(year), int(month), 1)


def _real_file(item: EmbeddedRelease) -> SiteFile:
    # embedded_bytes checks size and sha256: an altered install never reaches the stand-in.
    mime = MIME_XLSX if item.published_name.lower().endswith(".xlsx") else MIME_CSV
    kind = "MS Excel Spreadsheet" if mime == MIME_XLSX else "CSV"
    return SiteFile(
        item.published_name,
        embedded_bytes(item),
        mime,
        f"HMCTS management information: {_month(item):%B %Y} ({kind}); the published file, "
        "as embedded in hmcts-data",
    )


def _synthetic_files(release: SiteRelease) -> list[SiteFile] | None:
    if release.publication not in crosswalk_files():
        return None  # monthly pages are published below; the user guide keeps its default
    return [
        SiteFile(
            f"SYNTHETIC_{release.slug.replace('-', '_')}.csv",
            publication_csv(release.publication),
            MIME_CSV,
            f"SYNTHETIC {release.title} (CSV)",
        )
    ]


def build_embedded_site(fake: FakeGovUK, *, releases: int | None = None) -> EmbeddedSite:
    """Populate ``fake`` with a site whose monthly releases are the real embedded ones.

    Each embedded release (see :func:`hmcts_data.embedded_releases`) gets a monthly release
    page titled as GOV.UK titles them (``"HMCTS management information - April 2025"``) whose
    attachment is the published file, byte for byte, under its published name; the bytes are
    checked against their recorded sha256 first. Pages before 2022 link their file from the
    page body only, at a legacy upload URL, as GOV.UK's older pages do; the newest page is not
    in the Search API yet (the search index lags). The other publications are SYNTHETIC (their
    titles and file names say so). Inject faults with :meth:`FakeGovUK.inject`.

    Args:
        fake: The server to populate (started or not).
        releases: Serve only the newest ``releases`` embedded releases; all of them when
            ``None``.

    Returns:
        The site description and the embedded releases served, oldest first.

    Raises:
        ConfigurationError: ``releases`` is less than 1 or more than the embedded releases.
        ParseError: An embedded file does not match its recorded sha256 (a damaged install).

    Example:
        >>> from hmcts_data.testing import FakeGovUK, build_embedded_site
        >>> with FakeGovUK() as fake:
        ...     served = build_embedded_site(fake, releases=2)
        ...     [r.release for r in served.releases]
        ['2025-04', '2025-05']
    """
    available = embedded_releases("monthly")
    if releases is None:
        chosen = available
    elif 1 <= releases <= len(available):
        chosen = available[-releases:]
    else:
        raise ConfigurationError(
            f"releases={releases!r}: hmcts-data embeds {len(available)} real monthly releases "
            f"({', '.join(r.release for r in available)}); ask for 1 to {len(available)}."
        )
    served = {item.release: item for item in chosen}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        month = release.latest_month
        item = served.get(f"{month:%Y-%m}") if release.publication == "monthly" and month else None
        return [_real_file(item)] if item is not None else _synthetic_files(release)

    site = build_site(fake, monthly=0, files=files)
    for n, item in enumerate(chosen):
        month = _month(item)
        site = site.publish_monthly(
            month,
            in_search=n != len(chosen) - 1,
            body_fallback=month < _BODY_FALLBACK_BEFORE,
            title=f"HMCTS management information - {month:%B %Y}",
            description=(
                "Local stand-in page (its wording is not GOV.UK's) serving the published "
                f"monthly management information file for {month:%B %Y}, embedded in "
                f"hmcts-data. {attribution()}"
            ),
        )
    return EmbeddedSite(site=site, releases=tuple(chosen))
