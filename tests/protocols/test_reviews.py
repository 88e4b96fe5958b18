"""Reviews: the status derived from the review date, the dashboard of agreements due for review,
and the `flask notify` reminders to the lead's IG contact (once per threshold, through SMTP
when it is configured and into the outbox when it is not)."""

from __future__ import annotations

import socket
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from export_helpers import quick_agreement, review_date_in
from flask_babel import refresh
from protocol_helpers import LEAD
from test_export import counting

from isp_manager.accounts.models import Role
from isp_manager.calendar import wales_today
from isp_manager.extensions import db
from isp_manager.notifications import SentReminder, notify_command, send_due_reminders
from isp_manager.protocols import reminders
from isp_manager.protocols.reviews import ReviewStatus, review_status
from tests.conftest import bilingual, org

TODAY = date(2026, 11, 25)


# ---------------------------------------------------------------- status from the date


@pytest.mark.parametrize(
    "review_date, months, expected",
    [
        (None, 3, None),
        (TODAY - timedelta(days=1), 3, ReviewStatus.OVERDUE),
        (TODAY - timedelta(days=400), 3, ReviewStatus.OVERDUE),
        (TODAY, 3, ReviewStatus.DUE_SOON),  # due today is not yet overdue
        (TODAY + timedelta(days=30), 3, ReviewStatus.DUE_SOON),
        (date(2027, 2, 25), 3, ReviewStatus.DUE_SOON),  # exactly three months ahead
        (date(2027, 2, 26), 3, ReviewStatus.NOT_DUE),
        (date(2027, 2, 26), 6, ReviewStatus.DUE_SOON),
        (TODAY + timedelta(days=40), 1, ReviewStatus.NOT_DUE),
    ],
)
def test_review_status_is_derived_from_the_date(app, review_date, months, expected):
    assert review_status(review_date, TODAY, months) == expected


@pytest.mark.parametrize(
    "review_date, expected",
    [
        (date(2027, 6, 1), None),
        (date(2027, 2, 25), "review-due-3-months"),
        (date(2026, 12, 26), "review-due-3-months"),
        (date(2026, 12, 25), "review-due-1-month"),
        (TODAY, "review-due-1-month"),
        (TODAY - timedelta(days=1), "review-overdue"),
    ],
)
def test_the_threshold_reached_is_the_most_urgent_one(review_date, expected):
    assert reminders.threshold_for(review_date, TODAY, 3) == expected


def test_thresholds_follow_the_configured_months():
    assert reminders.thresholds(3) == [("review-due-1-month", 1), ("review-due-3-months", 3)]
    assert reminders.thresholds(1) == [("review-due-1-month", 1)]
    assert reminders.thresholds(6) == [("review-due-1-month", 1), ("review-due-6-months", 6)]


# ---------------------------------------------------------------- the dashboard


@pytest.fixture
def due(ig):
    """Agreements of the lead (Cardiff and Vale UHB) and of Swansea, with review dates around now."""
    author, swansea = ig(LEAD), ig("la-swansea")
    made = {
        "overdue": quick_agreement(
            author, "Overdue MASH protocol", review_date=review_date_in(-10)
        ),
        "soon": quick_agreement(author, "Youth justice protocol", review_date=review_date_in(20)),
        "later": quick_agreement(author, "Early help protocol", review_date=review_date_in(80)),
        "not_due": quick_agreement(author, "Not due protocol", review_date=review_date_in(200)),
        "draft": quick_agreement(author, "Draft protocol", state="draft"),
        "superseded": quick_agreement(
            author, "Superseded protocol", state="superseded", review_date=review_date_in(-30)
        ),
        "swansea": quick_agreement(
            swansea,
            "Swansea overdue protocol",
            lead="la-swansea",
            partners=["lhb-swansea-bay"],
            review_date=review_date_in(-5),
        ),
    }
    db.session.commit()
    return made


def page_text(response) -> str:
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


def test_dashboard_lists_due_and_overdue_agreements_soonest_first(due, login, ig):
    html = page_text(login(ig(LEAD)).get("/agreements/reviews"))
    order = [
        html.index(t)
        for t in ("Overdue MASH protocol", "Youth justice protocol", "Early help protocol")
    ]
    assert order == sorted(order)
    for absent in (
        "Not due protocol",
        "Draft protocol",
        "Superseded protocol",
        "Swansea overdue protocol",
    ):
        assert absent not in html
    assert "by 10 days" in html and "in 20 days" in html
    assert "Showing 1 to 3 of 3 agreements" in html
    assert '<p class="govuk-heading-xl govuk-!-margin-bottom-1">1</p>' in html  # overdue
    assert (
        '<p class="govuk-heading-xl govuk-!-margin-bottom-1">2</p>' in html
    )  # due within 3 months


