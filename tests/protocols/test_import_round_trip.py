"""Every agreement this service exports, of every kind and in English, Welsh and both side by
side, imports back to the same content: every field of every section, the partners with their
roles, teams and contacts, the data items with who provides and receives them and their
lawful bases, the Appendix B information flows, and the review date. Nothing the service
wrote itself (document control, contents, signatures) is reported as unplaced."""

from __future__ import annotations

import pytest
from filled_agreements import KINDS, content_of, filled
from protocol_helpers import LEAD, PARTNERS

from isp_manager.protocols import export, importing

LANGUAGES = ("en", "cy", "bilingual")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_exported_in_every_language_imports_back_field_by_field(ig, kind, language):
    author = ig(LEAD)
    version = filled(kind, author)
    expected = content_of(version)
    assert len(expected["data_items"]) == 3 and len(expected["flows"]) == 3
    data = export.export_version(version, language)

    pending = importing.start_import(data, f"{kind}.docx", kind, by=author)
    result = pending.result
    assert result["title"] == version.protocol.title
    assert result["unmatched"] == []
    assert all(p["exact"] for p in result["partners"])
    codes = [p["code"] for p in result["partners"]]
    protocol = importing.confirm_import(pending, title="Imported", partner_codes=codes, by=author)

    got = content_of(protocol.versions[0])
    assert protocol.kind.value == kind
    for part in ("sections", "review_date", "partners", "data_items", "flows"):
        assert got[part] == expected[part], part


def test_a_partner_left_out_at_confirmation_is_left_out_of_the_items_and_flows(ig):
    author = ig(LEAD)
    version = filled("isp", author)
    pending = importing.start_import(
        export.export_version(version, "en"), "a.docx", "isp", by=author
    )
    codes = [p["code"] for p in pending.result["partners"]]
    codes[1] = None  # the first data item's and flow's receiving partner
    protocol = importing.confirm_import(pending, title="Fewer", partner_codes=codes, by=author)
    got = content_of(protocol.versions[0])
    assert [p[0] for p in got["partners"]] == [LEAD, *PARTNERS[1:]]
    assert got["data_items"][0]["recipients"] == PARTNERS[1:]
    assert got["data_items"][1]["recipients"] == []
    assert got["flows"][0][1:3] == (LEAD, None)
