"""No internal catalogue code reaches a person: pages, e-mails and Word documents show labels and
statutory citations written as citations ("section 164(2)(a)", "s.164(2)(a)"), never a code such
as "s164-2-a" or "ssf-assessment". A CSV keeps its code columns, each with a label column beside
it in the reader's language.

Every page route is visited (with the records of test_hostile_pages' world) in English and in
Welsh; a failure names the page or message and the code found in its visible text (tags
stripped, attribute values ignored).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from flask_babel import refresh

from isp_manager.law import all_catalogues
from tests.test_hostile_pages import (  # noqa: F401 (world: a fixture)
    NOT_POSTED_PATHS,
    RULES,
    _address,
    _forms,
    _post,
    world,
)

# Codes that are also plain words of the language: "information" is a word before it is a code.
PLAIN_WORDS = {"co-operation", "information"}
CODES = sorted(
    {code for catalogue in all_catalogues() for code in catalogue.codes if "-" in code}
    - PLAIN_WORDS,
    key=len,
    reverse=True,
)
BARE_CODE = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w-])")

# Pages whose subject is the code itself: the API's documents, and the law catalogue, where a
# reader of the API or of a CSV file's code column finds what each code means.
NOT_CHECKED = {"/api/docs", "/api/openapi.json", "/metrics", "/healthz", "/readyz", "/law"}


class _Text(HTMLParser):
    """The text a reader sees: no tags, no attribute values, no scripts or styles."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self._hidden -= tag in self.HIDDEN and self._hidden > 0

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        xml = " ".join(
            docx.read(name).decode()
            for name in docx.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    return re.sub(r"<[^>]+>", "", xml)


def bare_codes(text: str) -> list[str]:
    return sorted(set(BARE_CODE.findall(text)))


def _labels(lang: str) -> dict[str, set[str]]:
    """Each code's labels (a code may be in two catalogues: rp-c is a category and a function)."""
    found: dict[str, set[str]] = {}
    for catalogue in all_catalogues():
        for entry in catalogue:
            found.setdefault(entry.code, set()).add(entry.label(lang))
    return found


def csv_problems(content: str, lang: str) -> list[str]:
    """Columns holding codes with no column beside them (either side) that gives, on each row,
    the label of each code in the reader's language; and codes in the headings."""
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    if not rows:
        return []
    header, problems, labels = rows[0], [], _labels(lang)
    problems.extend(f"column heading {name!r}" for name in header if bare_codes(name))

    def labels_each(row, n, codes) -> bool:
        return 0 <= n < len(row) and all(any(t in row[n] for t in labels[c]) for c in codes)

    for n, name in enumerate(header):
        coded = [(row, bare_codes(row[n])) for row in rows[1:] if n < len(row)]
        coded = [(row, codes) for row, codes in coded if codes]
        if coded and not any(
            all(labels_each(row, side, codes) for row, codes in coded) for side in (n - 1, n + 1)
        ):
            problems.append(f"column {name!r} holds codes and has no label column beside it")
    return problems


def test_a_csv_code_column_needs_its_labels_beside_it():
    coded = "code,s28_category,s28_category_label\r\nx,s28-a,The local authority\r\n"
    assert csv_problems(coded, "en") == []
    assert csv_problems("Ground,Ground code\r\nToo costly,s164-ground-a\r\n", "en") != []
    assert csv_problems("s28_category\r\ns28-a\r\n", "en") != []
    assert csv_problems("a,s28-a\r\n", "en") == ["column heading 's28-a'"]


def test_the_pattern_finds_codes_and_leaves_citations():
    assert bare_codes("Ground (s164-ground-a): too costly") == ["s164-ground-a"]
    assert bare_codes("ssf-assessment, rp-a") == ["rp-a", "ssf-assessment"]
    assert bare_codes("section 164(2)(a), s.164(2)(a), a.28(1)(a), la-cardiff") == []
    assert bare_codes("co-operation and information") == []


def _problems(response, path: str, lang: str) -> list[str]:
    mimetype = response.mimetype
    if mimetype == "text/html":
        return [f"{path}: {c}" for c in bare_codes(visible_text(response.get_data(as_text=True)))]
    if mimetype == "text/csv":
        return [f"{path}: {p}" for p in csv_problems(response.get_data(as_text=True), lang)]
    if "wordprocessingml" in mimetype:
        return [f"{path}: {c}" for c in bare_codes(docx_text(response.get_data()))]
    return []


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_page_export_or_document_shows_a_bare_code(app, login, world, lang):  # noqa: F811
    users, values, extra = world
    clients = [login(user) for user in users]
    found: list[str] = []
    visited, kinds = 0, set()
    for rule in (r for r in app.url_map.iter_rules() if f"{r.rule} {r.endpoint}" in RULES):
        if "GET" not in rule.methods or rule.rule in NOT_CHECKED:
            continue
        path = _address(rule, values, extra)
        for client in clients:
            refresh()  # the suite's requests share one app context, where Babel keeps the locale
            response = client.get(path, query_string={"lang": lang})
            if response.status_code < 400:
                visited += 1
                kinds.add(response.mimetype)
                found.extend(_problems(response, path, lang))
                break
    assert visited > 100
    assert kinds >= {"text/html", "text/csv"} and any("wordprocessingml" in k for k in kinds)
    assert found == [], "\n".join(found)


def _visited_pages(app, clients, values, extra, lang):
    """(path, client, response) of every page route some user may see, once."""
    for rule in (r for r in app.url_map.iter_rules() if f"{r.rule} {r.endpoint}" in RULES):
        if "GET" not in rule.methods or rule.rule in NOT_CHECKED:
            continue
        path = _address(rule, values, extra)
        for client in clients:
            refresh()  # the suite's requests share one app context, where Babel keeps the locale
            response = client.get(path, query_string={"lang": lang})
            if response.status_code < 400:
                yield path, client, response
                break


def _emptied(fields: dict) -> str:
    """The form as sent with nothing filled in: text boxes empty, nothing chosen."""
    return "&".join(f"{quote(name)}=" for name, value in fields.items() if value is not None)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_no_error_message_shows_a_bare_code(app, login, world, lang):  # noqa: F811
    """Every form drawn on a page, sent empty: the messages name fields and choices in words."""
    users, values, extra = world
    clients = [login(user) for user in users]
    found, posted, seen = [], 0, set()
    for path, client, response in list(_visited_pages(app, clients, values, extra, lang)):
        if response.mimetype != "text/html":
            continue
        for form in _forms(response.get_data(as_text=True)):
            action = urlsplit(form["action"]).path or path
            key = (re.sub(r"/[0-9]+", "/N", action), frozenset(form["fields"]))
            if form["method"] != "post" or action in NOT_POSTED_PATHS or key in seen:
                continue
            seen.add(key)
            refresh()
            answer = _post(client, action, _emptied(form["fields"]))
            posted += 1
            if answer.mimetype == "text/html":
                text = visible_text(answer.get_data(as_text=True))
                found.extend(f"POST {action}: {c}" for c in bare_codes(text))
    assert posted > 20
    assert found == [], "\n".join(found)


def test_no_e_mail_shows_a_bare_code(outbox, world, api_client, make_user):  # noqa: F811
    """The notices of a request declined on a ground (Welsh and English in each message)."""
    from isp_manager.accounts.models import Role

    _users, values, _extra = world
    body = api_client(make_user("lhb-cardiff-and-vale", Role.IG_LEAD))
    api = f"/api/v1/cooperation-requests/{values['request_id']}"
    outbox()  # empties it
    asked = body.post(f"{api}/clarification", json={"question": "Which years of records?"})
    assert asked.status_code == 200, asked.get_json()
    reasons = "Complying would take the team away from urgent child protection work. " * 2
    answer = {"outcome": "declined", "ground": "s164-ground-a", "written_reasons": reasons}
    answered = body.post(f"{api}/response", json=answer)
    assert answered.status_code == 200, answered.get_json()
    messages = outbox()
    assert messages, "the request's notices are sent"
    found = []
    for message in messages:
        part = message.get_body(preferencelist=("plain",))
        text = f"{message['Subject']}\n{part.get_content() if part else ''}"
        found.extend(f"{message['Subject']}: {c}" for c in bare_codes(text))
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_messages_for_a_missing_ground_or_subject_name_them_in_words(app, lang):
    from datetime import date

    from flask_babel import force_locale

    from isp_manager.board_requests import services as board_requests
    from isp_manager.cooperation.kind import S164
    from isp_manager.lifecycle.services import answer_problems
    from tests.board_requests.conftest import BOARD, details
    from tests.conftest import org

    with app.test_request_context(), force_locale(lang):
        ground = answer_problems("declined", None, "x" * 100, S164)["ground"]
        relates = board_requests.details_problems(details(relates_to=[]), org(BOARD), date.today())
    assert ground and bare_codes(" ".join(ground)) == []
    assert "164(1)(a)" in ground[0]
    assert relates["relates_to"] and bare_codes(" ".join(relates["relates_to"])) == []
    assert "137(3)(a)" in relates["relates_to"][0]
