"""The agreements API: the creation call of api-contract.md, drafting with ETags, the
transitions, and the status codes the contract fixes (401/403/404/409/422)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from protocol_helpers import LEAD, PARTNERS

from isp_manager.accounts.models import Role
from isp_manager.extensions import db

BASE = "/api/v1/protocols"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def api_as(ig, api_client):
    """api_as(org_code, role) -> an API client for a new user, committed (a 4xx response rolls
    back the request's transaction, which must not take the test's users with it)."""

    def _as(org_code=LEAD, role=Role.IG_LEAD):
        user = ig(org_code, role)
        client = api_client(user)
        db.session.commit()
        return client

    return _as


@pytest.fixture
def lead_api(ig, api_client):
    user = ig(LEAD)
    client = api_client(user)
    db.session.commit()
    return client, user


def _create(client, **overrides):
    body = {
        "kind": "isp",
        "title": "Safeguarding children",
        "lead_organisation": LEAD,
        "partners": PARTNERS,
    }
    body.update(overrides)
    return client.post(BASE, json=body)


def test_create_returns_the_protocol_with_v1(lead_api):
    client, _ = lead_api
    response = _create(client)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["reference"].startswith("ISP-") and body["kind"] == "isp"
    assert body["lead_organisation"] == LEAD and body["template_code"] == "waspi-isp"
    assert body["current_version"] == 1 and body["versions"][0]["state"] == "draft"
    version = client.get(f"{BASE}/{body['id']}/versions/1").json
    assert [p["organisation"] for p in version["partners"]] == [LEAD, *PARTNERS]
    assert [p["role"] for p in version["partners"]] == ["lead", "partner", "partner", "partner"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"partners": ["la-nowhere"]}, "partners", "no organisation with the code 'la-nowhere'"),
        ({"partners": ["la-cardiff", "la-cardiff"]}, "partners", "listed more than once"),
        ({"partners": [LEAD, LEAD]}, "partners", "listed more than once"),
        (
            {
                "kind": "dda",
                "partners": [
                    {"organisation": LEAD, "role": "discloser"},
                    {"organisation": "la-cardiff", "role": "discloser"},
                ],
            },
            "partners",
            "exactly one discloser",
        ),
        ({"kind": "xyz"}, "kind", "kind must be one of"),
        ({"title": ""}, "title", "Enter a title"),
        ({"partners": [7]}, "partners", "organisation code"),
        ({"lead_organisation": "la-nowhere"}, "lead_organisation", "no organisation"),
    ],
)
def test_create_refuses_bad_input_with_422_field_messages(lead_api, overrides, field, words):
    client, _ = lead_api
    response = _create(client, **overrides)
    assert response.status_code == 422
    messages = response.json["errors"]["json"][field]
    assert words in json.dumps(messages)


def test_create_for_another_lead_organisation_is_403(api_as):
    response = _create(api_as("la-cardiff"))
    assert response.status_code == 403


def test_unauthenticated_is_401(client):
    assert client.get(BASE).status_code == 401
    assert client.post(BASE, json={}).status_code == 401


def test_list_is_paginated_filtered_and_limited_to_parties(lead_api, api_as):
    client, _ = lead_api
    for n in range(3):
        _create(client, title=f"ISP {n}")
    _create(client, kind="dda", title="DDA", partners=["la-cardiff"])
    response = client.get(f"{BASE}?page_size=2&page=1")
    assert response.status_code == 200 and len(response.json) == 2
    assert json.loads(response.headers["X-Pagination"])["total"] == 4
    assert {p["kind"] for p in client.get(f"{BASE}?kind=dda").json} == {"dda"}
    assert len(client.get(f"{BASE}?state=draft").json) == 4
    assert client.get(f"{BASE}?state=active").json == []
    assert client.get(f"{BASE}?state=nonsense").status_code == 422
    assert len(api_as("police-south-wales").get(BASE).json) == 3  # a partner of the ISPs only
    assert api_as("la-swansea").get(BASE).json == []
    assert len(api_as("la-swansea", Role.AUDITOR).get(BASE).json) == 4


def test_a_protocol_of_another_organisation_is_404(lead_api, api_as):
    client, _ = lead_api
    protocol_id = _create(client).json["id"]
    outsider = api_as("la-swansea")
    for url in (
        f"{BASE}/{protocol_id}",
        f"{BASE}/{protocol_id}/versions/1",
        f"{BASE}/{protocol_id}/versions/1/sections/introduction",
    ):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"{BASE}/{protocol_id}/submit").status_code == 404
    assert client.get(f"{BASE}/99999").status_code == 404
    assert client.get(f"{BASE}/{protocol_id}/versions/7").status_code == 404
    assert client.get(f"{BASE}/{protocol_id}/versions/1/sections/nope").status_code == 404


def test_section_edits_need_if_match_and_conflict_when_stale(lead_api):
    client, _ = lead_api
    protocol_id = _create(client).json["id"]
    url = f"{BASE}/{protocol_id}/versions/1/sections/rights"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.json["status"] == "not_started" and etag == first.json["etag"]
    body = {"content": {"access_requests": "Each partner answers."}}
    assert client.patch(url, json=body).status_code == 428
    saved = client.patch(url, json=body, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.json["status"] == "in_progress"
    assert saved.headers["ETag"] != etag
    stale = client.patch(
        url, json={"content": {"other_rights": "Overwrite"}}, headers={"If-Match": etag}
    )
    assert stale.status_code == 409 and "Someone else saved changes" in stale.json["message"]
    assert client.get(url).json["content"] == {"access_requests": "Each partner answers."}
    bad = client.patch(
        url, json={"content": {"colour": "red"}}, headers={"If-Match": saved.headers["ETag"]}
    )
    assert bad.status_code == 422 and "colour" in bad.json["errors"]["json"]
    replaced = client.put(
        url,
        json={"content": {"other_rights": "Tell the others."}, "is_complete": False},
        headers={"If-Match": saved.headers["ETag"]},
    )
    assert replaced.status_code == 200
    assert (
        replaced.json["content"]["access_requests"] == ""
        and replaced.json["content"]["other_rights"] == "Tell the others."
    )


def _draft_everything(client, protocol_id, signatories=None):
    """Fill a whole ISP through the API, as another system would. `signatories` maps a
    partner's code to the user id of its signatory (the others name an officer)."""
    v = f"{BASE}/{protocol_id}/versions/1"
    signatories = signatories or {}

    def save(code, content):
        etag = client.get(f"{v}/sections/{code}").headers["ETag"]
        r = client.patch(
            f"{v}/sections/{code}",
            json={"content": content, "is_complete": True},
            headers={"If-Match": etag},
        )
        assert r.status_code == 200, r.json
        return r

    for partner in client.get(v).json["partners"]:
        etag = client.get(f"{v}/sections/partners").headers["ETag"]
        r = client.patch(
            f"{v}/partners/{partner['id']}",
            headers={"If-Match": etag},
            json={
                "contact_name": "Contact",
                "contact_email": "ig@example.org",
                "signatory_user_id": signatories.get(partner["organisation"]),
                "signatory_name": "Signatory",
                "signatory_role": "Director",
            },
        )
        assert r.status_code == 200, r.json
    r = client.post(
        f"{v}/data-items",
        json={
            "category": "Health history",
            "is_special_category": True,
            "source_partner": LEAD,
            "recipients": PARTNERS,
            "article6": ["art6-1-e"],
            "article9": ["art9-2-g"],
            "schedule1": ["sch1-p2-para18"],
            "para18_reason": "para18-2-c",
            "policy_document_ref": "APD-1",
        },
    )
    assert r.status_code == 201, r.json
    r = client.post(
        f"{v}/flows",
        json={
            "what": "Referrals",
            "from_partner": LEAD,
            "to_partner": "la-cardiff",
            "method": "Secure e-mail",
            "purpose": "Safeguarding",
        },
    )
    assert r.status_code == 201, r.json
    save(
        "introduction",
        {
            "purpose": "Protect children & young people — “Diogelu”",
            "purposes": ["Enquiries"],
            "accord_statement": "Under WASPI",
        },
    )
    save("partners", {"controller_relationship": "Separate controllers"})
    save("obligations", {"organisational": "Train", "practitioner": "Record"})
    save("legislation", {"legal_powers": ["power-s28-ca2004"]})
    save("personal_information", {"data_subjects": ["Children"], "consent": "Not relied on"})
    save("rights", {"access_requests": "Each", "other_rights": "Tell"})
    save("security", {"security_measures": "Secure", "retention": "Schedule", "breaches": "A day"})
    save(
        "review",
        {
            "review_date": (date.today() + timedelta(days=200)).isoformat(),
            "review_arrangements": "Lead",
        },
    )
    save("information_flows", {})


