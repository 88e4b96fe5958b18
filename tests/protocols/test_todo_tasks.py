"""Agreement tasks on the to-do home page, and the notice asking partners for QA."""

from __future__ import annotations

from datetime import date

from isp_manager.mail import flush_pending
from isp_manager.protocols import workflow
from isp_manager.todo import tasks_for
from tests.conftest import bilingual

DUE_SOON_DAY = date(2027, 1, 6)


def _tasks(user, today):
    return {t.key: t for t in tasks_for(user, today)}


def test_agreements_waiting_for_qa_signature_and_review(app, version_in, ig):
    submitted, _author = version_in("submitted")
    reviewer = ig("la-cardiff")
    with app.test_request_context():
        tasks = _tasks(reviewer, DUE_SOON_DAY)
    assert tasks["agreements-qa"].count >= 1
    assert tasks["agreements-qa"].href == "/qa-groups/queue"
    approved, _author = version_in("qa_approved")
    with app.test_request_context():
        tasks = _tasks(approved.partners[3].signatory_user, DUE_SOON_DAY)
        ig_tasks = _tasks(ig("police-south-wales"), DUE_SOON_DAY)
    assert tasks["agreements-signature"].count == 1  # the named signatory's own task
    assert tasks["agreements-signature"].href == "/agreements?state=awaiting_signatures"
    assert "agreements-signature" not in ig_tasks  # an IG lead is not the signatory
    assert "agreements-paper-signature" not in ig_tasks


def test_partners_ig_leads_are_asked_for_qa(app, complete_isp, ig, outbox):
    reviewer = ig("la-cardiff")
    version, author = complete_isp()
    with app.test_request_context():
        workflow.submit_for_qa(
            version, expected_etag=version.etag, by=author, qa_group="waspi-south"
        )
        flush_pending()
    mails = [m for m in outbox() if reviewer.email in m["To"]]
    assert len(mails) == 1
    welsh, english = bilingual(mails[0])
    assert "Quality assurance wanted" in english and version.protocol.reference in welsh
    assert not [m for m in outbox() if author.email in m["To"]]
