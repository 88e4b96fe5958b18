"""Protocol templates as data: both shipped templates load, and a bad file stops start-up
with a message naming the file and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isp_manager import create_app
from isp_manager.protocols.models import ProtocolKind
from isp_manager.protocols.templates_data import (
    DEFAULT_DIRECTORY,
    TemplateError,
    load_templates,
    registry,
)

ISP_FILE = DEFAULT_DIRECTORY / "waspi-isp.toml"


def test_shipped_templates_have_the_waspi_structure(app):
    templates = registry()
    isp = templates.default_for(ProtocolKind.ISP)
    assert [s.number for s in isp.sections] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "A",
        "B",
        "C",
    ]
    assert isp.section("partners").heading.en == "The information sharing partner organisations"
    assert isp.section("information_flows").title() == "Appendix B: Information reference table"
    assert isp.section("information_flows").title("cy") == "Atodiad B: Tabl cyfeirio gwybodaeth"
    dda = templates.default_for(ProtocolKind.DDA)
    assert dda.section_with("partners").title() == "Appendix A: Parties"
    for template in (isp, dda):
        for section in template.sections:
            assert section.heading.en and section.heading.cy and section.guidance.cy
            for field in section.fields:
                assert field.label.cy
        suggested = [f for s in template.sections for f in s.fields if f.suggested]
        assert len(suggested) >= 8 and all(f.suggested.cy for f in suggested)


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(DEFAULT_DIRECTORY / "waspi-dda.toml", folder)
    text = ISP_FILE.read_text(encoding="utf-8")
    assert old in text
    (folder / "broken.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('type = "textarea"', 'type = "essay"', "unknown field type 'essay'"),
        ('heading.cy = "Cyflwyniad', 'heading.xx = "Cyflwyniad', "'heading.cy' is missing"),
        ('kind = "isp"', 'kind = "xyz"', "kind 'xyz' must be one of"),
        ('version = "1.0"', 'version = "one"', "must be numbers separated by dots"),
        ('catalogue = "LEGAL_POWERS"', 'catalogue = "MADE_UP"', "unknown catalogue 'MADE_UP'"),
        (
            'code = "glossary"\nnumber = "A"',
            'code = "glossary"\nnumber = "1"',
            "section numbers repeated: 1",
        ),
        ('type = "flows"', 'type = "textarea"', "exactly one field of type 'flows'"),
        (
            'required = true\nlabel.en = "The purpose',
            'required = "yes"\nlabel.en = "The purpose',
            "'required' must be true or false",
        ),
        ('code = "waspi-isp"', 'code = "waspi-isp"\ncolour = "red"', "unknown keys: colour"),
        (
            '[[sections]]\ncode = "introduction"',
            '[[sections]\ncode = "introduction"',
            "not valid TOML",
        ),
    ],
)
def test_a_malformed_template_is_refused_naming_file_and_problem(tmp_path, old, new, message):
    folder = _copy_with(tmp_path, old, new)
    with pytest.raises(TemplateError) as error:
        load_templates(folder)
    assert "broken.toml" in str(error.value)
    assert message in str(error.value)


def test_the_app_does_not_start_with_a_bad_template(tmp_path):
    folder = _copy_with(tmp_path, 'type = "textarea"', 'type = "essay"')
    with pytest.raises(TemplateError, match="broken.toml"):
        create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "x",
                "PROTOCOL_TEMPLATES_DIR": str(folder),
            },
            instance_path=tmp_path / "instance",
        )


def test_adding_a_template_is_adding_a_file(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    text = ISP_FILE.read_text(encoding="utf-8").replace(
        'code = "waspi-isp"', 'code = "regional-isp"', 1
    )
    (folder / "regional-isp.toml").write_text(
        text.replace("default = true", "default = false"), encoding="utf-8"
    )
    newer = ISP_FILE.read_text(encoding="utf-8").replace('version = "1.0"', 'version = "1.1"', 1)
    (folder / "waspi-isp-1.1.toml").write_text(newer, encoding="utf-8")
    templates = load_templates(folder)
    assert {t.code for t in templates.choices_for(ProtocolKind.ISP)} == {
        "waspi-isp",
        "regional-isp",
    }
    assert templates.default_for(ProtocolKind.ISP).version == "1.1"
    assert templates.get("waspi-isp", "1.0") is not None  # agreements drafted from 1.0 still read


def test_the_same_template_version_twice_is_refused(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    shutil.copy(ISP_FILE, folder / "copy.toml")
    with pytest.raises(TemplateError, match="already defined in"):
        load_templates(folder)


def test_cli_lists_and_checks_templates(app, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["protocol-templates", "list"])
    assert listed.exit_code == 0
    assert "waspi-isp 1.0 isp (default): 11 sections, waspi-isp.toml" in listed.output
    assert "waspi-dda 1.0 dda (default): 13 sections" in listed.output
    good = runner.invoke(args=["protocol-templates", "check", str(DEFAULT_DIRECTORY)])
    assert good.exit_code == 0 and "4 templates are valid" in good.output
    folder = _copy_with(tmp_path, 'type = "textarea"', 'type = "essay"')
    bad = runner.invoke(args=["protocol-templates", "check", str(folder)])
    assert bad.exit_code == 1 and "broken.toml" in bad.output and "essay" in bad.output