def _version_etag(client, protocol_id, number=None) -> str:
    """The ETag of a version (the latest when number is None), as a caller reads it."""
    number = number or client.get(f"{BASE}/{protocol_id}").json["versions"][-1]["number"]
    return client.get(f"{BASE}/{protocol_id}/versions/{number}").headers["ETag"]


def _act(client, protocol_id, path, json=None, number=None):
    """POST a transition with the If-Match of the version it acts on, read just before."""
    etag = _version_etag(client, protocol_id, number)
    return client.post(f"{BASE}/{protocol_id}/{path}", json=json, headers={"If-Match": etag})


def test_full_journey_through_the_api(lead_api, api_as, ig, api_client):
    client, _ = lead_api
    protocol_id = _create(client).json["id"]
    early = _act(client, protocol_id, "submit")
    assert early.status_code == 422 and "introduction" in early.json["errors"]["json"]
    assert "qa_group" in early.json["errors"]["json"]  # and no QA group named
    # The lead and two partners sign from accounts; South Wales Police's officer on paper.
    signers = {code: ig(code, Role.PRACTITIONER) for code in [LEAD, *PARTNERS[:2]]}
    signer_clients = {code: api_client(user) for code, user in signers.items()}
    db.session.commit()
    _draft_everything(client, protocol_id, {code: u.id for code, u in signers.items()})
    version = client.get(f"{BASE}/{protocol_id}/versions/1").json
    assert all(check["passed"] or check["advisory"] for check in version["qa_checklist"])
    assert (
        version["sections"][0]["content"]["purpose"]
        == "Protect children & young people — “Diogelu”"
    )
    unknown = client.post(
        f"{BASE}/{protocol_id}/submit",
        json={"qa_group": "waspi-nowhere"},
        headers={"If-Match": version["etag"]},
    )
    assert unknown.status_code == 422 and "qa_group" in unknown.json["errors"]["json"]
    submitted = client.post(
        f"{BASE}/{protocol_id}/submit",
        json={"qa_group": "waspi-south"},
        headers={"If-Match": version["etag"]},
    )
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    assert submitted.json["qa_group"] == "WASPI South QA Group"
    assert submitted.json["qa_group_code"] == "waspi-south"
    assert _act(client, protocol_id, "submit").status_code == 409

    author_review = _act(client, protocol_id, "qa-decision", {"decision": "approve"})
    assert author_review.status_code == 403
    reviewer = api_as("la-vale-of-glamorgan")
    returned = _act(reviewer, protocol_id, "qa-decision", {"decision": "return"})
    assert returned.status_code == 422 and "comments" in returned.json["errors"]["json"]
    approved = _act(
        reviewer,
        protocol_id,
        "qa-decision",
        {"decision": "approve"},
    )
    assert approved.status_code == 200 and approved.json["state"] == "qa_approved"
    assert approved.json["status_label"] == "Approved for signature"

    frozen = client.patch(
        f"{BASE}/{protocol_id}/versions/1/sections/rights",
        json={"content": {"complaints": "x"}},
        headers={"If-Match": "*"},
    )
    assert frozen.status_code == 409
    assert (
        client.post(
            f"{BASE}/{protocol_id}/versions/1/partners", json={"organisation": "nhs-wast"}
        ).status_code
        == 409
    )
    practitioner = api_as("la-cardiff", Role.PRACTITIONER)
    assert _act(practitioner, protocol_id, "signatures", {}).status_code == 403
    assert (
        practitioner.get(f"{BASE}/{protocol_id}").status_code == 200
    )  # practitioners of parties read

    assert _act(client, protocol_id, "signatures", {}).status_code == 403  # not the signatory
    typed = _act(signer_clients[LEAD], protocol_id, "signatures", {"role": "Chief Executive"})
    assert typed.status_code == 422 and "role" in typed.json["errors"]["json"]  # never typed
    for code, signer in signer_clients.items():
        r = _act(signer, protocol_id, "signatures", {})
        assert r.status_code == 201, r.json
        assert r.json["organisation"] == code and r.json["method"] == "account"
        assert r.json["signed_by"] == signers[code].name and r.json["role"] == "Director"
        assert r.json["attested_by"] is None and r.json["has_scan"] is False
    again = _act(signer_clients[LEAD], protocol_id, "signatures", {})
    assert again.status_code == 409  # once per partner
    police_ig = api_as(PARTNERS[2])
    etag = _version_etag(police_ig, protocol_id)
    r = police_ig.post(
        f"{BASE}/{protocol_id}/signatures/paper",
        data={"signed_on": date.today().isoformat(), "scan": (io.BytesIO(PDF), "signed.pdf")},
        headers={"If-Match": etag},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201, r.json
    assert (r.json["method"], r.json["signed_by"], r.json["has_scan"]) == (
        "paper",
        "Signatory",
        True,
    )
    protocol = client.get(f"{BASE}/{protocol_id}").json
    assert protocol["versions"][0]["state"] == "active"
    assert len(client.get(f"{BASE}/{protocol_id}/signatures").json) == 4

    new = _act(client, protocol_id, "versions", {"change_summary": "Add WAST"}, number=1)
    assert new.status_code == 201 and new.json["number"] == 2 and new.json["state"] == "draft"
    added = client.post(
        f"{BASE}/{protocol_id}/versions/2/partners", json={"organisation": "nhs-wast"}
    )
    assert added.status_code == 201 and added.json["role"] == "partner"
    assert _act(client, protocol_id, "versions", {}, number=1).status_code == 409
    comparison = client.get(f"{BASE}/{protocol_id}/compare?old=1&new=2").json
    partners = next(s for s in comparison if s["code"] == "partners")
    assert partners["changed"] and any(
        c["op"] == "added" and "Welsh Ambulance" in c["text"]
        for f in partners["fields"]
        for c in f["changes"]
    )

    partner_withdraw = _act(api_as("la-cardiff"), protocol_id, "withdraw", {"reason": "x"})
    assert partner_withdraw.status_code == 403
    assert _act(client, protocol_id, "withdraw", {}).status_code == 422
    withdrawn = _act(client, protocol_id, "withdraw", {"reason": "Replaced by a regional ISP"})
    assert withdrawn.status_code == 200
    assert {v["state"] for v in withdrawn.json["versions"]} == {"withdrawn"}
    assert _act(client, protocol_id, "withdraw", {"reason": "again"}).status_code == 409


TRANSITIONS = [
    ("submit", {"qa_group": "waspi-south"}, "draft"),
    ("qa-decision", {"decision": "return", "comments": "Thin"}, "submitted"),
    ("signatures", {}, "qa_approved"),
    ("versions", {}, "active"),
    ("withdraw", {"reason": "Ended"}, "active"),
]


@pytest.mark.parametrize(("path", "body", "state"), TRANSITIONS)
@pytest.mark.parametrize(
    ("if_match", "status", "words"),
    [
        (None, 428, "If-Match"),
        ("", 428, "If-Match"),
        ("not an etag", 409, "could not tell which version"),
        ('"1.1", garbage', 409, "could not tell which version"),
        ('"999999.1"', 409, "has changed since you last loaded it"),
    ],
)
def test_a_transition_without_the_versions_etag_changes_nothing(
    api_as, api_client, version_in, ig, path, body, state, if_match, status, words
):
    """Every transition needs the ETag of the version it acts on: 428 without If-Match, 409
    with a missing, malformed or out-of-date one, and the version is as it was."""
    version, _author = version_in(state)
    db.session.commit()
    if path == "signatures":  # the lead's named signatory, from their account
        client = api_client(version.partners[0].signatory_user)
    else:
        client = api_as("la-vale-of-glamorgan" if path == "qa-decision" else LEAD)
    before = (version.state, version.row_version, len(version.protocol.versions))
    headers = {} if if_match is None else {"If-Match": if_match}
    response = client.post(f"{BASE}/{version.protocol_id}/{path}", json=body, headers=headers)
    assert response.status_code == status, response.json
    assert words in response.json["message"]
    db.session.expire_all()
    assert (version.state, version.row_version, len(version.protocol.versions)) == before


def test_data_item_and_flow_errors_name_fields(lead_api):
    client, _ = lead_api
    protocol_id = _create(client).json["id"]
    v = f"{BASE}/{protocol_id}/versions/1"
    r = client.post(
        f"{v}/data-items",
        json={"category": "X", "source_partner": "nhs-wast", "article6": ["art6-9"]},
    )
    assert r.status_code == 422 and "source_partner" in r.json["errors"]["json"]
    r = client.post(f"{v}/data-items", json={"category": "X", "article6": ["art6-9"]})
    assert r.status_code == 422 and "art6-9" in r.json["errors"]["json"]["article6"][0]
    r = client.post(f"{v}/flows", json={"what": "X", "from_partner": LEAD, "to_partner": LEAD})
    assert r.status_code == 422 and "to_partner_id" in r.json["errors"]["json"]
    item = client.post(
        f"{v}/data-items", json={"category": "Attendance", "article6": ["art6-1-e"]}
    ).json
    assert client.put(f"{v}/data-items/{item['id']}", json={"category": "Y"}).status_code == 428
    etag = client.get(f"{v}/sections/personal_information").headers["ETag"]
    assert (
        client.delete(f"{v}/data-items/{item['id']}", headers={"If-Match": etag}).status_code == 204
    )
    assert (
        client.delete(f"{v}/data-items/{item['id']}", headers={"If-Match": etag}).status_code == 404
    )


def test_openapi_lists_the_protocol_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/protocols",
        "/api/v1/protocols/{protocol_id}/submit",
        "/api/v1/protocols/{protocol_id}/qa-decision",
        "/api/v1/protocols/{protocol_id}/signatures",
        "/api/v1/protocols/{protocol_id}/withdraw",
        "/api/v1/protocols/{protocol_id}/versions",
        "/api/v1/protocols/{protocol_id}/versions/{number}/sections/{code}",
    ):
        assert path in paths, path
