"""The Welsh catalogue: complete, consistent with the English, compiled, and used by the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import refresh

from isp_manager.accounts.models import Role
from isp_manager.law import catalogue as law
from isp_manager.law.rules import relevant_partner_reason
from tests.conftest import TEST_PASSWORD, org

TRANSLATIONS = Path(__file__).resolve().parents[1] / "isp_manager" / "translations"
PO = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")
NUMBER = {"%(num)d", "%(num)s"}
# The Welsh text names the Act in Welsh ("o Ddeddf Gwasanaethau Cymdeithasol a Llesiant (Cymru)
# 2014") instead of interpolating its English name.
MAY_BE_LEFT_OUT = {"%(act)s"}


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="cy")


CATALOG = _catalog()
MESSAGES = [m for m in CATALOG if m.id]


def _name(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue(app):
    """What `make translations` does, so these tests also run straight after a checkout; then
    forget any translations the app loaded before the catalogue was compiled."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        with MO.open("wb") as f:
            write_mo(f, CATALOG, use_fuzzy=False)
    from flask_babel import get_babel

    with app.app_context():
        get_babel(app).instance.domain_instance.cache.clear()


def test_catalogue_header_is_welsh():
    assert str(CATALOG.locale) == "cy"
    assert CATALOG.num_plurals == 5


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_every_message_has_a_welsh_translation():
    problems = []
    for message in MESSAGES:
        strings = _strings(message)
        if message.fuzzy:
            problems.append((_name(message), "fuzzy"))
        if len(strings) != (CATALOG.num_plurals if message.pluralizable else 1):
            problems.append((_name(message), "wrong number of plural forms"))
        if not all(text.strip() for text in strings):
            problems.append((_name(message), "empty"))
    assert problems == []


def _placeholder_problems(message) -> list[str]:
    english = message.id if isinstance(message.id, tuple) else (message.id,)
    singular = set(PLACEHOLDER.findall(english[0]))
    every = set().union(*(PLACEHOLDER.findall(e) for e in english))
    problems = []
    for n, text in enumerate(_strings(message)):
        found = set(PLACEHOLDER.findall(text))
        allowed = singular if n == 0 else set(PLACEHOLDER.findall(english[-1]))
        excused = set(MAY_BE_LEFT_OUT)
        if message.pluralizable and (n == 1 or (n == 0 and not singular & NUMBER)):
            excused |= NUMBER
        if found - allowed:
            problems.append(f"form {n} adds {sorted(found - allowed)}")
        if every - excused - found:
            problems.append(f"form {n} lacks {sorted(every - excused - found)}")
    return problems


def test_placeholders_match_the_english():
    """No placeholder invented (pybabel compile's own rule: form 0 is checked against the
    singular, the other forms against the plural) and none dropped, except the number in the
    'one' form and in form 0 when the English singular has none to give."""
    problems = [(_name(m), p) for m in MESSAGES if (p := _placeholder_problems(m))]
    assert problems == []


def test_html_tags_are_kept():
    tag = re.compile(r"</?[a-z]+[^>]*>")
    problems = [
        _name(m)
        for m in MESSAGES
        if any(sorted(tag.findall(t)) != sorted(tag.findall(_name(m))) for t in _strings(m))
    ]
    assert problems == []


def test_catalogue_compiles_without_errors():
    """The checks `pybabel compile` (make translations) runs before writing the .mo."""
    errors = [(_name(m), [str(e) for e in errs]) for m, errs in CATALOG.check()]
    assert errors == []


@pytest.mark.parametrize(
    "name", ["ISP Manager", "WASPI", "GOV.UK", "UK GDPR", "ICO", "axe-core", "WCAG 2.2"]
)
def test_names_are_not_translated(name):
    for message in MESSAGES:
        if name in _name(message):
            assert all(name in s for s in _strings(message)), _name(message)


# ------------------------------------------------------------------ pages in Welsh


def _welsh(client, path):
    response = client.get(path, query_string={"lang": "cy"})
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html
    return response, html


def test_sign_in_page_in_welsh(client):
    response, html = _welsh(client, "/sign-in")
    assert response.status_code == 200
    assert "Mewngofnodi" in html
    assert "Cyfeiriad e-bost" in html and "Cyfrinair" in html
    assert "Sign in" not in html and "Email address" not in html


def test_footer_and_header_in_welsh(client):
    _response, html = _welsh(client, "/")
    for welsh in (
        "Datganiad hygyrchedd",
        "Hysbysiad preifatrwydd",
        "Cwcis",
        "Neidio i'r prif gynnwys",
    ):
        assert welsh in html
    for english in ("Accessibility statement", "Privacy notice", "Skip to main content"):
        assert english not in html


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        ("/accessibility", "chwyddo hyd at 400% heb i'r testun ddisgyn oddi ar y sgrin"),
        ("/privacy", "Pwy sy'n gyfrifol am eich data"),
        ("/cookies", "Cwcis hanfodol"),
    ],
)
def test_public_pages_in_welsh(client, path, welsh):
    response, html = _welsh(client, path)
    assert response.status_code == 200
    assert welsh in html.replace("&#39;", "'")


