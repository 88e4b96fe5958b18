"""Hostile input to every page never answers 5xx: query strings, form posts and headers.

Every page route of the app (the API has schemathesis; static files have no input) is visited
by a user who may see it, with hostile values in each query parameter it reads (the filter
forms drawn on the page, and the parameters read by hand), and every form drawn on the page is
posted with the same values in every field, then in one field at a time. A value that is fine
in SQLite may not be in PostgreSQL (a NUL byte, an integer past 2^31 - 1), so run on both.

A failure names the route, the parameter or field and the value, with the status.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa

from isp_manager.accounts import invitations
from isp_manager.accounts.models import ApiToken, Role, hash_token
from isp_manager.board_requests import services as board_requests
from isp_manager.cooperation import services as cooperation
from isp_manager.decisions import advice
from isp_manager.decisions import services as decisions
from isp_manager.decisions.forms import STEPS
from isp_manager.extensions import db
from isp_manager.parties import services as parties
from isp_manager.parties.models import RelevantPartnerAgreement
from isp_manager.protocols import services as protocols
from isp_manager.qa_groups import services as qa_groups
from isp_manager.sso import services as sso
from isp_manager.teams import services as teams
from tests.board_requests.conftest import details as board_details
from tests.conftest import org
from tests.cooperation.factories import details
from tests.decisions.conftest import SHARE
from tests.protocols.protocol_helpers import LEAD, PARTNERS, fill_isp

# Hostile values, already percent-encoded as they travel in a query string or a form body.
HOSTILE = {
    "nul": "a%00b",
    "lone-surrogate": "%ED%A0%80",
    "invalid-utf8": "%FF%FE",
    "crlf": "a%0D%0Ab",
    "long": "x" * 10_000,
    "huge": "9223372036854775808",
    "past-int32": "2147483648",
    "negative": "-1",
    "inf": "1e309",
    "superscript-digit": quote("²"),
    "bad-date": "2026-02-30",
    "far-date": "99999-01-01",
    "unknown-code": "no-such-code",
}
# The values tried in one field at a time (the others as the page drew them).
ONE_FIELD = ("nul", "crlf", "long", "past-int32")

# Query parameters read by hand (request.args) rather than through a form drawn on the page.
HAND_READ = {
    "*": ("page", "lang"),
    "accounts.login": ("next",),
    "sso.start": ("next",),
    "sso.callback": ("state", "code", "error"),
    "sso.refused": ("reason",),
    "agreements_register.index": ("view",),
    "agreements_register.download_csv": ("view", "kind", "organisation", "q"),
    "agreements_register.export_docx": ("version",),
    "protocols.compare": ("old", "new"),
    "decisions.register": ("decision", "consent_outcome", "article6", "from", "to"),
    "decisions.export": ("decision", "consent_outcome", "article6", "from", "to"),
    "decisions.question": ("return",),
    "decisions.amend": ("return",),
    "cooperation.new": ("body",),
    "board_requests.index": ("state", "reference"),
    "board_requests.figures": ("board", "financial_year"),
    "board_requests.figures_csv": ("board", "financial_year"),
    "board_requests.figures_docx": ("board", "financial_year"),
    "board_requests.letter": ("language",),
    "board_requests.acknowledgement": ("language",),
    "cooperation.request_letter": ("language",),
    "cooperation.letterhead": ("organisation",),
    "cooperation.letterhead_file": ("organisation",),
    "cooperation.figures": ("organisation", "year"),
    "cooperation.figures_csv": ("organisation", "year"),
    "cooperation.export": ("status", "organisation", "q", "overdue", "sort"),
    "parties.register_csv": ("q", "kind", "area", "council"),
    "audit.index": ("action", "actor", "record_type", "from", "to"),
    "audit.export_csv": ("record_type", "record_id", "action", "actor_email", "since", "until"),
}

# Posting these ends the session, so the later requests test nothing.
NOT_POSTED = {"accounts.logout", "accounts.sign_out_everywhere"}
NOT_POSTED_PATHS = {"/sign-out", "/account/sign-out-everywhere"}


def _page_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if _is_page(rule)),
        key=lambda rule: (rule.rule, rule.endpoint),
    )


def _is_page(rule) -> bool:
    return rule.endpoint != "static" and not rule.rule.startswith("/api/")


def _rule_ids():
    from isp_manager import create_app

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        instance_path="/tmp",  # noqa: S108 - never written: the app is only asked its routes
    )
    return [f"{rule.rule} {rule.endpoint}" for rule in _page_rules(app)]


RULES = _rule_ids()


# ---------------------------------------------------------------- the records to visit


@pytest.fixture
def world(make_user):
    """Users of each kind and a record for every id in a page's address."""
    author = make_user(LEAD, Role.IG_LEAD)
    council = make_user("la-cardiff", Role.PRACTITIONER)
    admin = make_user("la-cardiff", Role.ADMIN)
    users = [
        author,
        council,
        admin,
        make_user("la-cardiff", Role.IG_LEAD),
        make_user("board-cardiff-and-vale", Role.BOARD_OFFICER),
    ]
    protocol = protocols.create_protocol(
        kind="isp", title="Hostile input", lead_organisation=LEAD, partners=PARTNERS, by=author
    )
    version = fill_isp(protocol.versions[0], author)
    req = cooperation.create_request(details(), by=council, send=True, on=date(2026, 12, 22))
    board_req = board_requests.create_request(board_details(), by=users[4], on=date(2026, 11, 2))
    recorded = decisions.create_decision(dict(SHARE), by=council)
    draft = decisions.create_decision({"purpose": "A draft"}, by=council, draft=True)
    team = teams.create_team("Hostile input team", by=users[3])
    teams.add_member(team, council.email, by=users[3])
    qa_group = qa_groups.find_group("waspi-south")
    qa_groups.add_member(qa_group, users[3], by=admin)
    question = advice.ask_advice("Is consent needed here?", decision=recorded, by=council)
    parties.record_agreement(
        org("la-cardiff"), org("la-vale-of-glamorgan"), date(2026, 1, 5), by=admin
    )
    agreement = db.session.scalar(sa.select(RelevantPartnerAgreement))
    token = ApiToken(user=council, label="t", token_hash=hash_token("hostile-x"), prefix="hostile")
    db.session.add(token)
    invitation, invitation_token = invitations.invite_user(
        org("la-cardiff"), "invited@example.test", "Invited Person", "practitioner", by=admin
    )
    provider = sso.create_provider(
        name="Hostile input provider",
        issuer="http://127.0.0.1:9",  # nothing listens: no test reaches out anywhere
        client_id="hostile-client",
        client_secret="hostile-secret-value",
        organisation="la-cardiff",
        domains="cardiff.gov.uk",
        by=admin,
    )
    db.session.commit()  # a SAVEPOINT release: survives a request that rolls back
    values = {
        "protocol_id": protocol.id,
        "number": version.number,
        "item_id": version.data_items[0].id,
        "flow_id": version.flows[0].id,
        "partner_id": version.partners[1].id,
        "decision_id": recorded.id,
        "record_id": recorded.id,
        "team_id": team.id,
        "group_id": qa_group.id,
        "advice_id": question.id,
        "request_id": req.id,
        "agreement_id": agreement.id,
        "token_id": token.id,
        "user_id": council.id,
        "provider_id": provider.id,
        "import_id": 1,  # nobody's pending import: a 404, never a 5xx
        "invitation_id": invitation.id,
        "token": invitation_token,
        "box": "all",
    }
    return users, values, {"draft_decision": draft.id, "board_request": board_req.id}


