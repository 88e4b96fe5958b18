"""The lawful-basis rules where a data item is entered: the API refuses with 422 naming the
field, the page with the GOV.UK error summary; nothing is saved. The new fields are shown on
the section page and in the Word export."""

from __future__ import annotations

import pytest
from protocol_helpers import LEAD, PARTNERS, section_rv

from isp_manager.extensions import db
from isp_manager.parties.models import OrgKind
from isp_manager.protocols.models import ProtocolDataItem

BASE = "/api/v1/protocols"
GOOD = {
    "category": "Health history",
    "is_special_category": True,
    "source_partner": LEAD,
    "recipients": PARTNERS[:1],
    "article6": ["art6-1-e"],
    "article9": ["art9-2-g"],
    "schedule1": ["sch1-p2-para18"],
    "para18_reason": "para18-2-a",
    "policy_document_ref": "APD-1",
}

# (case, change to GOOD, field named, words in the message)
REFUSED = [
    ("para 18 without a reason", {"para18_reason": None}, "para18_reason", "paragraph 18(2)"),
    ("para 18 with consent", {"article6": ["art6-1-a"]}, "schedule1", "remove consent"),
    (
        "para 18 with explicit consent",
        {"article9": ["art9-2-g", "art9-2-a"]},
        "schedule1",
        "UK GDPR Art. 9(2)(a)",
    ),
    ("an unknown para 18 reason", {"para18_reason": "para18-2-x"}, "para18_reason", "para18-2-a"),
    (
        "a Part 2 condition with Art. 9(2)(h)",
        {"article9": ["art9-2-h"], "schedule1": ["sch1-p2-para6"], "para18_reason": None},
        "schedule1",
        "DPA 2018 Sch.1 Pt.2 para 6 goes with UK GDPR Art. 9(2)(g)",
    ),
    (
        "a Part 3 condition for Article 9",
        {"schedule1": ["sch1-p2-para18", "sch1-p3-para33"]},
        "schedule1",
        "criminal offence data",
    ),
    (
        "legitimate interests for a health board",
        {"article6": ["art6-1-f"]},
        "article6",
        "not available to a public authority",
    ),
    (
        "recognised legitimate interest for a health board",
        {"article6": ["art6-1-ea"]},
        "article6",
        "not available to a public authority",
    ),
    (
        "criminal offence data without a condition",
        {"is_criminal_offence": True},
        "criminal_offence_condition",
        "Part 1, 2 or 3",
    ),
    (
        "a criminal offence condition without the flag",
        {"criminal_offence_condition": "sch1-p3-para33"},
        "criminal_offence_condition",
        "tick 'criminal offence data'",
    ),
    (
        "an unknown criminal offence condition",
        {"is_criminal_offence": True, "criminal_offence_condition": "sch1-p9"},
        "criminal_offence_condition",
        "sch1-p9",
    ),
]


@pytest.fixture
def lead_api(ig, api_client):
    user = ig(LEAD)
    client = api_client(user)
    db.session.commit()
    created = client.post(
        BASE,
        json={
            "kind": "isp",
            "title": "Safeguarding children",
            "lead_organisation": LEAD,
            "partners": PARTNERS,
        },
    )
    return client, f"{BASE}/{created.json['id']}/versions/1"


def _item_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(ProtocolDataItem))


