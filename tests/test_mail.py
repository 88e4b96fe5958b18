"""Notices in Welsh and English: one helper renders each part in its own language."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from isp_manager.calendar import long_date
from isp_manager.i18n import current_locale
from isp_manager.mail import SEPARATOR, queue_bilingual_mail, render_bilingual
from tests.conftest import bilingual, org


def _parts():
    cardiff = org("la-cardiff")

    def subject():
        return _(
            "Due %(due)s: s.164 request %(ref)s from %(council)s",
            due=long_date(date(2027, 1, 8)),
            ref="S164-2026-000001",
            council=cardiff.display_name(current_locale()),
        )

    def body():
        return cardiff.display_name(current_locale())

    return subject, body


def test_welsh_first_then_english_each_in_its_own_language(app):
    with app.test_request_context():
        subject, body = render_bilingual(*_parts())
    welsh, english = bilingual(subject)
    assert "8 Ionawr 2027" in welsh and "Cyngor Caerdydd" in welsh
    assert english == "Due 8 January 2027: s.164 request S164-2026-000001 from Cardiff Council"
    heading, welsh_body, english_body = (
        body.split("\n\n", 1)[0],
        *body.split("\n\n", 1)[1].split(SEPARATOR),
    )
    assert heading == "Saesneg isod / English below"
    assert welsh_body.strip() == "Cyngor Caerdydd" and english_body.strip() == "Cardiff Council"


def test_the_senders_language_does_not_matter(app):
    with app.test_request_context("/?lang=cy"):
        from_welsh = render_bilingual(*_parts())
    with app.test_request_context("/?lang=en"):
        from_english = render_bilingual(*_parts())
    assert from_welsh == from_english


def test_one_message_is_queued(app, outbox):
    from isp_manager import mail

    with app.test_request_context():
        queue_bilingual_mail("ig@cav.example.test", *_parts())
        mail.flush_pending()
    [message] = outbox()
    welsh, english = bilingual(message)
    assert message["To"] == "ig@cav.example.test"
    assert welsh.index("Cyngor Caerdydd") >= 0 and english.endswith("Cardiff Council\n")


def test_every_header_is_folded_to_one_line(app):
    from isp_manager.mail import discard_pending, queue_mail

    with app.test_request_context():
        msg = queue_mail(
            ["a@example.test\r\nBcc: b@example.test"], "One\r\ntwo\x00\tthree\u2028four", "Body"
        )
        discard_pending()
    assert msg["Subject"] == "One two three four"
    assert msg["To"].startswith("a@example.test")
    assert msg["Bcc"] is None
