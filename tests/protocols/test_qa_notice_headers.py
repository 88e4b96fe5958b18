"""An agreement whose stored title holds a line break can still be approved: its notices name
it by reference (the title is not in them), and the version leaves "submitted"."""

from __future__ import annotations

from isp_manager.extensions import db
from isp_manager.protocols import workflow


def test_qa_approval_of_an_agreement_titled_with_a_line_break(complete_isp, ig, api_client, outbox):
    version, author = complete_isp()
    version.protocol.title = "Safeguarding\r\nBcc: everyone@example.test\nchildren"
    workflow.submit_for_qa(version, expected_etag=version.etag, by=author, qa_group="waspi-south")
    db.session.commit()
    outbox()  # empties the outbox
    response = api_client(ig("la-cardiff")).post(
        f"/api/v1/protocols/{version.protocol_id}/qa-decision",
        json={"decision": "approve"},
        headers={"If-Match": version.etag},
    )
    assert response.status_code == 200, response.get_json()
    assert response.json["state"] == "qa_approved"
    messages = outbox()
    assert messages
    for message in messages:
        assert message["Bcc"] is None
        subject = str(message["Subject"])
        assert "\r" not in subject and "\n" not in subject
    # notices give the reference and a link, never the title
    assert all(version.protocol.reference in str(m["Subject"]) for m in messages)
    assert not any("everyone@example.test" in m.as_string() for m in messages)