def _address(rule, values, extra) -> str:
    args = {name: values[name] for name in rule.arguments if name in values}
    if "code" in rule.arguments:
        args["code"] = "introduction" if "/sections/" in rule.rule else "la-cardiff"
    if rule.endpoint.startswith("retention."):
        args["code"] = "decision"
    if "slug" in rule.arguments:
        args["slug"] = STEPS[2].slug
    if rule.endpoint.startswith("board_requests."):
        args["request_id"] = extra["board_request"]
    if rule.endpoint in ("decisions.question", "decisions.check", "decisions.discard"):
        args["decision_id"] = extra["draft_decision"]
    _domain, path = rule.build(args, append_unknown=False)
    return path


# ---------------------------------------------------------------- reading the page's forms


class _Forms(HTMLParser):
    """Every <form> on a page: its method, action and the names of its fields with the values
    drawn (the first option of a select, the checked radio or box)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": {},
            }
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                fields.setdefault(a["name"], None)
            elif kind != "file":
                fields[a["name"]] = a.get("value") or ""
        elif tag in ("textarea", "button"):
            fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = a["name"]
            fields.setdefault(a["name"], None)
        elif tag == "option" and self._select and fields.get(self._select) is None:
            fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _body(fields: dict[str, str | None]) -> str:
    return "&".join(f"{quote(name)}={value}" for name, value in fields.items() if value is not None)


def _drawn(fields: dict) -> dict:
    return {name: quote(value) if value else value for name, value in fields.items()}


# ---------------------------------------------------------------- the probe


def _visitor(login, users, path):
    """Of the users who may see the page (GET answers below 400), the one shown the most
    forms to post, with the page; (a client of the first user, None) if nobody may."""
    best = (-1, login(users[0]), None)
    for user in users:
        client = login(user)
        response = client.get(path)
        if response.status_code >= 400:
            continue
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        posts = sum(1 for form in _forms(html) if form["method"] == "post")
        if posts > best[0]:
            best = (posts, client, response)
    return best[1], best[2]


def _poster(login, users, path):
    """A client of the first user whose post the route does not refuse outright."""
    for user in users:
        client = login(user)
        if _post(client, path, "").status_code not in (403, 404):
            return client
    return login(users[0])


# /readyz answers 503 by design when the schema is not at the migrations' head, and the
# suite builds its schema from the models: any other status from it would be a failure.
EXPECTED_STATUS = {"/readyz": 503}


def _failures(responses) -> list[str]:
    def failed(what: str, status: int) -> bool:
        path = what.split(" ")[1].split("?")[0]
        expected = EXPECTED_STATUS.get(path)
        return status != expected if expected else status >= 500

    return [f"{what}: {status}" for what, status in responses if failed(what, status)]


def _probe_query(client, endpoint, path, page) -> list[tuple[str, int]]:
    """Each parameter the page reads, one at a time; then all of them (with ?page= and
    ?lang=, which every page reads the same way) at once; then each given twice."""
    own = set(HAND_READ.get(endpoint, ()))
    for form in _forms(page) if page else ():
        if form["method"] == "get" and urlsplit(form["action"]).path in ("", path):
            own |= set(form["fields"])
    names = own | set(HAND_READ["*"])
    seen = []
    for label, value in HOSTILE.items():
        for name in sorted(own):
            response = client.get(f"{path}?{quote(name)}={value}")
            seen.append((f"GET {path} ?{name}={label}", response.status_code))
        every = "&".join(f"{quote(n)}={value}" for n in sorted(names))
        response = client.get(f"{path}?{every}")
        seen.append((f"GET {path} every parameter={label}", response.status_code))
    repeated = "&".join(f"{quote(n)}=1&{quote(n)}=2" for n in sorted(names))
    seen.append((f"GET {path} repeated", client.get(f"{path}?{repeated}").status_code))
    return seen


# Forms drawn on many pages (the header's) are probed on the first page that draws them.
_PROBED: set[tuple[str, str, frozenset]] = set()


def _first_time(action: str, form: dict) -> bool:
    key = (form["method"], re.sub(r"/[0-9]+", "/N", action), frozenset(form["fields"]))
    if key in _PROBED:
        return False
    _PROBED.add(key)
    return True


def _post(client, action, body):
    return client.post(
        action, data=body.encode("latin-1"), content_type="application/x-www-form-urlencoded"
    )


def _probe_forms(client, path, page) -> list[tuple[str, int]]:
    seen = []
    for form in _forms(page) if page else ():
        action = urlsplit(form["action"]).path or path
        if form["method"] != "post" or not form["fields"] or action in NOT_POSTED_PATHS:
            continue
        if not _first_time(action, form):
            continue
        fields = form["fields"]
        for label, value in HOSTILE.items():
            response = _post(client, action, _body(dict.fromkeys(fields, value)))
            seen.append((f"POST {action} every field={label}", response.status_code))
        for name in fields:
            for label in ONE_FIELD:
                body = _body({**_drawn(fields), name: HOSTILE[label]})
                response = _post(client, action, body)
                seen.append((f"POST {action} {name}={label}", response.status_code))
    return seen


@pytest.mark.parametrize("route", RULES)
def test_hostile_input_to_a_page_is_never_a_5xx(app, login, world, route):
    """Every value in every parameter and field; the failure lists each 5xx."""
    rule_text, endpoint = route.split(" ")
    [rule] = [r for r in _page_rules(app) if r.rule == rule_text and r.endpoint == endpoint]
    users, values, extra = world
    path = _address(rule, values, extra)
    seen, client = [], None
    if "GET" in rule.methods:
        client, response = _visitor(login, users, path)
        html = response is not None and response.mimetype == "text/html"
        page = response.get_data(as_text=True) if html else ""
        if endpoint not in NOT_POSTED:
            seen += _probe_forms(client, path, page)
        seen += _probe_query(client, endpoint, path, page)
    elif endpoint not in NOT_POSTED:
        client = _poster(login, users, path)
        for label, value in HOSTILE.items():
            response = _post(client, path, _body(dict.fromkeys(GUESSED_FIELDS, value)))
            seen.append((f"POST {path} every field={label}", response.status_code))
    assert not _failures(seen), "\n".join(_failures(seen))


# Fields for a route that only takes posts: the forms that post to it are drawn on other pages,
# which the GET probe posts through already; these are the fields those views read.
GUESSED_FIELDS = ("job_title", "label", "role", "council", "other", "agreed_on", "notes", "confirm")


def test_hostile_sign_in_is_never_a_5xx(client):
    """Signed in, the sign-in page redirects; so it is probed here, signed out."""
    seen = []
    for label, value in HOSTILE.items():
        for body in (f"email={value}&password={value}", f"email={value}&password=x&next={value}"):
            response = _post(client, f"/sign-in?next={value}", body)
            seen.append((f"POST /sign-in {body[:40]} ({label})", response.status_code))
    assert not _failures(seen), "\n".join(_failures(seen))


# ---------------------------------------------------------------- malformed headers

BAD_HEADERS = {
    "accept-language": {"Accept-Language": "\x00;q=zz, *;q=1e309, " + "x" * 5000},
    "if-match": {"If-Match": 'not an etag, W/, *, "unterminated'},
    "cookie": {"Cookie": "session=%%%\x7f; =; ;;;" + "a" * 5000},
    "content-type": {"Content-Type": "application/json; charset=no-such-charset"},
    "x-request-id": {"X-Request-ID": "abc\r\nSet-Cookie: x=1"},
    "accept": {"Accept": "*/*;q=nan, text/html;q=-1"},
}


@pytest.mark.parametrize("header", sorted(BAD_HEADERS))
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/organisations"),
        ("GET", "/agreements"),
        ("POST", "/account/job-title"),
        ("GET", "/api/v1/organisations"),
        ("POST", "/api/v1/protocols"),
        ("PATCH", "/api/v1/protocols/1/versions/1/sections/introduction"),
    ],
)
def test_a_malformed_header_is_never_a_5xx(login, make_user, method, path, header):
    client = login(make_user("la-cardiff", Role.IG_LEAD))
    # Through the WSGI environ: the test client refuses to build some of these headers.
    environ = {_environ_key(name): value for name, value in BAD_HEADERS[header].items()}
    response = client.open(path, method=method, data=b'{"x": 1}', environ_overrides=environ)
    assert response.status_code < 500
    assert "\r" not in response.headers.get("X-Request-ID", "")


def _environ_key(header: str) -> str:
    key = header.upper().replace("-", "_")
    return key if key == "CONTENT_TYPE" else f"HTTP_{key}"


def test_a_request_id_with_a_line_break_is_replaced(client):
    environ = {"HTTP_X_REQUEST_ID": "abc\r\nSet-Cookie: x=1"}
    response = client.get("/", environ_overrides=environ)
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers.get("X-Request-ID", "")), response.headers


# ---------------------------------------------------------------- what the probe found


def test_a_version_that_is_not_a_plain_number_is_not_found(login, world):
    users, values, _extra = world
    response = login(users[0]).get(f"/agreements/{values['protocol_id']}/export.docx?version=²")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_year_that_is_not_a_plain_number_shows_this_year(login, world):
    from isp_manager.calendar import wales_today

    users, _values, _extra = world
    page = login(users[0]).get("/requests/figures?year=²").get_data(as_text=True)
    assert f'<option value="{wales_today().year}" selected' in page


def test_a_reference_filter_with_a_nul_is_refused_on_the_field(login, world):
    users, _values, _extra = world
    page = login(users[1]).get("/requests/sent?reference=a%00b").get_data(as_text=True)
    assert "There is a problem" in page and "U+0000" in page


def test_a_users_filter_with_a_nul_matches_nobody(login, world):
    users, _values, _extra = world
    response = login(users[2]).get("/admin/users?organisation=a%00b")
    assert response.status_code == 200
    assert users[1].email not in response.get_data(as_text=True)


def test_a_body_code_with_a_nul_is_not_a_body(login, world):
    users, _values, _extra = world
    response = login(users[1]).get("/requests/new?body=a%00b")
    assert response.status_code == 422
    assert "No body in the register matches what you entered" in response.get_data(as_text=True)


def test_an_area_code_with_a_nul_is_not_a_council(login, world):
    users, _values, _extra = world
    response = _post(login(users[2]), "/organisations/new", "name=Club&kind=other&areas=a%00b")
    assert response.status_code == 422
    assert "not a council&#39;s code" in response.get_data(as_text=True)