def test_a_partner_sees_the_agreements_it_is_party_to(due, login, make_user):
    user = make_user("la-cardiff", Role.PRACTITIONER)
    db.session.commit()
    html = page_text(login(user).get("/agreements/reviews"))
    assert "Overdue MASH protocol" in html and "Swansea overdue protocol" not in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_admins_and_auditors_see_every_organisation(due, login, make_user, role):
    user = make_user("la-wrexham", role)
    db.session.commit()
    html = page_text(login(user).get("/agreements/reviews"))
    assert "Overdue MASH protocol" in html and "Swansea overdue protocol" in html


def test_another_organisation_sees_none(due, login, make_user):
    user = make_user("la-wrexham", Role.IG_LEAD)
    db.session.commit()
    assert "No agreements are due for review." in page_text(login(user).get("/agreements/reviews"))


def test_filter_by_status(due, login, ig):
    client = login(ig(LEAD))
    overdue = page_text(client.get("/agreements/reviews?status=overdue"))
    assert "Overdue MASH protocol" in overdue and "Youth justice protocol" not in overdue
    soon = page_text(client.get("/agreements/reviews?status=due_soon"))
    assert "Overdue MASH protocol" not in soon and "Youth justice protocol" in soon
    assert client.get("/agreements/reviews?status=someday").status_code == 422


def test_window_follows_review_reminder_months(due, login, ig, app, monkeypatch):
    monkeypatch.setitem(app.config, "REVIEW_REMINDER_MONTHS", 1)
    html = page_text(login(ig(LEAD)).get("/agreements/reviews"))
    assert "Youth justice protocol" in html and "Early help protocol" not in html


def test_a_new_version_in_preparation_is_shown(due, login, ig):
    from isp_manager.protocols.models import ProtocolVersion, VersionState

    active = due["overdue"]
    db.session.add(ProtocolVersion(protocol=active.protocol, number=2, state=VersionState.DRAFT))
    db.session.commit()
    html = page_text(login(ig(LEAD)).get("/agreements/reviews"))
    assert f'/agreements/{active.protocol_id}/versions/2">V2</a> draft' in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/agreements/reviews")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_dashboard_query_count_is_fixed(ig, login):
    author = ig(LEAD)
    counts = []
    for batch in (2, 15):
        for n in range(batch):
            quick_agreement(
                author,
                f"Due {batch}-{n}",
                review_date=review_date_in(n - 5),
                partners=["la-cardiff", "la-newport", "nhs-wast"],
            )
        db.session.commit()
        client = login(author)
        with counting() as statements:
            assert client.get("/agreements/reviews").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 6, counts


# ---------------------------------------------------------------- reminders


def pending(app) -> list:
    with app.test_request_context():
        return list(reminders.protocol_review_reminders())


def test_reminders_go_to_the_leads_ig_lead_else_its_contact(app, ig):
    author = ig(LEAD)
    version = quick_agreement(author, "Contact test", review_date=review_date_in(10))
    version.partner_for(org(LEAD).id).contact_email = "mash.lead@cav.example"
    db.session.flush()
    [reminder] = pending(app)
    assert reminder.to == ("mash.lead@cav.example",)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    db.session.flush()
    [reminder] = pending(app)
    assert reminder.to == ("ig.lead@cav.example",)
    assert reminder.threshold == "review-due-1-month"
    assert reminder.record_id == str(version.id)
    welsh, english = bilingual(reminder.subject)
    assert english.startswith("Review due") and welsh.startswith("Adolygiad yn ddyledus")
    assert "Contact test" in english and version.protocol.reference in english
    assert f"/agreements/{version.protocol_id}/versions/1" in reminder.body


def test_only_active_versions_with_a_due_review_are_reminded(app, ig):
    author = ig(LEAD)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    quick_agreement(author, "Far off", review_date=review_date_in(200))
    quick_agreement(author, "A draft", state="draft")
    quick_agreement(author, "Old text", state="superseded", review_date=review_date_in(-3))
    quick_agreement(author, "Withdrawn", state="withdrawn", review_date=review_date_in(-3))
    assert pending(app) == []


def run_notify(app) -> str:
    result = app.test_cli_runner().invoke(notify_command)
    assert result.exit_code == 0, result.output
    return result.output