def test_not_found_page_in_welsh(client):
    response, html = _welsh(client, "/no-such-page")
    assert response.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in html.replace("&#39;", "'")


def test_wrong_password_error_in_welsh(client, make_user):
    user = make_user()
    client.get("/sign-in", query_string={"lang": "cy"})
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD + "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mae problem wedi codi" in html
    assert "Rhowch gyfeiriad e-bost a chyfrinair cywir" in html


def test_signed_in_pages_in_welsh(login, make_user):
    client = login(make_user("la-cardiff", Role.ADMIN))
    _response, html = _welsh(client, "/")
    assert "Allgofnodi" in html
    response, html = _welsh(client, "/organisations")
    assert response.status_code == 200
    assert "Cofrestr sefydliadau" in html
    assert "Cyngor Caerdydd" in html


# ------------------------------------------------------------------ Welsh in the law catalogue


MUTATING_WORDS = set(
    "i o yn ym yng gan am ar at dan drwy trwy wrth heb hyd a â gyda tua ei dy fy ein eich".split()
)


@pytest.mark.parametrize("entry", list(law.RELEVANT_PARTNER), ids=lambda e: e.code)
def test_welsh_reasons_need_no_mutation_of_the_area(entry):
    """An area name after "yn", "i", "o"... would need mutating ("yng Nghaerdydd"): the
    templates put it where it stays as written."""
    template = entry.extra["reason_cy"]
    if "{area}" in template:
        before = template.split("{area}")[0].split()
        assert before and before[-1].lower() not in MUTATING_WORDS, template


def test_welsh_reason_reads_whole():
    reason = relevant_partner_reason("rp-f", area="Caerdydd", locale="cy")
    assert reason == "mae'n darparu gwasanaethau yn ardal Caerdydd (a.162(4)(f))"


@pytest.mark.parametrize(
    "catalogue",
    [getattr(law, n) for n in dir(law) if isinstance(getattr(law, n), law.Catalogue)],
    ids=lambda c: c.name,
)
def test_every_provision_has_a_welsh_label(catalogue):
    for entry in catalogue:
        assert entry.cy.strip() and entry.cy[0].isupper(), entry.code


@pytest.mark.parametrize(
    "catalogue",
    [getattr(law, n) for n in dir(law) if isinstance(getattr(law, n), law.Catalogue)],
    ids=lambda c: c.name,
)
def test_every_provision_has_a_welsh_citation(catalogue):
    """Welsh citations name the Act in Welsh and cite sections as "a." (adran)."""
    for entry in catalogue:
        welsh = entry.citation_for("cy")
        assert entry.citation_cy and welsh != entry.citation, entry.code
        assert not re.search(r"\bs\.\d|SSWBA|Act \d|UK GDPR|DPA ", welsh), welsh
        assert entry.citation_for("en") == entry.citation


def test_citation_in_the_page_language():
    ground = law.S164_GROUNDS["s164-ground-a"]
    assert ground.citation_for("cy", "co-operation") == (
        "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014, a.164(1)(a)"
    )
    assert ground.citation_for("en", "information") == "SSWBA 2014, s.164(3)(a)"
    assert ground.section_for("en", "co-operation") == "s.164(1)(a)"
    assert ground.section_for("cy", "information") == "a.164(3)(a)"
    assert ground.section_for("en") == "s.164(1)(a) or (3)(a)"
    assert law.S164_REASONS_DUTY.section_for("cy") == "a.164(4)"
    assert law.S28["s28-a"].section_for("cy") == "a.28(1)(a)"
    assert law.ARTICLE6["art6-1-e"].citation_for("cy") == "GDPR y DU Erthygl 6(1)(e)"
    assert law.ARTICLE6["art6-1-e"].section_for("cy") == "GDPR y DU Erthygl 6(1)(e)"


@pytest.mark.parametrize(
    ("code", "area"),
    [
        ("la-cardiff", "Caerdydd"),
        ("la-carmarthenshire", "Sir Gâr"),
        ("la-pembrokeshire", "Sir Benfro"),
        ("la-ceredigion", "Ceredigion"),
        ("la-powys", "Powys"),
        ("la-isle-of-anglesey", "Ynys Môn"),
        ("la-vale-of-glamorgan", "Bro Morgannwg"),
        ("la-bridgend", "Pen-y-bont ar Ogwr"),
        ("la-newport", "Casnewydd"),
    ],
)
def test_welsh_area_names(code, area):
    assert org(code).area_name("cy") == area


def test_character_count_messages_follow_the_language(login, make_user):
    client = login(make_user("la-cardiff", Role.ADMIN))
    _response, html = _welsh(client, "/organisations/new")
    assert "Gallwch roi hyd at 500 nod" in html
    assert 'data-i18n.characters-under-limit.two="Mae gennych %{count} nod yn weddill"' in html
    refresh()  # the tests share one app context, where Flask-Babel keeps the chosen locale
    html = client.get("/organisations/new", query_string={"lang": "en"}).get_data(as_text=True)
    assert "You can enter up to 500 characters" in html
    assert 'characters-under-limit.one="You have %{count} character remaining"' in html
    assert 'characters-under-limit.other="You have %{count} characters remaining"' in html
