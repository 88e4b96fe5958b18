"""Organisations sort by their name in the page's language, Welsh in the Welsh alphabet (ch, dd,
ff, ng, ll, ph, rh and th are letters), accents ignored; searches fold accents in both."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from isp_manager.accounts.models import Role
from isp_manager.extensions import db
from isp_manager.parties import services
from isp_manager.parties.models import Organisation, OrgKind
from isp_manager.parties.search import name_keys, sort_key

# (earlier, later) in Welsh order
WELSH_PAIRS = [
    ("Lytham", "Llandudno"),  # every l before ll
    ("Lôn Fawr", "Llys"),
    ("Cyngor", "Chwarae"),  # every c before ch
    ("Cylch", "Chwilog"),
    ("Cyngor", "Cylch"),  # ng (after g) before l
    ("Agored", "Angen"),  # g before ng
    ("Angen", "Ahab"),  # ng before h
    ("Dyfed", "Ddôl"),
    ("Fynnon", "Fflint"),  # every f before ff
    ("Fflint", "Ffynnon"),  # then l before y
    ("Pwll", "Pharmacy"),
    ("Rygbi", "Rhondda"),
    ("Tywyn", "Theatr"),
    ("Bala", "Bangor"),  # Bangor is ban-gor: n, then g
    ("Llanelli", "Llangefni"),  # llan-gefni
    ("Glanaman", "Glangwili"),
    ("Cyngor Sir", "Cyngor Sirol"),  # word by word
    ("Gwent", "Gŵyr"),  # accents ignored: gwe < gwy
    ("Gwyr", "Gŵyrdd"),
    ("Ysgol Y Barri", "Ysgol y Bont"),  # case ignored
    ("Heddlu De Cymru (Prif Gwnstabl)", "Heddlu De Cymru a"),  # a qualifier keeps to its name
]
# (earlier, later) in English order where Welsh order is the other way round
ENGLISH_PAIRS = [
    ("Llandudno", "Lytham"),
    ("Chwarae", "Cyngor"),
    ("Cylch", "Cyngor"),
    ("Ahab", "Angen"),
    ("Fflint", "Fynnon"),
    ("Rhondda", "Rygbi"),
]


@pytest.mark.parametrize(("earlier", "later"), WELSH_PAIRS)
def test_welsh_order(earlier, later):
    assert sort_key(earlier, "cy") < sort_key(later, "cy")


@pytest.mark.parametrize(("earlier", "later"), ENGLISH_PAIRS)
def test_english_order_differs_where_welsh_has_digraphs(earlier, later):
    assert sort_key(earlier, "en") < sort_key(later, "en")
    assert sort_key(earlier, "cy") > sort_key(later, "cy")


def test_the_welsh_alphabet_in_order():
    alphabet = "a b c ch d dd e f ff g ng h i j l ll m n o p ph r rh s t th u w y".split()
    words = [f"{letter}o" for letter in alphabet]
    assert sorted(words, key=lambda w: sort_key(w, "cy")) == words


def test_keys_ignore_accents_case_and_punctuation():
    assert sort_key("Gŵyr", "cy") == sort_key("gwyr", "cy") == "gwyr"
    assert sort_key("Ysbyty  Glan-gwili", "en") == "ysbyty glan gwili"
    assert sort_key("Tŷ'r Cwmni", "en") == sort_key("Tyr Cwmni", "en")
    assert sort_key("", "cy") == sort_key(None, "en") == ""


def test_the_welsh_key_sorts_a_body_without_a_welsh_name_by_its_english_one():
    keys = name_keys("Chepstow Leisure Trust", None)
    assert keys["name_sort_cy"] == sort_key("Chepstow Leisure Trust", "cy")
    assert keys["name_sort_en"] == "chepstow leisure trust"
    assert keys["search_text"] == "chepstow leisure trust | "


def test_keys_are_kept_whenever_a_name_is_set(db_session, make_org, make_user):
    body = make_org(name="Ymddiriedolaeth Prawf", kind=OrgKind.CHARITY)
    assert body.name_sort_en == "ymddiriedolaeth prawf"
    admin = make_user("la-cardiff", Role.ADMIN)
    services.update_organisation(body, {"name_cy": "Chwarae Teg"}, by=admin)
    db_session.flush()
    assert body.name_sort_cy == "c~warae teg"
    assert "chwarae teg" in body.search_text
    body.name = "Llwybr Newydd"  # any writer, not only the service
    db_session.flush()
    assert (body.name_sort_en, body.name_sort_cy) == ("llwybr newydd", "c~warae teg")


def test_a_bulk_insert_without_keys_gets_them(db_session):
    db_session.execute(
        sa.insert(Organisation),
        [{"code": "bulk-1", "name": "Rhyl Trust", "name_cy": "Ymddiriedolaeth Y Rhyl",
          "kind": OrgKind.CHARITY}],
    )  # fmt: skip
    row = db_session.execute(
        sa.select(Organisation.name_sort_en, Organisation.name_sort_cy, Organisation.search_text)
        .where(Organisation.code == "bulk-1")
    ).one()  # fmt: skip
    assert tuple(row) == (
        "rhyl trust",
        "ymd~iriedolaet~ y r~yl",
        "rhyl trust | ymddiriedolaeth y rhyl",
    )


TRICKY = [
    "Lytham", "Llandudno", "Lôn", "Cyngor", "Cylch", "Chwarae", "Cwm", "Fflint", "Ffynnon",
    "Fynnon", "Bangor", "Bala", "Gŵyr", "Gwent", "Rhyl", "Rygbi", "Theatr", "Tywyn", "Z",
    "Ysgol 2", "Ysgol 10", "A (B)", "A B", "Ab", "Äc",
]  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "cy"])
def test_the_database_orders_as_the_keys_do(db_session, make_org, locale):
    """The same order on SQLite and PostgreSQL, whatever the server's collation."""
    for n, name in enumerate(TRICKY):
        make_org(f"tricky-{n}", name=f"Zzprawf {name}", kind=OrgKind.CHARITY)
    stmt = services.register_query(services.RegisterFilters(q="zzprawf", locale=locale))
    found = [o.name for o in db_session.scalars(stmt)]
    expected = sorted((f"Zzprawf {n}" for n in TRICKY), key=lambda n: sort_key(n, locale))
    assert found == expected


