"""A one-page Word summary of a decision for the case file: the answers that matter, with the
amendments applied, long answers shortened so that it stays on one page."""

from __future__ import annotations

from ..documents import (
    add_in_language,
    add_key_value_table,
    add_text,
    document_bytes,
    new_document,
)
from ..documents.layout import current_language, page_label, say
from ..i18n import gettext as _
from ..i18n import uk_date
from ..law import ARTICLE6, ARTICLE9, PARA18_REASONS, SCHEDULE1
from .models import CONSENT_LABELS, OUTCOME_LABELS, ConsentOutcome, Decision, DecisionOutcome
from .services import current_values

# About a page of A4 in the table's 10 pt text, shared between the answers in words.
LONG_ANSWER = 400


def _short(text) -> str:
    text = (text or "").strip()
    if len(text) <= LONG_ANSWER:
        return text or _("Not given")
    return text[:LONG_ANSWER].rstrip() + "… " + _("(shortened: the full answer is in the record)")


def _provisions(values: dict, locale: str) -> str:
    parts = []
    for name, catalogue in (
        ("article6", ARTICLE6),
        ("article9", ARTICLE9),
        ("schedule1", SCHEDULE1),
        ("criminal_offence_condition", SCHEDULE1),
        ("para18_reason", PARA18_REASONS),
    ):
        entry = catalogue.get(values.get(name)) if values.get(name) else None
        if entry:
            parts.append(f"{entry.citation_for(locale)}: {entry.label(locale)}")
    return "; ".join(parts) or _("None")


def decision_summary(
    decision: Decision, recipient_names: dict[str, dict[str, str]], language: str
) -> bytes:
    """The .docx bytes of the summary in English, Welsh or both side by side
    (`recipient_names`: the organisations' names by code, for each language written)."""
    title = say(lambda: _("Decision %(ref)s", ref=decision.reference), language, " / ")
    doc = new_document(
        title=title,
        page_label=page_label(language),
        language=language,
        author=say(lambda: decision.organisation.display_name(current_language()), language, " / "),
        subject=say(lambda: _("Record of a decision to share or not to share"), language, " / "),
    )
    add_text(doc, title, style="Title")
    add_in_language(
        doc,
        language,
        lambda where, locale: add_key_value_table(
            where, _rows(decision, recipient_names.get(locale, {}), locale)
        ),
    )
    return document_bytes(doc)


def _rows(decision: Decision, recipient_names: dict[str, str], locale: str) -> list:
    values = current_values(decision)
    share = values["decision"] == DecisionOutcome.SHARE
    rows = [
        (_("Reference"), decision.reference),
        (_("Case number or reference"), values.get("subject_reference") or _("Not given")),
        (_("Decision"), str(OUTCOME_LABELS[DecisionOutcome(values["decision"])])),
        (_("Reasons"), _short(values.get("decision_reasons"))),
        (
            _("Decided by"),
            _(
                "%(name)s (%(role)s) on %(date)s",
                name=decision.decided_by_name,
                role=decision.decided_by_role,
                date=uk_date(decision.decided_on),
            ),
        ),
        (_("Purpose"), _short(values.get("purpose"))),
        (_("Information concerned"), _short(values.get("information_description"))),
        (
            _("Organisations that receive it"),
            ", ".join(recipient_names.get(c, c) for c in values.get("recipients") or [])
            or _("None"),
        ),
        (_("Consent"), str(CONSENT_LABELS[ConsentOutcome(values["consent_outcome"])])),
        (_("Lawful basis"), _provisions(values, locale)),
    ]
    if share:
        rows += [
            (_("What was shared"), _short(values.get("shared_what"))),
            (_("Shared on"), uk_date(values["shared_on"]) if values.get("shared_on") else ""),
            (_("How, and how securely"), _short(values.get("shared_how"))),
        ]
    rows.append(
        (
            _("Amendments"),
            _("%(n)s: the record shows each with its reason.", n=len(decision.amendments))
            if decision.amendments
            else _("None"),
        )
    )
    return rows


def summary_filename(decision: Decision) -> str:
    return f"{decision.reference}-summary.docx"
