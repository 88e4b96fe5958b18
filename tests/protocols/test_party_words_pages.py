"""The pages of each kind of agreement call its parties by the kind's words: the task list, the
parties section, a party's details, a data item, the signatures and the signing page, in
English and Welsh. A JCA or a DPA never says "partner"."""

from __future__ import annotations

import html
import re

import pytest
from export_helpers import quick_agreement
from flask_babel import force_locale
from protocol_helpers import LEAD, make_signatory

from isp_manager.extensions import db
from isp_manager.protocols.models import ProtocolKind
from isp_manager.protocols.templates_data import template_for

KINDS = ("isp", "dda", "jca", "dpa")
PARTNER_RE = re.compile(r"partner", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")
HIDDEN_RE = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def visible_text(response) -> str:
    """What a reader sees: the page's text without its tags, attributes, scripts or styles."""
    assert response.status_code == 200, response.data[:300]
    body = HIDDEN_RE.sub(" ", response.get_data(as_text=True))
    return " ".join(html.unescape(TAG_RE.sub(" ", body)).split())


def _say(kind: str, locale: str, name: str, **values) -> str:
    with force_locale(locale):
        return ProtocolKind(kind).words.say(name, **values)


def _agreement(author, kind: str, state: str):
    version = quick_agreement(
        author, f"Party words {kind}", kind=kind, state=state, partners=("la-cardiff",)
    )
    for partner in version.partners:
        partner.signatory_user_id = make_signatory(partner.organisation).id
    db.session.commit()
    return version


def _url(version, rest: str = "") -> str:
    return f"/agreements/{version.protocol_id}/versions/{version.number}{rest}"


@pytest.mark.parametrize("locale", ["en", "cy"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_draft_calls_its_parties_by_the_kinds_words(login, ig, kind, locale):
    author = ig(LEAD)
    version = _agreement(author, kind, "draft")
    template = template_for(version.protocol)
    client = login(author)
    lang = f"?lang={locale}"
    partners_code = template.section_with("partners").code
    signatures_code = template.section_with("signatures").code
    other = next(p for p in version.partners if p.organisation.code != LEAD)
    pages = {
        "task list": visible_text(client.get(_url(version, lang))),
        "parties": visible_text(client.get(_url(version, f"/sections/{partners_code}{lang}"))),
        "party": visible_text(client.get(_url(version, f"/partners/{other.id}{lang}"))),
        "data item": visible_text(client.get(_url(version, f"/data-items/new{lang}"))),
        "signatures": visible_text(client.get(_url(version, f"/sections/{signatures_code}{lang}"))),
    }
    assert _say(kind, locale, "heading") in pages["task list"]
    assert _say(kind, locale, "each_signs") in pages["task list"]
    assert _say(kind, locale, "add_button") in pages["parties"]
    assert _say(kind, locale, "add_label") in pages["parties"]
    assert _say(kind, locale, "save_button") in pages["party"]
    assert _say(kind, locale, "which_provides") in pages["data item"]
    assert _say(kind, locale, "which_receive") in pages["data item"]
    if kind in ("dda", "dpa"):
        assert _say(kind, locale, "role_hint") in pages["party"]
    if kind in ("jca", "dpa"):
        for name, text in pages.items():
            found = [m.start() for m in PARTNER_RE.finditer(text)]
            assert not found, (name, [text[max(0, i - 60) : i + 40] for i in found])


@pytest.mark.parametrize("locale", ["en", "cy"])
@pytest.mark.parametrize("kind", KINDS)
def test_signing_pages_call_the_parties_by_the_kinds_words(login, ig, kind, locale):
    author = ig(LEAD)
    version = _agreement(author, kind, "qa_approved")
    signatory = version.partners[1].signatory_user
    lang = f"?lang={locale}"
    task_list = visible_text(login(author).get(_url(version, lang)))
    sign = visible_text(login(signatory).get(_url(version, f"/sign{lang}")))
    total = len(version.partners)
    assert _say(kind, locale, "signed_count", n=0, total=total) in task_list
    assert _say(kind, locale, "signed_count_short", n=0, total=total) in sign
    protocol = version.protocol
    org = version.partners[1].organisation.display_name(locale)
    intro = _say(
        kind,
        locale,
        "sign_intro",
        org=org,
        title=protocol.title,
        ref=protocol.reference,
        v=version.label,
    )
    assert intro in sign
    if kind in ("jca", "dpa"):
        for name, text in (("task list", task_list), ("sign", sign)):
            found = [m.start() for m in PARTNER_RE.finditer(text)]
            assert not found, (name, [text[max(0, i - 60) : i + 40] for i in found])
