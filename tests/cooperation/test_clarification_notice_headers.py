"""A body whose stored name holds a line break still gets its clarification notice sent: the
mail layer folds the break into a space rather than raising (or adding a header)."""

from __future__ import annotations

from isp_manager.extensions import db
from tests.conftest import bilingual

API = "/api/v1/cooperation-requests"


def test_clarification_from_a_body_named_with_a_line_break(
    api_client, make_request, board_user, outbox
):
    req = make_request(on=None)
    for field in ("name", "name_cy"):
        setattr(req.requested_org, field, "Cardiff and Vale\r\nBcc: everyone@example.test")
    db.session.commit()
    outbox()  # empties the outbox
    response = api_client(board_user).post(
        f"{API}/{req.id}/clarification", json={"question": "Which years of records do you need?"}
    )
    assert response.status_code == 200, response.get_json()
    [message] = outbox()
    assert message["Bcc"] is None
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    _welsh, english = bilingual(str(message["Subject"]))
    assert "Cardiff and Vale Bcc: everyone@example.test asks for clarification" in english
