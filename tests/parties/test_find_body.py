"""Naming one body by typing: its code, its name in English or Welsh, or a part of its name that
no other body has; a name that fits none, or several, is refused naming the field (and some of
the bodies it fits). The suggestions offered as someone types come from the register."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import refresh

from isp_manager.errors import InvalidInput
from isp_manager.parties import services
from isp_manager.parties.models import Organisation, OrgKind
from tests.conftest import org


def _find(text, among=None):
    return services.find_body(
        text, among if among is not None else services.active_bodies(), field="body"
    )


@pytest.mark.parametrize(
    "typed, code",
    [
        ("police-south-wales", "police-south-wales"),  # the code
        ("POLICE-SOUTH-WALES", "police-south-wales"),
        ("Cardiff Council", "la-cardiff"),  # the English name, exactly
        ("  cardiff council ", "la-cardiff"),
        ("Cyngor Caerdydd", "la-cardiff"),  # the Welsh name
        ("Heddlu De Cymru", "police-south-wales"),
        ("Police (Chief Constable)", None),  # a part several bodies have: see below
        ("Cardiff and Vale University", "lhb-cardiff-and-vale"),  # a part only it has
        ("Prifysgol Caerdydd a'r Fro", "lhb-cardiff-and-vale"),
    ],
)
def test_a_body_is_found_by_code_name_or_a_part_only_it_has(typed, code):
    if code is None:
        with pytest.raises(InvalidInput):
            _find(typed)
        return
    assert _find(typed).code == code


def test_no_text_names_no_body():
    assert _find("") is None and _find("   ") is None and _find(None) is None


def test_a_name_no_body_has_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as error:
        _find("Gotham City Police")
    (message,) = error.value.errors["body"]
    assert "No body in the register matches “Gotham City Police”" in message


def test_a_name_several_bodies_share_is_refused_naming_some_of_them():
    with pytest.raises(InvalidInput) as error:
        _find("Cardiff")
    (message,) = error.value.errors["body"]
    assert "More than one body matches “Cardiff”" in message
    assert "Cardiff Council" in message and "enter more of the name" in message


def test_only_the_bodies_offered_are_found():
    councils = services.active_bodies().where(Organisation.kind == OrgKind.LOCAL_AUTHORITY)
    assert _find("Cardiff", councils).code == "la-cardiff"  # the only council it fits
    with pytest.raises(InvalidInput):
        _find("police-south-wales", councils)


def test_an_inactive_body_is_not_found(db_session):
    org("police-south-wales").is_active = False
    db_session.flush()
    with pytest.raises(InvalidInput):
        _find("police-south-wales")


def test_wildcards_typed_are_text():
    with pytest.raises(InvalidInput):
        _find("%")
    with pytest.raises(InvalidInput):
        _find("_")


def test_suggestions_put_names_starting_with_the_text_first():
    names = [o.name for o in services.suggest_bodies("cardiff")]
    assert names[0].lower().startswith("cardiff")
    assert "HMP Cardiff" in names  # a name containing it, after
    assert len(names) <= services.MAX_SUGGESTIONS
    assert services.suggest_bodies("c") == []  # one letter suggests nothing


def test_the_suggestions_page_is_json_in_the_readers_language(client):
    got = client.get("/organisations/suggestions.json?q=heddlu&lang=cy").json
    assert {"code": "police-south-wales", "name": "Heddlu De Cymru"} in got
    refresh()  # the suite's requests share one app context, where Babel keeps the locale
    got = client.get("/organisations/suggestions.json?q=south wales police&lang=en").json
    assert got[0]["code"] == "police-south-wales"
    assert client.get("/organisations/suggestions.json").json == []
    long = client.get("/organisations/suggestions.json?q=" + "x" * 5000)
    assert long.status_code == 200 and long.json == []


def test_suggestions_read_a_bounded_number_of_rows(db_session):
    count = db_session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    assert count > services.MAX_SUGGESTIONS
    assert len(services.suggest_bodies("co")) <= services.MAX_SUGGESTIONS
