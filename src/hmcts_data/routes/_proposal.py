"""Draft the pre-application summary the HMCTS Data Access Panel asks for.

Before a formal application, the panel asks for a short summary by email covering six things
(title; data requirements and GDPR conditions for processing; purpose and scope; researchers and
institutions with ONS accredited researcher status; funding and ethics approvals held or needed;
timeline). :class:`DataAccessProposal` holds them, reports what is missing or too thin field by
field, and renders the email text addressed to the panel's published contact, taken from the
route data. Nothing is ever sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from hmcts_data._display import model_html
from hmcts_data._errors import IncompleteProposalError, ParseError
from hmcts_data._warn import warn
from hmcts_data.routes._models import Confidence

__all__ = [
    "DataAccessProposal",
    "IncompleteProposalError",
    "Problem",
    "ProblemKind",
    "Researcher",
]

_WORD = re.compile(r"[^\W_]+")
# A whole field that says only one of these is treated as empty.
_PLACEHOLDERS = frozenset(
    {"", "-", "--", "?", "n/a", "na", "none", "tbc", "tbd", "todo", "to do", "xxx", "...", "…"}
)
_DAP_ROUTE = "data-access-panel"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, type(self).__name__)


class Researcher(_Frozen):
    """A person who will carry out the research.

    Attributes:
        name: Full name (the panel approves named people only).
        institution: University or organisation.
        role: Role in the project, e.g. "principal investigator".
        ons_accredited: Whether they hold ONS accredited researcher status; ``None`` means not
            stated, which :meth:`DataAccessProposal.problems` reports.

    Example:
        >>> Researcher(name="A. Smith", institution="University of X", ons_accredited=True).name
        'A. Smith'
    """

    name: str = ""
    institution: str = ""
    role: str = ""
    ons_accredited: bool | None = None

    def line(self) -> str:
        """One line for the email: name, role, institution and accreditation."""
        status = {True: "yes", False: "no", None: "not stated"}[self.ons_accredited]
        role = f" ({self.role})" if self.role else ""
        return f"{self.name}{role}, {self.institution}; ONS accredited researcher: {status}"


class ProblemKind(StrEnum):
    """What is wrong with a field."""

    MISSING = "missing"
    TOO_THIN = "too_thin"
    NOT_STATED = "not_stated"


class Problem(_Frozen):
    """One thing to fix before the summary is ready.

    Attributes:
        field: The proposal field (``researchers[0].institution`` for a researcher's field).
        kind: missing, too_thin or not_stated.
        message: What to add.
    """

    field: str
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class DataAccessProposal(_Frozen):
    """The pre-application summary for the HMCTS Data Access Panel.

    The six things the panel asks for map onto the fields as follows: (1) ``title``;
    (2) ``data_requirements`` and ``gdpr_conditions``; (3) ``purpose_and_scope``;
    (4) ``researchers`` (each with an institution and ONS accredited researcher status);
    (5) ``funding_and_ethics``; (6) ``timeline``.

    "Too thin" is deliberately simple: a text field is too thin when it has fewer words than
    :attr:`MIN_WORDS` gives for it (a word is a run of letters or digits). A field that is empty
    or only a placeholder (``tbc``, ``n/a``, ``-`` ...) is missing.

    Attributes:
        title: The title of the research.
        data_requirements: Which data you need (records, fields, courts, period).
        gdpr_conditions: The UK GDPR conditions for processing the data (lawful basis).
        purpose_and_scope: The purpose and scope of the research.
        researchers: Who will see the data, each with institution and accreditation.
        funding_and_ethics: The funding and ethics approvals held or still to be obtained.
        timeline: The project timeline.

    Example:
        >>> proposal = DataAccessProposal(title="Delay in possession claims")
        >>> [p.field for p in proposal.problems()][:2]
        ['data_requirements', 'gdpr_conditions']
    """

    #: Minimum number of words for each text field before it stops being "too thin".
    MIN_WORDS: ClassVar[Mapping[str, int]] = {
        "title": 3,
        "data_requirements": 12,
        "gdpr_conditions": 4,
        "purpose_and_scope": 20,
        "funding_and_ethics": 8,
        "timeline": 4,
    }
    #: What each text field should say, used in problem messages and email headings.
    ASKS: ClassVar[Mapping[str, str]] = {
        "title": "the title of the research",
        "data_requirements": "which data you need (records, fields, courts, period)",
        "gdpr_conditions": "the UK GDPR conditions for processing the data (lawful basis)",
        "purpose_and_scope": "the purpose and scope of the research",
        "funding_and_ethics": "the funding and ethics approvals held, or still to be obtained",
        "timeline": "the project timeline",
    }

    title: str = ""
    data_requirements: str = ""
    gdpr_conditions: str = ""
    purpose_and_scope: str = ""
    researchers: tuple[Researcher, ...] = Field(default=())
    funding_and_ethics: str = ""
    timeline: str = ""

    def problems(self) -> list[Problem]:
        """Report every missing or too-thin field, in the order the panel asks for them.

        Returns:
            The problems; empty when the summary is ready.

        Example:
            >>> DataAccessProposal().problems()[0].kind.value
            'missing'
        """
        found: list[Problem] = []
        for field in ("title", "data_requirements", "gdpr_conditions", "purpose_and_scope"):
            found += self._text_problems(field)
        found += self._researcher_problems()
        for field in ("funding_and_ethics", "timeline"):
            found += self._text_problems(field)
        return found

    def _text_problems(self, field: str) -> list[Problem]:
        value: str = getattr(self, field)
        if value.strip().lower() in _PLACEHOLDERS:
            return [
                Problem(field=field, kind=ProblemKind.MISSING, message=f"add {self.ASKS[field]}")
            ]
        words = len(_WORD.findall(value))
        need = self.MIN_WORDS[field]
        if words < need:
            return [
                Problem(
                    field=field,
                    kind=ProblemKind.TOO_THIN,
                    message=f"too thin ({words} words, at least {need} expected): "
                    f"say more about {self.ASKS[field]}",
                )
            ]
        return []

    def _researcher_problems(self) -> list[Problem]:
        if not self.researchers:
            return [
                Problem(
                    field="researchers",
                    kind=ProblemKind.MISSING,
                    message="name at least one researcher, with institution and ONS accredited "
                    "researcher status",
                )
            ]
        found: list[Problem] = []
        for i, person in enumerate(self.researchers):
            where = f"researchers[{i}]"
            if person.name.lower() in _PLACEHOLDERS:
                found.append(
                    Problem(
                        field=f"{where}.name",
                        kind=ProblemKind.MISSING,
                        message="add the researcher's name (only named people are approved)",
                    )
                )
            if person.institution.lower() in _PLACEHOLDERS:
                found.append(
                    Problem(
                        field=f"{where}.institution",
                        kind=ProblemKind.MISSING,
                        message="add the researcher's institution",
                    )
                )
            if person.ons_accredited is None:
                found.append(
                    Problem(
                        field=f"{where}.ons_accredited",
                        kind=ProblemKind.NOT_STATED,
                        message="say whether they hold ONS accredited researcher status "
                        "(True or False)",
                    )
                )
        return found

    def is_ready(self) -> bool:
        """Return True when :meth:`problems` finds nothing.

        Example:
            >>> DataAccessProposal().is_ready()
            False
        """
        return not self.problems()

    def recipient(self) -> str:
        """Return the panel's published email address, from the route data.

        Returns:
            The address of the ``data-access-panel`` route's first email contact.

        Raises:
            ParseError: The route data has no email contact for the panel.

        Example:
            >>> DataAccessProposal().recipient()
            'dataaccesspanel@justice.gov.uk'
        """
        from hmcts_data.routes._query import get

        contact = get(_DAP_ROUTE).primary_email()
        if contact is None:
            raise ParseError(
                f"The route data has no email contact for {_DAP_ROUTE!r}; add one to routes.toml.",
                file="routes.toml",
                column="contacts",
            )
        if contact.confidence is not Confidence.OFFICIAL or contact.dated:
            warn(
                f"The panel's address {contact.value} is tagged {contact.tag}: check it on "
                "the panel's GOV.UK page before sending.",
                UserWarning,
                stacklevel=3,
            )
        return contact.value

    def email(self, *, force: bool = False) -> str:
        """Render the summary email to the Data Access Panel (it is not sent).

        Args:
            force: Draft it even though :meth:`problems` reports something.

        Returns:
            The email as text: ``To:`` and ``Subject:`` lines, a blank line, then the body
            with one numbered section per item the panel asks for.

        Raises:
            IncompleteProposalError: Problems remain and ``force`` is false.
            ParseError: The route data has no email contact for the panel.

        Example:
            >>> DataAccessProposal(title="x").email(force=True).splitlines()[0]
            'To: dataaccesspanel@justice.gov.uk'
        """
        problems = tuple(self.problems())
        if problems and not force:
            raise IncompleteProposalError(problems)
        to = self.recipient()

        def text(value: str) -> str:
            return "[not yet provided]" if value.strip().lower() in _PLACEHOLDERS else value

        people = [f"- {p.line()}" for p in self.researchers] or ["[not yet provided]"]
        signer = self.researchers[0].name if self.researchers and self.researchers[0].name else ""
        lines = [
            f"To: {to}",
            f"Subject: Research proposal summary for the Data Access Panel: {text(self.title)}",
            "",
            "Dear Data Access Services Team,",
            "",
            "Before making a formal application to the HMCTS Data Access Panel, we would be "
            "grateful for your feedback on the following summary of our proposal.",
            "",
            "1. Title of the research",
            text(self.title),
            "",
            "2. Data requirements and GDPR conditions for processing",
            f"Data requirements: {text(self.data_requirements)}",
            f"GDPR conditions for processing: {text(self.gdpr_conditions)}",
            "",
            "3. Purpose and scope",
            text(self.purpose_and_scope),
            "",
            "4. Researchers and institutions (with ONS accredited researcher status)",
            *people,
            "",
            "5. Funding and ethics approvals (held, or to be obtained)",
            text(self.funding_and_ethics),
            "",
            "6. Timeline",
            text(self.timeline),
            "",
            "Kind regards,",
            signer or "[name]",
        ]
        return "\n".join(lines) + "\n"