NAMES = ["Lytham", "Llandudno", "Cyngor", "Chwarae", "Cylch", "Rhyl", "Rygbi"]
ENGLISH_ORDER = ["Chwarae", "Cylch", "Cyngor", "Llandudno", "Lytham", "Rhyl", "Rygbi"]
WELSH_ORDER = ["Cyngor", "Cylch", "Chwarae", "Lytham", "Llandudno", "Rygbi", "Rhyl"]


@pytest.fixture
def probe_bodies(make_org):
    for n, name in enumerate(NAMES):
        make_org(f"probe-{n}", name=f"Zzprawf {name}", kind=OrgKind.CHARITY)
    # named differently in Welsh: first in English, last in Welsh
    make_org("probe-x", name="Zzprawf Aaa", name_cy="Zzprawf Ystrad", kind=OrgKind.CHARITY)


def _order(text: str, names: list[str]) -> list[str]:
    found = {n: text.find(n) for n in names}
    assert all(at >= 0 for at in found.values()), found
    return sorted(names, key=found.get)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["Aaa", *ENGLISH_ORDER]), ("cy", [*WELSH_ORDER, "Ystrad"])],
)
def test_the_register_page_sorts_in_its_language(client, probe_bodies, lang, expected):
    refresh()
    page = client.get(f"/organisations?q=zzprawf&lang={lang}").get_data(as_text=True)
    assert _order(page, [f"Zzprawf {n}" for n in expected]) == [f"Zzprawf {n}" for n in expected]
    assert ENGLISH_ORDER != WELSH_ORDER


