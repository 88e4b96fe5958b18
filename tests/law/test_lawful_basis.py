"""The lawful-basis rules as tables: facts in, problems (field and code) out."""

from __future__ import annotations

import pytest

from isp_manager.law import ARTICLE9, SCHEDULE1
from isp_manager.law import lawful_basis as lb

# A lawful, complete basis for special category data shared by a council for safeguarding.
GOOD = {
    "article6": ["art6-1-e"],
    "article9": ["art9-2-g"],
    "schedule1": ["sch1-p2-para18"],
    "is_special_category": True,
    "para18_reason": "para18-2-c",
    "policy_document_ref": "APD-1",
    "is_public_authority_task": True,
    "recipients_count": 1,
}


def _problems(**change):
    facts = {**GOOD, **change}
    return [(p.field, p.code) for p in lb.lawful_basis_problems(**facts)]


CASES = [
    ("good", {}, []),
    (
        "para 18 with consent (Art. 6(1)(a))",
        {"article6": ["art6-1-a"]},
        [("schedule1", lb.PARA18_WITH_CONSENT)],
    ),
    (
        "para 18 with explicit consent (Art. 9(2)(a))",
        {"article9": ["art9-2-g", "art9-2-a"]},
        [("schedule1", lb.PARA18_WITH_CONSENT)],
    ),
    (
        "para 18 with consent relied on",
        {"consent_relied_on": True},
        [("schedule1", lb.PARA18_WITH_CONSENT)],
    ),
    (
        "para 18 without a reason",
        {"para18_reason": None},
        [("para18_reason", lb.PARA18_REASON_MISSING)],
    ),
    (
        "para 18 with an unknown reason",
        {"para18_reason": "para18-2-z"},
        [("para18_reason", lb.PARA18_REASON_UNKNOWN)],
    ),
    (
        "a para 18 reason without para 18",
        {"schedule1": ["sch1-p2-para6"]},
        [("para18_reason", lb.PARA18_REASON_UNUSED)],
    ),
    (
        "a Part 2 condition with Art. 9(2)(h)",
        {"article9": ["art9-2-h"], "schedule1": ["sch1-p2-para6"], "para18_reason": None},
        [("schedule1", lb.SCHEDULE1_MISMATCH), ("schedule1", lb.SCHEDULE1_MISSING)],
    ),
    (
        "Part 1 para 2 with (h)",
        {
            "article9": ["art9-2-h"],
            "schedule1": ["sch1-p1-para2"],
            "para18_reason": None,
            "policy_document_ref": "",
        },
        [],
    ),
    (
        "Part 1 para 1 with (h)",
        {"article9": ["art9-2-h"], "schedule1": ["sch1-p1-para1"], "para18_reason": None},
        [("schedule1", lb.SCHEDULE1_MISMATCH), ("schedule1", lb.SCHEDULE1_MISSING)],
    ),
    (
        "Part 1 paras 3 and 4 with (i) and (j)",
        {
            "article9": ["art9-2-i", "art9-2-j"],
            "schedule1": ["sch1-p1-para3", "sch1-p1-para4"],
            "para18_reason": None,
            "policy_document_ref": "",
        },
        [],
    ),
    (
        "Art. 9(2)(g) with no Schedule 1 condition",
        {"schedule1": [], "para18_reason": None},
        [("schedule1", lb.SCHEDULE1_MISSING)],
    ),
    (
        "vital interests needs no Schedule 1 condition",
        {"article9": ["art9-2-c"], "schedule1": [], "para18_reason": None},
        [],
    ),
    (
        "special category with no Article 9 condition",
        {"article9": [], "schedule1": [], "para18_reason": None},
        [("article9", lb.ARTICLE9_MISSING)],
    ),
    (
        "Article 9 for data that is not special category",
        {"is_special_category": False, "schedule1": [], "para18_reason": None},
        [("article9", lb.ARTICLE9_NOT_SPECIAL)],
    ),
    (
        "a Part 3 condition as an Article 9 condition",
        {"schedule1": ["sch1-p2-para18", "sch1-p3-para33"]},
        [("schedule1", lb.SCHEDULE1_PART3)],
    ),
    (
        "legitimate interests for a council",
        {"article6": ["art6-1-f"]},
        [("article6", lb.ARTICLE6_PUBLIC_AUTHORITY)],
    ),
    (
        "recognised legitimate interest for a council",
        {"article6": ["art6-1-ea"]},
        [("article6", lb.ARTICLE6_PUBLIC_AUTHORITY)],
    ),
    (
        "legitimate interests for a charity",
        {"article6": ["art6-1-f"], "is_public_authority_task": False},
        [],
    ),
    ("no Article 6 basis", {"article6": []}, [("article6", lb.ARTICLE6_MISSING)]),
    (
        "criminal offence data without a condition",
        {"is_criminal_offence": True},
        [("criminal_offence_condition", lb.CRIMINAL_CONDITION_MISSING)],
    ),
    (
        "criminal offence data under Part 3 para 33",
        {"is_criminal_offence": True, "criminal_offence_condition": "sch1-p3-para33"},
        [],
    ),
    (
        "criminal offence data under Part 1 para 2",
        {"is_criminal_offence": True, "criminal_offence_condition": "sch1-p1-para2"},
        [],
    ),
    (
        "a criminal offence condition without the flag",
        {"criminal_offence_condition": "sch1-p3-para33"},
        [("criminal_offence_condition", lb.CRIMINAL_CONDITION_NOT_CRIMINAL)],
    ),
    (
        "criminal offence data under para 18 with its reason",
        {
            "is_special_category": False,
            "article9": [],
            "schedule1": [],
            "is_criminal_offence": True,
            "criminal_offence_condition": "sch1-p2-para18",
        },
        [],
    ),
    (
        "criminal offence data under Part 3 consent and para 18",
        {"is_criminal_offence": True, "criminal_offence_condition": "sch1-p3-para29"},
        [("schedule1", lb.PARA18_WITH_CONSENT)],
    ),
    (
        "a data item with no recipient",
        {"recipients_count": 0},
        [("recipients", lb.RECIPIENTS_MISSING)],
    ),
    ("recipients not checked", {"recipients_count": None}, []),
    (
        "APD missing for Part 2",
        {"policy_document_ref": " "},
        [("policy_document_ref", lb.POLICY_DOCUMENT_MISSING)],
    ),
    (
        "APD missing for Part 1 para 1",
        {
            "article9": ["art9-2-b"],
            "schedule1": ["sch1-p1-para1"],
            "para18_reason": None,
            "policy_document_ref": None,
        },
        [("policy_document_ref", lb.POLICY_DOCUMENT_MISSING)],
    ),
    (
        "APD missing for a Part 2 criminal offence condition",
        {
            "is_special_category": False,
            "article9": [],
            "schedule1": [],
            "para18_reason": None,
            "is_criminal_offence": True,
            "criminal_offence_condition": "sch1-p2-para10",
            "policy_document_ref": "",
        },
        [("policy_document_ref", lb.POLICY_DOCUMENT_MISSING)],
    ),
    ("unknown codes are left to the caller", {"article6": ["art6-1-e", "art6-9"]}, []),
]


