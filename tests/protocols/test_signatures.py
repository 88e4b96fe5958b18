"""Signatures that mean something: each partner names its signatory (an account at the
partner, or a named officer); only that account signs from it; a named officer's paper
signature is recorded by the partner's IG lead with the scanned page; every change is audited."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from protocol_helpers import make_signatory, organisation_of, sign_all, table_rv

from isp_manager.accounts.models import Role
from isp_manager.audit.models import AuditEvent
from isp_manager.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from isp_manager.extensions import db
from isp_manager.protocols import services, workflow
from isp_manager.protocols.services import PartnerDetails
from isp_manager.todo import tasks_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
BASE = "/api/v1/protocols"


def _officer(partner, name="Jane Jones", role="Chief Constable"):
    """The partner names an officer without an account (set directly: the version is locked)."""
    partner.signatory_user, partner.signatory_user_id = None, None
    partner.signatory_name, partner.signatory_role = name, role
    db.session.flush()


@pytest.fixture
def paper_isp(version_in):
    """A QA-approved ISP whose South Wales Police signatory is an officer without an account."""
    version, author = version_in("qa_approved")
    _officer(version.partners[3])
    return version, author


def _record(version, by, *, scan=PDF, signed_on=None, filename="signed.pdf"):
    return workflow.record_paper_signature(
        version,
        by=by,
        expected_etag=version.etag,
        signed_on=signed_on or date.today(),
        scan=scan,
        filename=filename,
    )


def _events(version, action):
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.record_type == "protocol_versions",
                AuditEvent.record_id == str(version.id),
                AuditEvent.action == action,
            )
        )
    )


# ---------------------------------------------------------------- naming the signatory


def test_the_signatory_must_be_an_active_account_of_that_partner(draft_isp, make_user):
    version, author = draft_isp()
    council = version.partners[1]

    def name(user_id):
        return services.update_partner(
            council,
            PartnerDetails(signatory_user_id=user_id, signatory_role="Chief Executive"),
            by=author,
            expected_row_version=table_rv(version, "partners"),
        )

    elsewhere = make_user("la-swansea", Role.PRACTITIONER)
    with pytest.raises(InvalidInput) as error:
        name(elsewhere.id)
    assert "Choose a person with an account at Cardiff Council" in str(
        error.value.errors["signatory_user_id"]
    )
    gone = make_signatory(council.organisation)
    gone.is_active_user = False
    db.session.flush()
    with pytest.raises(InvalidInput) as error:
        name(gone.id)
    assert "deactivated" in str(error.value.errors["signatory_user_id"])
    with pytest.raises(InvalidInput):
        name(999999)
    chief = make_signatory(council.organisation, name="Paul Orders", job_title=None)
    name(chief.id)
    assert council.signatory_user_id == chief.id and council.signatory_name == "Paul Orders"
    assert council.signatory_role == "Chief Executive" and council.signs_from_account
    [event] = _events(version, "protocol.partner_changed")[-1:]
    assert event.after["partner"]["signatory_user_id"] == chief.id
    assert event.actor_id == author.id


def test_a_partners_own_ig_lead_names_its_signatory_but_changes_nothing_else(draft_isp, ig):
    version, _author = draft_isp()
    council = version.partners[1]
    council_ig = ig("la-cardiff")
    services.update_partner(
        council,
        PartnerDetails(signatory_user_id=None, signatory_name="Ann Bell", signatory_role="CEO"),
        by=council_ig,
        expected_row_version=table_rv(version, "partners"),
    )
    assert (council.signatory_name, council.signatory_role) == ("Ann Bell", "CEO")
    assert _events(version, "protocol.partner_changed")[-1].actor_id == council_ig.id
    with pytest.raises(PermissionDenied):  # another partner's signatory: not theirs
        services.update_partner(
            version.partners[2],
            PartnerDetails(signatory_name="X", signatory_role="Y"),
            by=council_ig,
            expected_row_version=table_rv(version, "partners"),
        )
    with pytest.raises(PermissionDenied):  # the rest of the partner record: authors only
        services.update_partner(
            council,
            PartnerDetails(contact_name="Changed"),
            by=council_ig,
            expected_row_version=table_rv(version, "partners"),
        )


# ---------------------------------------------------------------- signing from an account


def test_only_the_named_signatory_signs_and_name_and_role_come_from_the_records(
    version_in, ig, make_user
):
    version, author = version_in("qa_approved")
    council = version.partners[1]
    before = (version.state, len(version.signatures))
    for someone in (author, ig("la-cardiff"), make_user("la-cardiff", Role.PRACTITIONER)):
        with pytest.raises(PermissionDenied, match="Only the signatory"):
            workflow.sign_protocol(version, by=someone, expected_etag=version.etag)
    with pytest.raises(NotFound):
        workflow.sign_protocol(
            version, by=make_user("la-swansea", Role.IG_LEAD), expected_etag=version.etag
        )
    assert (version.state, len(version.signatures)) == before
    signer = council.signatory_user
    signer.job_title = "Something else"  # the partner record's role wins
    signature = workflow.sign_protocol(version, by=signer, expected_etag=version.etag)
    assert (signature.method, signature.user_id, signature.name, signature.role) == (
        "account",
        signer.id,
        signer.name,
        "Director",
    )
    assert signature.attested_by_id is None and not signature.has_scan
    with pytest.raises(Conflict, match="already signed"):
        workflow.sign_protocol(version, by=signer, expected_etag=version.etag)
    [event] = _events(version, "protocol.signed")
    assert event.actor_id == signer.id
    assert event.after["method"] == "account" and event.after["partner"] == "la-cardiff"
    assert event.before == {"state": "qa_approved"}


def test_a_deactivated_signatory_cannot_sign(version_in):
    version, _author = version_in("qa_approved")
    signer = version.partners[1].signatory_user
    signer.is_active_user = False
    db.session.flush()
    with pytest.raises((NotFound, PermissionDenied)):  # a deactivated account acts on nothing
        workflow.sign_protocol(version, by=signer, expected_etag=version.etag)


def test_a_named_officer_cannot_be_signed_for_from_an_account(paper_isp, ig):
    version, _author = paper_isp
    with pytest.raises(PermissionDenied):
        workflow.sign_protocol(version, by=ig("police-south-wales"), expected_etag=version.etag)


# ---------------------------------------------------------------- paper signatures


@pytest.mark.parametrize(
    ("scan", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_the_partners_ig_lead_records_a_paper_signature_with_its_scan(paper_isp, ig, scan, kind):
    version, _author = paper_isp
    recorder = ig("police-south-wales")
    signed_on = date.today() - timedelta(days=0)
    signature = _record(version, recorder, scan=scan, filename="../../etc/passwd.exe")
    assert (signature.method, signature.name, signature.role) == (
        "paper",
        "Jane Jones",
        "Chief Constable",
    )
    assert signature.user_id is None and signature.attested_by_id == recorder.id
    assert signature.attested_at is not None and signature.signed_at.date() == signed_on
    assert signature.scan == scan and signature.scan_content_type == kind
    assert "/" not in signature.scan_filename and not signature.scan_filename.endswith(".exe")
    [event] = _events(version, "protocol.signed")
    assert event.after["method"] == "paper" and event.after["attested_by"] == recorder.id
    assert event.after["scan"] == {"content_type": kind, "size": len(scan)}
    assert version.state == "awaiting_signatures"


def test_paper_needs_an_ig_lead_of_that_partner(paper_isp, ig, make_user):
    version, author = paper_isp
    for someone in (
        author,  # the lead's IG lead: not of South Wales Police
        ig("la-cardiff"),
        make_user("police-south-wales", Role.PRACTITIONER),
    ):
        with pytest.raises(PermissionDenied, match="Only an information governance lead"):
            _record(version, someone)
    with pytest.raises(NotFound):
        _record(version, make_user("la-swansea", Role.IG_LEAD))
    # a partner whose signatory has an account does not sign on paper
    with pytest.raises(PermissionDenied):
        _record(version, ig("la-cardiff"))
    assert len(version.signatures) == 0


@pytest.mark.parametrize(
    ("scan", "words"),
    [
        (b"", "Select the scan of the signed page"),
        (b"PK\x03\x04 a zip pretending", "must be a PDF, PNG or JPEG"),
        (b"<html><script>alert(1)</script>", "must be a PDF, PNG or JPEG"),
        (b"GIF89a" + b"\x00" * 10, "must be a PDF, PNG or JPEG"),
    ],
)
def test_bad_scans_are_refused_with_a_field_message(paper_isp, ig, scan, words):
    version, _author = paper_isp
    with pytest.raises(InvalidInput) as error:
        _record(version, ig("police-south-wales"), scan=scan)
    assert words in " ".join(error.value.errors["scan"])
    assert len(version.signatures) == 0 and version.state == "qa_approved"


def test_an_oversized_scan_is_refused(app, paper_isp, ig, monkeypatch):
    version, _author = paper_isp
    monkeypatch.setitem(app.config, "SIGNATURE_SCAN_MAX_BYTES", 1024 * 1024)
    with pytest.raises(InvalidInput) as error:
        _record(version, ig("police-south-wales"), scan=PDF + b"0" * (1024 * 1024))
    assert "smaller than 1 MB" in " ".join(error.value.errors["scan"])


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "today or in the past"), (-400, "on or after the date the version was approved")],
)
def test_the_paper_date_must_be_after_approval_and_not_in_the_future(paper_isp, ig, days, words):
    version, _author = paper_isp
    with pytest.raises(InvalidInput) as error:
        _record(version, ig("police-south-wales"), signed_on=date.today() + timedelta(days=days))
    assert words in " ".join(error.value.errors["signed_on"])


def test_paper_and_account_signatures_together_make_it_active(paper_isp, ig):
    version, _author = paper_isp
    sign_all(version, version.partners[:3])
    _record(version, ig("police-south-wales"))
    assert version.state == "active"
    with pytest.raises(Conflict, match="already signed"):
        _record(version, ig("police-south-wales"))


# ---------------------------------------------------------------- notices and to-dos


def test_to_dos_for_the_signatory_and_for_the_ig_lead_who_records_paper(app, paper_isp, ig):
    version, _author = paper_isp
    police_ig = ig("police-south-wales")
    signer = version.partners[1].signatory_user
    with app.test_request_context():
        mine = {t.key: t.count for t in tasks_for(signer, date.today())}
        theirs = {t.key: t.count for t in tasks_for(police_ig, date.today())}
    assert mine["agreements-signature"] == 1
    assert theirs["agreements-paper-signature"] == 1 and "agreements-signature" not in theirs
    _record(version, police_ig)
    workflow.sign_protocol(version, by=signer, expected_etag=version.etag)
    with app.test_request_context():
        mine = {t.key: t.count for t in tasks_for(signer, date.today())}
        theirs = {t.key: t.count for t in tasks_for(police_ig, date.today())}
    assert "agreements-signature" not in mine and "agreements-paper-signature" not in theirs


# ---------------------------------------------------------------- pages


def test_signatures_section_shows_each_named_signatory_and_the_actions(paper_isp, login, ig):
    version, _author = paper_isp
    police_ig = ig("police-south-wales")
    db.session.commit()
    url = f"/agreements/{version.protocol_id}/versions/1/sections/signatures"
    as_signer = login(version.partners[1].signatory_user).get(url)
    assert as_signer.status_code == 200
    assert "Jane Jones, Chief Constable, signs on paper" in as_signer.text
    assert (
        f"{version.partners[1].signatory_user.name}, Director, signs from their" in as_signer.text
    )
    assert f'/agreements/{version.protocol_id}/versions/1/sign"' in as_signer.text
    assert "Record a signature given on paper" not in as_signer.text
    as_ig = login(police_ig).get(url)
    assert "Record a signature given on paper" in as_ig.text
    assert '/versions/1/sign"' not in as_ig.text


def test_paper_page_records_the_signature_and_the_scan_downloads(paper_isp, login, ig, make_user):
    version, author = paper_isp
    police_ig = ig("police-south-wales")
    db.session.commit()
    client = login(police_ig)
    url = f"/agreements/{version.protocol_id}/versions/1/sign-on-paper"
    page = client.get(url)
    assert page.status_code == 200 and 'type="file"' in page.text
    assert 'enctype="multipart/form-data"' in page.text and "Jane Jones" in page.text
    today = date.today()
    fields = {"signed_on": [str(today.day), str(today.month), str(today.year)]}
    fields |= {"etag": version.etag}
    bad = client.post(
        url,
        data=fields | {"confirm": "y", "scan": (io.BytesIO(b"GIF89a nope"), "x.gif")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "There is a problem" in bad.text
    assert "The scan must be a PDF, PNG or JPEG file" in bad.text and 'href="#scan"' in bad.text
    missing = client.post(url, data={"etag": version.etag}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert "Enter the date the signatory signed the page" in missing.text
    assert "Confirm that the signatory signed it on paper" in missing.text
    done = client.post(
        url,
        data=fields | {"confirm": "y", "scan": (io.BytesIO(PDF), "signed page.pdf")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, done.text
    db.session.expire_all()
    signature = next(s for s in version.signatures if s.method == "paper")
    scan_url = f"/agreements/{version.protocol_id}/signatures/{signature.id}/scan"
    section = login(author).get(f"/agreements/{version.protocol_id}/versions/1/sections/signatures")
    assert (
        "Signed on paper by Jane Jones, Chief Constable" in section.text
        and scan_url in section.text
    )
    download = login(author).get(scan_url)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert login(make_user("la-swansea", Role.IG_LEAD)).get(scan_url).status_code == 404
    again = client.get(url)
    assert again.status_code == 302  # already signed: back to the agreement


def test_someone_else_on_the_paper_page_is_refused(paper_isp, login, ig, make_user):
    version, author = paper_isp
    db.session.commit()
    url = f"/agreements/{version.protocol_id}/versions/1/sign-on-paper"
    assert login(author).get(url).status_code == 403
    assert login(ig("la-cardiff")).post(url, data={}).status_code == 403
    assert login(make_user("la-swansea", Role.IG_LEAD)).get(url).status_code == 404
    assert len(version.signatures) == 0


def test_welsh_sign_and_paper_pages(paper_isp, login, ig):
    import flask_babel

    flask_babel.refresh()
    version, _author = paper_isp
    police_ig = ig("police-south-wales")
    db.session.commit()
    url = f"/agreements/{version.protocol_id}/versions/1/sign-on-paper?lang=cy"
    page = login(police_ig).get(url)
    assert "Cofnodi llofnod a roddwyd ar bapur" in page.text
    assert "Copi wedi'i sganio o'r dudalen a lofnodwyd" in page.text.replace("&#39;", "'")


# ---------------------------------------------------------------- API


def test_api_paper_signature_refusals_and_scan(paper_isp, api_client, ig, make_user):
    version, _author = paper_isp
    police_ig = ig("police-south-wales")
    outsider = make_user("la-swansea", Role.IG_LEAD)
    council_ig = ig("la-cardiff")
    clients = {
        name: api_client(u)
        for name, u in [("police", police_ig), ("out", outsider), ("council", council_ig)]
    }
    db.session.commit()
    url = f"{BASE}/{version.protocol_id}/signatures/paper"

    def post(client, scan=PDF, signed_on=None, etag=None):
        data = {"signed_on": (signed_on or date.today()).isoformat()}
        if scan is not None:
            data["scan"] = (io.BytesIO(scan), "page.pdf")
        return client.post(
            url,
            data=data,
            headers={"If-Match": etag or version.etag},
            content_type="multipart/form-data",
        )

    assert post(clients["out"]).status_code == 404
    refused = post(clients["council"])
    assert (
        refused.status_code == 403
        and "Only an information governance lead" in refused.json["message"]
    )
    bad = post(clients["police"], scan=b"not a scan")
    assert bad.status_code == 422 and "PDF, PNG or JPEG" in str(bad.json["errors"])
    missing = post(clients["police"], scan=None)
    assert missing.status_code == 422 and "scan" in str(missing.json["errors"]), missing.json
    future = post(clients["police"], signed_on=date.today() + timedelta(days=3))
    assert future.status_code == 422 and "signed_on" in str(future.json["errors"])
    ok = post(clients["police"])
    assert ok.status_code == 201, ok.json
    body = ok.json
    assert body["method"] == "paper" and body["signed_by"] == "Jane Jones"
    assert body["role"] == "Chief Constable" and body["attested_by"] == police_ig.name
    assert body["has_scan"] is True and body["attested_at"]
    listed = clients["council"].get(f"{BASE}/{version.protocol_id}/signatures").json
    assert [s["method"] for s in listed] == ["paper"]
    scan = clients["council"].get(f"{BASE}/{version.protocol_id}/signatures/{body['id']}/scan")
    assert scan.status_code == 200 and scan.data == PDF and scan.mimetype == "application/pdf"
    assert scan.headers["Content-Disposition"].startswith("attachment")
    hidden = clients["out"].get(f"{BASE}/{version.protocol_id}/signatures/{body['id']}/scan")
    assert hidden.status_code == 404
    partner = clients["council"].get(f"{BASE}/{version.protocol_id}/versions/1").json["partners"][3]
    assert partner["signatory_signs"] == "paper" and partner["signatory_user_id"] is None


def test_api_names_a_signatory_with_422_for_someone_of_another_organisation(lead_api_client):
    client, version = lead_api_client
    partner = version.partners[1]
    etag = client.get(f"{BASE}/{version.protocol_id}/versions/1/sections/partners").headers["ETag"]
    outsider = make_signatory(organisation_of("la-swansea"))
    db.session.commit()
    r = client.patch(
        f"{BASE}/{version.protocol_id}/versions/1/partners/{partner.id}",
        json={"signatory_user_id": outsider.id},
        headers={"If-Match": etag},
    )
    assert r.status_code == 422 and "signatory_user_id" in r.json["errors"]["json"]
    insider = make_signatory(partner.organisation, name="Paul Orders")
    db.session.commit()
    r = client.patch(
        f"{BASE}/{version.protocol_id}/versions/1/partners/{partner.id}",
        json={"signatory_user_id": insider.id},
        headers={"If-Match": etag},
    )
    assert r.status_code == 200, r.json
    assert r.json["signatory_user_id"] == insider.id and r.json["signatory_name"] == "Paul Orders"
    assert r.json["signatory_signs"] == "account"


@pytest.fixture
def lead_api_client(draft_isp, api_client):
    version, author = draft_isp()
    client = api_client(author)
    db.session.commit()
    return client, version
