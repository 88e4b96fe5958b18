"""The whole OpenAPI document, fuzzed with schemathesis against the app in process (WSGI):
every operation, with its default checks (no 5xx, status codes, content types, headers and
response bodies as documented, schema-violating input refused), signed in with a Bearer
token, on realistic data. Left out: positive_data_acceptance, which takes any request the
schema allows to be one the API must accept; the rules that need the database (an
organisation code on the register, a role or an active flag to change) are the services',
and answer 422 naming the field.

Bounded for CI: a few derandomized examples per operation and no deadline. Each operation's
examples run inside that test's rolled-back transaction (conftest.db_session), on data made
by `world` in that transaction: organisations from the reference seed, a user with a token
for each role, agreements in draft and submitted, and s.164 requests.
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import positive_data_acceptance

from isp_manager import create_app
from isp_manager.accounts.models import ApiToken, Role, hash_token
from isp_manager.board_requests import services as board_requests
from isp_manager.cooperation import services as cooperation
from isp_manager.extensions import db
from isp_manager.protocols import services as protocols
from tests.board_requests.conftest import details as board_details
from tests.cooperation.factories import details

MAX_EXAMPLES = 15


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations() -> list[tuple[str, str]]:
    """Every (path, method) of the document, read from an app made for it at collection time
    (schemathesis' own pytest loader does not run on this pytest)."""
    with tempfile.TemporaryDirectory() as folder:
        document_app = create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
            instance_path=folder,
        )
        paths = document_app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    methods = {"get", "put", "post", "patch", "delete"}
    return [(path, m.upper()) for path, item in paths.items() for m in item if m in methods]


def _token(user) -> str:
    raw = f"fuzz-token-{user.id}-{user.role.value}"
    db.session.add(ApiToken(user=user, label="fuzz", token_hash=hash_token(raw), prefix=raw[:8]))
    return raw


@pytest.fixture
def world(make_user):
    """Tokens by role, and records for the operations to find."""
    users = {
        "admin": make_user("la-cardiff", Role.ADMIN),
        "ig_lead": make_user("lhb-cardiff-and-vale", Role.IG_LEAD),
        "practitioner": make_user("la-cardiff", Role.PRACTITIONER),
        "auditor": make_user("la-cardiff", Role.AUDITOR),
        "board_officer": make_user("board-cardiff-and-vale", Role.BOARD_OFFICER),
    }
    protocols.create_protocol(
        kind="isp",
        title="Safeguarding children in Cardiff and the Vale",
        lead_organisation="lhb-cardiff-and-vale",
        partners=["la-cardiff", "police-south-wales"],
        by=users["ig_lead"],
    )
    for send in (True, False):
        cooperation.create_request(details(), by=users["practitioner"], send=send)
        board_requests.create_request(board_details(), by=users["board_officer"], send=send)
    tokens = {role: _token(user) for role, user in users.items()}
    db.session.commit()  # a SAVEPOINT release, rolled back after the test
    return tokens


# The role whose token an operation is called with: the one that may do most with it.
def _role_for(path: str) -> str:
    if path.startswith(("/api/v1/protocols", "/api/v1/organisations/{code}/agreements")):
        return "ig_lead"
    if path.startswith("/api/v1/cooperation-requests"):
        return "practitioner"
    if path.startswith("/api/v1/board-requests"):
        return "board_officer"
    return "admin"


@pytest.mark.parametrize(("path", "method"), _operations())
def test_the_api_does_what_its_document_says(api_schema, world, path, method):
    operation = api_schema[path][method]
    token = world[_role_for(path)]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance]
        )

    call()
