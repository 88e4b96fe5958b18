"""GLOSSARY.md lists every state and outcome with the words the service shows, in both languages."""

from pathlib import Path

from flask_babel import force_locale

from isp_manager.glossary import glossary_markdown, vocabularies

GLOSSARY = Path(__file__).resolve().parent.parent / "GLOSSARY.md"


def test_the_glossary_in_the_repository_is_the_one_the_labels_make(app):
    with app.test_request_context():
        expected = glossary_markdown()
    assert GLOSSARY.read_text(encoding="utf-8") == expected, (
        "GLOSSARY.md is out of date: run `flask glossary > GLOSSARY.md`"
    )


def test_every_state_has_one_label_in_each_language_and_welsh_is_translated(app):
    with app.test_request_context():
        for _title, vocabulary in vocabularies():
            with force_locale("en"):
                english = {m: str(m.label) for m in vocabulary}
            with force_locale("cy"):
                welsh = {m: str(m.label) for m in vocabulary}
            for member in vocabulary:
                assert english[member] and welsh[member], member
                assert welsh[member] != english[member] or english[member].isupper(), (
                    f"{vocabulary.__name__}.{member.name} has no Welsh label"
                )


def test_the_command_prints_it(app):
    result = app.test_cli_runner().invoke(args=["glossary"])
    assert result.exit_code == 0
    assert "| `awaiting_clarification` |" in result.output
    assert "## Agreement version states / " in result.output