@pytest.mark.parametrize(("case", "change", "field", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_the_api_refuses_a_forbidden_combination_naming_the_field(
    lead_api, case, change, field, words
):
    client, v = lead_api
    r = client.post(f"{v}/data-items", json={**GOOD, **change})
    assert r.status_code == 422, r.json
    messages = r.json["errors"]["json"][field]
    assert any(words in m for m in messages), messages
    assert _item_count() == 0


def test_the_api_saves_and_returns_the_new_fields(lead_api):
    client, v = lead_api
    body = {
        **GOOD,
        "is_criminal_offence": True,
        "criminal_offence_condition": "sch1-p3-para36",
    }
    r = client.post(f"{v}/data-items", json=body)
    assert r.status_code == 201, r.json
    assert r.json["para18_reason"] == "para18-2-a"
    assert r.json["is_criminal_offence"] is True
    assert r.json["criminal_offence_condition"] == "sch1-p3-para36"
    version = client.get(v).json
    assert version["data_items"][0]["criminal_offence_condition"] == "sch1-p3-para36"


def test_the_api_allows_legitimate_interests_for_a_charity(ig, api_client, make_org):
    charity = make_org("charity-barnardos", name="Barnardo's Cymru", kind=OrgKind.CHARITY)
    db.session.flush()
    assert charity.is_public_authority is False
    user = ig(LEAD)
    client = api_client(user)
    db.session.commit()
    created = client.post(
        BASE,
        json={
            "kind": "isp",
            "title": "Family support",
            "lead_organisation": LEAD,
            "partners": ["charity-barnardos"],
        },
    )
    assert created.status_code == 201, created.json
    v = f"{BASE}/{created.json['id']}/versions/1"
    r = client.post(
        f"{v}/data-items",
        json={
            "category": "Referral",
            "source_partner": "charity-barnardos",
            "recipients": [LEAD],
            "article6": ["art6-1-f"],
        },
    )
    assert r.status_code == 201, r.json


def test_a_draft_may_be_saved_incomplete(lead_api):
    """Missing things are for QA: a draft item with no recipient or no basis is saved."""
    client, v = lead_api
    assert client.post(f"{v}/data-items", json={"category": "Attendance"}).status_code == 201


def _form(version, **change):
    lead, council = version.partners[0], version.partners[1]
    data = {
        "category": "Health history",
        "is_special_category": "y",
        "source_partner_id": str(lead.id),
        "recipient_partner_ids": [str(council.id)],
        "article6": ["art6-1-e"],
        "article9": ["art9-2-g"],
        "schedule1": ["sch1-p2-para18"],
        "para18_reason": "para18-2-b",
        "policy_document_ref": "APD-1",
        "row_version": section_rv(version, "personal_information"),
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_shows_the_error_summary_and_saves_nothing(draft_isp, login):
    version, author = draft_isp()
    db.session.commit()
    client = login(author)
    url = f"/agreements/{version.protocol_id}/versions/1/data-items/new"
    r = client.post(url, data=_form(version, para18_reason=None, article6=["art6-1-a"]))
    assert r.status_code == 422
    summary = r.text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#para18_reason' in summary and "Choose why consent is not relied on" in summary
    assert 'href="#schedule1' in summary and "remove consent or paragraph 18" in summary
    assert _item_count() == 0


def test_the_form_saves_the_new_fields_and_the_section_page_shows_them(draft_isp, login):
    version, author = draft_isp()
    db.session.commit()
    client = login(author)
    v = f"/agreements/{version.protocol_id}/versions/1"
    r = client.post(
        f"{v}/data-items/new",
        data=_form(version, is_criminal_offence="y", criminal_offence_condition="sch1-p2-para10"),
    )
    assert r.status_code == 302, r.text
    db.session.expire_all()
    [item] = version.data_items
    assert (item.para18_reason, item.is_criminal_offence, item.criminal_offence_condition) == (
        "para18-2-b",
        True,
        "sch1-p2-para10",
    )
    page = client.get(f"{v}/sections/personal_information").text
    row = page.split(f'id="data-item-{item.id}"')[1].split("</tr>")[0]
    assert "Criminal offence data" in row
    assert "DPA 2018 Sch.1 para 18(2)(b)" in row
    assert "DPA 2018 Sch.1 Pt.2 para 10 (Preventing or detecting unlawful acts)" in row
    edit = client.get(f"{v}/data-items/{item.id}").text
    assert 'value="para18-2-b" checked' in edit or 'checked value="para18-2-b"' in edit