@pytest.mark.parametrize(("case", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_lawful_basis_rules(case, change, expected):
    assert _problems(**change) == expected


def test_a_mismatch_names_both_provisions():
    [mismatch, _missing] = lb.lawful_basis_problems(
        **{**GOOD, "article9": ["art9-2-h"], "schedule1": ["sch1-p2-para6"], "para18_reason": None}
    )
    assert mismatch.codes[:2] == ("sch1-p2-para6", "art9-2-g") and "art9-2-h" in mismatch.codes


def test_incomplete_problems_are_told_apart_from_forbidden_combinations():
    assert lb.Problem("article6", lb.ARTICLE6_MISSING).is_incomplete
    assert not lb.Problem("article6", lb.ARTICLE6_PUBLIC_AUTHORITY).is_incomplete
    assert not lb.Problem("para18_reason", lb.PARA18_REASON_MISSING).is_incomplete


def test_every_schedule1_condition_says_its_article9_point_and_policy_document():
    for entry in SCHEDULE1:
        part = entry.extra["part"]
        point = entry.extra["article9"]
        assert part in (1, 2, 3) and isinstance(entry.extra["apd_required"], bool)
        assert entry.cy and entry.citation_cy.startswith("DDD 2018 Atod.1 Rh.")
        if part == 3:
            assert point is None
        else:
            assert point in ARTICLE9 and ARTICLE9[point].extra.get("needs_schedule1")
        if part == 2:
            assert point == "art9-2-g" and entry.extra["apd_required"]
    expected = {
        "sch1-p1-para1": "art9-2-b",
        "sch1-p1-para2": "art9-2-h",
        "sch1-p1-para3": "art9-2-i",
        "sch1-p1-para4": "art9-2-j",
    }
    assert {c: lb.article9_point(c) for c in expected} == expected
    assert lb.needs_policy_document(["sch1-p1-para1", "sch1-p1-para2", "sch1-p2-para18"]) == [
        "sch1-p1-para1",
        "sch1-p2-para18",
    ]
    for para in (6, 7, 8, 10, 11, 12, 16, 17, 18, 19):
        assert f"sch1-p2-para{para}" in SCHEDULE1
    for para in (29, 30, 33, 36):
        assert f"sch1-p3-para{para}" in SCHEDULE1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("local_authority", True),
        ("nhs_trust", True),
        ("welsh_ministers", True),
        ("charity", False),
        ("other", False),
    ],
)
def test_public_authority_default_follows_the_kind(kind, expected):
    assert lb.is_public_authority_by_default(kind) is expected
