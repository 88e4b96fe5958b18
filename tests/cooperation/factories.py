"""Helpers for the s.164 tests: request details, a refusal's reasons, a query counter."""

from __future__ import annotations

from datetime import date

from isp_manager.cooperation import services
from tests.conftest import org

REQUEST_DAY = date(2026, 12, 22)  # 10 working days later, past Christmas: 8 January 2027
REASONS = (
    "Disclosing the records now would prejudice a live police investigation into the "
    "household, which the health board has been told of in writing by South Wales Police."
)


def details(body_code="lhb-cardiff-and-vale", **overrides) -> services.RequestDetails:
    values = {
        "requested_organisation": org(body_code) if body_code else None,
        "request_type": "information",
        "function": "ssf-assessment",
        "details": "Attendance at paediatric appointments since January 2026.",
        "purpose": "To complete the assessment of needs for care and support of the child.",
        "secure_reply": "Reply to the secure mailbox childrens.services@cardiff.gov.uk",
        "subject_reference": "CS-2026-00417",
    }
    values.update(overrides)
    return services.RequestDetails(**values)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)