@pytest.mark.parametrize("how", ["header", "query"])
def test_the_api_list_sorts_in_welsh_when_asked(api_client, make_user, probe_bodies, how):
    refresh()
    api = api_client(make_user("la-cardiff", Role.IG_LEAD))
    if how == "header":
        got = api.get("/api/v1/organisations?q=zzprawf", headers={"Accept-Language": "cy"})
    else:
        got = api.get("/api/v1/organisations?q=zzprawf&lang=cy")
    names = [o["name_cy"] or o["name"] for o in got.json]
    assert names == [f"Zzprawf {n}" for n in [*WELSH_ORDER, "Ystrad"]]


def test_the_api_list_sorts_in_english_by_default(api_client, make_user, probe_bodies):
    refresh()
    api = api_client(make_user("la-cardiff", Role.IG_LEAD))
    names = [o["name"] for o in api.get("/api/v1/organisations?q=zzprawf").json]
    assert names == [f"Zzprawf {n}" for n in ["Aaa", *ENGLISH_ORDER]]


def test_a_search_folds_accents_in_both_languages(db_session, make_org):
    make_org("probe-gwyr", name="Gower Trust", name_cy="Ymddiriedolaeth Gŵyr")
    make_org("probe-ty", name="Tŷ Hafan", kind=OrgKind.CHARITY)
    for typed in ("gwyr", "GŴYR", "gŵyr"):
        stmt = services.register_query(services.RegisterFilters(q=typed))
        assert [o.code for o in db_session.scalars(stmt)] == ["probe-gwyr"]
    stmt = services.register_query(services.RegisterFilters(q="ty hafan"))
    assert [o.code for o in db_session.scalars(stmt)] == ["probe-ty"]
    assert [o.code for o in services.suggest_bodies("ymddiriedolaeth gwy")] == ["probe-gwyr"]


WELSH_PAGES = [
    "/organisations?lang=cy",
    "/organisations?q=test&lang=cy",
    "/organisations?kind=charity&lang=cy",
    "/organisations/la-cardiff?lang=cy",
    "/organisations.csv?area=la-cardiff&lang=cy",
    "/organisations/suggestions.json?q=test&lang=cy",
]


def test_welsh_lists_run_a_fixed_number_of_queries(client, db_session):
    from tests.parties.test_register_queries import add_organisations, counts

    add_organisations(20, 0)
    db_session.commit()
    small = counts(client, WELSH_PAGES)
    add_organisations(180, 20)
    db_session.commit()
    assert counts(client, WELSH_PAGES) == small
    assert max(small.values()) <= 10, small


def test_the_welsh_register_is_read_by_its_index(db_session):
    """The Welsh list's ORDER BY is the stored key: an index, not a sort of every row."""
    stmt = services.register_query(services.RegisterFilters(locale="cy")).limit(25)
    sql = str(stmt.compile(db.engine))
    assert "ORDER BY organisations.name_sort_cy, organisations.id" in sql


def test_the_migration_fills_the_keys_of_bodies_already_registered(
    fresh_database_url, tmp_path, own_sessions
):
    import flask_migrate

    from isp_manager import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "SECRET_KEY": "x"}, instance_path=tmp_path
    )
    with app.app_context():
        engine = db.engine
        flask_migrate.upgrade(revision="g22_secrets_at_rest")
        with engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organisations (id, code, name, name_cy, search_text, kind, "
                    "nation, covers_all_wales, is_active, is_public_authority, created_at, "
                    "updated_at) VALUES (1, 'la-swansea', 'Swansea Council', "
                    "'Cyngor Abertawe', '', 'local_authority', 'wales', false, true, true, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.commit()
        flask_migrate.upgrade(revision="g26_name_sort_keys")
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT name_sort_en, name_sort_cy, search_text FROM organisations")
            ).one()
        assert tuple(row) == (
            "swansea council",
            "cyg~or abertawe",
            "swansea council | cyngor abertawe",
        )
        flask_migrate.downgrade(revision="g22_secrets_at_rest")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("organisations")}
        assert "name_sort_cy" not in columns
        engine.dispose()
