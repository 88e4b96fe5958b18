"""What each kind of agreement calls its parties: partners (ISP, DDA), joint controllers (JCA),
the controller and its processors (DPA), in English and Welsh, on the pages, in the QA
checklist, the notices and the Word document."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from export_helpers import quick_agreement
from filled_agreements import filled
from flask_babel import force_locale
from protocol_helpers import LEAD, make_signatory, sign_all

from isp_manager.extensions import db
from isp_manager.mail import flush_pending
from isp_manager.protocols import qa
from isp_manager.protocols.export import build_document, version_history
from isp_manager.protocols.models import KIND_RULES, ProtocolKind
from isp_manager.protocols.party_words import (
    CONTROLLER_PROCESSOR_WORDS,
    JOINT_CONTROLLER_WORDS,
    PARTNER_WORDS,
    PartyWords,
)
from isp_manager.protocols.templates_data import template_for
from tests.conftest import bilingual

WORDS = {
    "isp": PARTNER_WORDS,
    "dda": PARTNER_WORDS,
    "jca": JOINT_CONTROLLER_WORDS,
    "dpa": CONTROLLER_PROCESSOR_WORDS,
}
# What each kind must say (English, Welsh), and what a JCA or a DPA must never say.
NOUNS = {
    "isp": ("partner", "partner"),
    "dda": ("partner", "partner"),
    "jca": ("joint controller", "cyd-reolydd"),
    "dpa": ("processor", "prosesydd"),
}
PARTNER_RE = re.compile(r"partner", re.IGNORECASE)
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")


def _sentences(words: PartyWords, locale: str) -> dict[str, str]:
    with force_locale(locale):
        return {name: str(getattr(words, name)) for name in PartyWords.names()}


@pytest.mark.parametrize("kind", list(WORDS))
def test_each_kind_carries_its_party_words(app, kind):
    assert KIND_RULES[ProtocolKind(kind)].words is WORDS[kind]
    assert ProtocolKind(kind).words is WORDS[kind]


@pytest.mark.parametrize("kind", ["jca", "dpa"])
@pytest.mark.parametrize("locale", ["en", "cy"])
def test_no_sentence_of_a_jca_or_dpa_calls_a_party_a_partner(app, kind, locale):
    english = _sentences(WORDS[kind], "en")
    for name, text in _sentences(WORDS[kind], locale).items():
        assert not PARTNER_RE.search(text), (name, text)
        # every sentence is translated, with the placeholders of the English
        assert set(PLACEHOLDER_RE.findall(text)) == set(PLACEHOLDER_RE.findall(english[name]))
        if locale == "cy":
            assert text != english[name] or name == "heading", (name, text)


def test_the_welsh_follows_the_catalogue(app):
    welsh = _sentences(JOINT_CONTROLLER_WORDS, "cy")
    assert welsh["heading"] == "Cyd-reolyddion"
    assert "cyd-reolydd" in welsh["signatures_intro"]
    welsh = _sentences(CONTROLLER_PROCESSOR_WORDS, "cy")
    assert welsh["heading"] == "Rheolydd a phroseswyr"
    assert "rheolydd" in welsh["every_signed_event"] and "prosesydd" in welsh["every_signed_event"]


def test_say_fills_the_placeholders(app):
    with force_locale("en"):
        said = JOINT_CONTROLLER_WORDS.say("signed_count", n=1, total=3)
    assert said == "1 of 3 joint controllers have signed"
    with force_locale("cy"):
        said = CONTROLLER_PROCESSOR_WORDS.say("signed_count", n=1, total=2)
    assert said == "Mae 1 o'r 2 wedi llofnodi (y rheolydd a'i broseswyr)"


def _with_signatories(version):
    for partner in version.partners:
        partner.signatory_user_id = make_signatory(partner.organisation).id
    db.session.flush()
    db.session.expire_all()
    return version


@pytest.mark.parametrize("kind", list(WORDS))
def test_activation_notice_and_version_history_use_the_kinds_words(app, ig, outbox, kind):
    author = ig(LEAD, qa=False)
    version = quick_agreement(author, f"A {kind}", kind=kind, state="qa_approved")
    _with_signatories(version)
    outbox()
    with app.test_request_context("/?lang=en"):
        sign_all(version)
        flush_pending()
        history = [change for _v, _at, change, _by in version_history(version)]
    english, welsh = NOUNS[kind]
    mails = [bilingual(m) for m in outbox() if m["To"] == author.email]
    activated = [(cy, en) for cy, en in mails if "now active" in en]
    assert len(activated) == 1
    cy, en = activated[0]
    with force_locale("en"):
        assert WORDS[kind].say("every_signed_mail") in en
    assert english in en.lower() and welsh in cy.lower()
    if kind in ("jca", "dpa"):
        assert not PARTNER_RE.search(en.splitlines()[0]) and not PARTNER_RE.search(cy)
    assert any(english in c.lower() and "active" in c for c in history), history


@pytest.mark.parametrize("kind", list(WORDS))
def test_qa_checklist_names_the_parties_by_the_kinds_words(app, ig, kind):
    author = ig(LEAD)
    version = filled(kind, author)
    with app.test_request_context("/?lang=en"):
        checks = qa.qa_checklist(version, template_for(version.protocol))
    accord = next(c for c in checks if c.code == "waspi_accord")
    recipients = [c for c in checks if c.code == "recipients"]
    english = NOUNS[kind][0]
    assert recipients and all(english in c.message for c in recipients)
    if accord.passed:
        assert english in accord.message.lower()
    if kind in ("jca", "dpa"):
        for check in checks:
            assert not PARTNER_RE.search(check.message), check.message


def _docx_text(doc) -> str:
    data = io.BytesIO()
    doc.save(data)
    doc = Document(io.BytesIO(data.getvalue()))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("language", ["en", "cy", "bilingual"])
@pytest.mark.parametrize("kind", list(WORDS))
def test_the_word_document_calls_the_parties_by_the_kinds_words(app, ig, kind, language):
    author = ig(LEAD)
    version = filled(kind, author)
    for partner in version.partners:
        partner.signatory_name, partner.signatory_role = "Ann Jones", "Chief Executive"
    db.session.flush()
    with app.test_request_context("/"):
        text = _docx_text(build_document(version, language))
    english, welsh = NOUNS[kind]
    words = WORDS[kind]
    for locale, noun in (("en", english), ("cy", welsh)):
        if language in (locale, "bilingual"):
            with force_locale(locale):
                assert words.say("signatures_intro") in text
            assert noun in text.lower()
    if kind in ("jca", "dpa"):
        # the agreement's own content is filled with field codes, never with "partner"
        assert not PARTNER_RE.search(text), [
            line for line in text.splitlines() if PARTNER_RE.search(line)
        ]


def test_an_empty_table_of_parties_says_so_in_the_kinds_words(app, ig):
    author = ig(LEAD)
    version = quick_agreement(author, "No parties yet", kind="jca", state="draft")
    for partner in list(version.partners):
        version.partners.remove(partner)
    db.session.flush()
    with app.test_request_context("/?lang=en"):
        text = _docx_text(build_document(version, "en"))
        assert str(JOINT_CONTROLLER_WORDS.none_yet) in text
    assert template_for(version.protocol).section_with("partners")