def test_notify_writes_eml_files_when_no_mail_server_is_set_and_never_twice(
    app, ig, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    author = ig(LEAD)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    quick_agreement(author, "Overdue MASH protocol", review_date=review_date_in(-2))
    quick_agreement(author, "Youth justice protocol", review_date=review_date_in(60))
    assert run_notify(app) == "2 reminder(s) sent.\n"
    messages = outbox()
    subjects = sorted(bilingual(str(m["Subject"]))[1] for m in messages)  # the English half
    assert subjects[0].startswith("Review due ") and "Youth justice protocol" in subjects[0]
    assert subjects[1].startswith("Review overdue: ") and "Overdue MASH protocol" in subjects[1]
    assert all(m["To"] == "ig.lead@cav.example" for m in messages)
    assert run_notify(app) == "0 reminder(s) sent.\n"
    assert len(outbox()) == 2


def test_each_threshold_is_reminded_once_per_version(app, ig, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    author = ig(LEAD)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    version = quick_agreement(author, "Annual review protocol", review_date=review_date_in(80))
    start = wales_today()
    for days_later, expected in [
        (0, "review-due-3-months"),
        (10, None),  # still within three months: already reminded
        (55, "review-due-1-month"),
        (70, None),
        (81, "review-overdue"),
        (120, None),
    ]:
        monkeypatch.setattr(
            reminders, "wales_today", lambda d=days_later: start + timedelta(days=d)
        )
        run_notify(app)
        sent = db.session.scalars(
            db.select(SentReminder.threshold)
            .where(SentReminder.record_id == str(version.id))
            .order_by(SentReminder.id)
        ).all()
        if expected:
            assert sent[-1] == expected
    assert sent == ["review-due-3-months", "review-due-1-month", "review-overdue"]
    assert len(outbox()) == 3


def test_a_new_version_gets_its_own_reminders(app, ig, monkeypatch):
    from isp_manager.db import utcnow
    from isp_manager.protocols.models import ProtocolVersion, VersionState

    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    author = ig(LEAD)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    v1 = quick_agreement(author, "Reviewed every year", review_date=review_date_in(-1))
    with app.test_request_context():
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    now = utcnow()
    v1.state, v1.superseded_at = VersionState.SUPERSEDED, now
    db.session.flush()
    v2 = ProtocolVersion(
        protocol=v1.protocol,
        number=2,
        state=VersionState.ACTIVE,
        approved_at=now,
        approved_by_id=author.id,
        review_date=review_date_in(-1),
        activated_at=now,
    )
    db.session.add(v2)
    db.session.flush()
    with app.test_request_context():
        assert send_due_reminders() == 1
    sent = db.session.execute(db.select(SentReminder.record_id, SentReminder.threshold)).all()
    assert sorted(sent) == sorted([(str(v1.id), "review-overdue"), (str(v2.id), "review-overdue")])


# ---------------------------------------------------------------- SMTP


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on a free local port, and the app configured to use it."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    yield handler
    controller.stop()


def test_notify_sends_through_smtp_when_configured(app, ig, smtp_server, outbox):
    author = ig(LEAD)
    org(LEAD).ig_lead_email = "ig.lead@cav.example"
    version = quick_agreement(author, "Gŵyl & <MASH> protocol", review_date=review_date_in(-4))
    assert run_notify(app) == "1 reminder(s) sent.\n"
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["ig.lead@cav.example"]
    import email
    from email import policy

    message = email.message_from_bytes(envelope.content, policy=policy.default)
    welsh, english = bilingual(str(message["Subject"]))
    assert english == (
        f"Review overdue: {version.protocol.reference} Gŵyl & <MASH> protocol was due for review on "
        + version.review_date.strftime("%-d %B %Y")
    )
    assert welsh.startswith(f"Adolygiad yn hwyr: roedd {version.protocol.reference} Gŵyl & <MASH>")
    body = message.get_content()
    assert body.index("Saesneg isod / English below") < body.index("yn hwyr") < body.index("is now")
    assert "is now overdue" in body and f"/agreements/{version.protocol_id}/versions/1" in body
    assert outbox() == []  # nothing written to files when SMTP is configured
    assert run_notify(app) == "0 reminder(s) sent.\n"
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("months", "window", "due_soon"),
    [
        (1, "within the next month.", "due within the next month"),
        (4, "within the next 4 months.", "due within the next 4 months"),
    ],
)
def test_the_window_is_stated_with_its_number(
    due, login, ig, app, monkeypatch, months, window, due_soon
):
    monkeypatch.setitem(app.config, "REVIEW_REMINDER_MONTHS", months)
    html = page_text(login(ig(LEAD)).get("/agreements/reviews"))
    assert window in html and due_soon in html


@pytest.mark.parametrize(
    ("months", "window", "due_soon"),
    [
        (1, "o fewn y mis nesaf.", "yn ddyledus o fewn y mis nesaf"),
        (2, "o fewn y 2 fis nesaf.", "yn ddyledus o fewn y 2 fis nesaf"),
        (4, "o fewn y 4 mis nesaf.", "yn ddyledus o fewn y 4 mis nesaf"),
        (7, "o fewn y 7 mis nesaf.", "yn ddyledus o fewn y 7 mis nesaf"),
    ],
)
def test_the_window_is_stated_with_its_number_in_welsh(
    due, login, ig, app, monkeypatch, months, window, due_soon
):
    monkeypatch.setitem(app.config, "REVIEW_REMINDER_MONTHS", months)
    client = login(ig(LEAD))
    refresh()
    html = page_text(client.get("/agreements/reviews?lang=cy"))
    refresh()
    assert window in html and due_soon in html
