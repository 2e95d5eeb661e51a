"""The award dossier of a round: its parts issued through `documents`, the bundle
with a table of contents, the ZIP of the parts, Word versions, and its way to the
unit above (sent, returned with comments, accepted, the award decision).

Parts (seed IV.4): the Tờ trình with the list of nominees; a summary report per
nominee (a collective's achievements; an individual's initiative, with its
recognition decision); the excerpt of the selection meeting's minutes.

By topic: `drafting` (the texts written from the data, edited before issuing),
`issuing` (the parts numbered through `documents`), `bundle` (the parts
together), `answers` (sent, returned, accepted, the award decision). The states
and their moves are `awards.lifecycle.dossier`.
"""

from awards.dossier.answers import (
    decision_record,
    dossier_accept,
    dossier_return,
    dossier_send,
)
from awards.dossier.bundle import Part, archive, bundle, parts
from awards.dossier.drafting import (
    BODY_NAMES,
    CAPACITIES,
    addressee_of,
    count_phrase,
    dossier_prepare,
    draft_submission,
    draft_summary,
    entries_of,
    selected,
    submission_set,
    summary_set,
)
from awards.dossier.issuing import (
    document_context,
    dossier_issue,
    headline,
    latest_summary,
    missing_documents,
    summary_context,
)
from awards.models import CandidateSummary, Dossier
from documents.services import document_bytes

__all__ = [
    "BODY_NAMES",
    "CAPACITIES",
    "CandidateSummary",
    "Dossier",
    "Part",
    "addressee_of",
    "archive",
    "bundle",
    "count_phrase",
    "decision_record",
    "document_bytes",
    "document_context",
    "dossier_accept",
    "dossier_issue",
    "dossier_prepare",
    "dossier_return",
    "dossier_send",
    "draft_submission",
    "draft_summary",
    "entries_of",
    "headline",
    "latest_summary",
    "missing_documents",
    "parts",
    "selected",
    "submission_set",
    "summary_context",
    "summary_set",
]
