"""Protocol templates as data: one TOML file per template in protocol_templates/.

A template gives, for every section, its number, heading and guidance in English and Welsh,
the structured fields it holds (which are required) and suggested standard wording. Adding a
template is adding a file. Every file is checked when the application starts; a malformed one
stops start-up with a message naming the file and the problem (TemplateError).

Field types:
  text, textarea      free text (one line / several lines)
  list                a list of short entries (one per line on the page)
  catalogue           codes picked from a law catalogue (`catalogue = "LEGAL_POWERS"`)
  glossary            a list of {term, definition}
  partners, data_items, flows, signatures, review_date
                      held in their own tables / columns, not in the section's JSON

A text, textarea or list field may also carry:
  term        the legal term it records (`term.en`/`term.cy`, e.g. "Article 28(3)(a) UK GDPR:
              processing only on documented instructions"); the QA checklist has one check per
              term, failing while the field is empty
  must_name   "each" or "any": the QA checklist fails until the field names each party (or at
              least one party) of the agreement by its name
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from ..config import PROJECT_ROOT
from ..law import catalogue as law_catalogue
from .models import ProtocolKind

DEFAULT_DIRECTORY = PROJECT_ROOT / "protocol_templates"
JSON_TYPES = ("text", "textarea", "list", "catalogue", "glossary")
TABLE_TYPES = ("partners", "data_items", "flows", "signatures", "review_date")
FIELD_TYPES = JSON_TYPES + TABLE_TYPES
# Table-backed parts a template of each kind must place in exactly one section.
REQUIRED_TABLE_TYPES = ("partners", "data_items", "flows", "signatures", "review_date")
CATALOGUES_ALLOWED = ("LEGAL_POWERS", "ARTICLE6", "ARTICLE9", "SCHEDULE1", "S28", "S137_RELATES")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VERSION_RE = re.compile(r"^\d+(\.\d+){0,3}$")


class TemplateError(Exception):
    """A template file that cannot be used: the message names the file and the problem."""


@dataclass(frozen=True)
class Text:
    """A piece of text in English and Welsh."""

    en: str
    cy: str

    def get(self, locale: str = "en") -> str:
        return self.cy if locale == "cy" and self.cy else self.en

    def __str__(self) -> str:
        from ..i18n import current_locale

        try:
            return self.get(current_locale())
        except RuntimeError:  # outside a request
            return self.en


@dataclass(frozen=True)
class TemplateField:
    code: str
    type: str
    label: Text
    hint: Text | None = None
    required: bool = False
    suggested: Text | None = None
    catalogue: str | None = None
    term: Text | None = None
    must_name: str | None = None

    @property
    def is_table(self) -> bool:
        return self.type in TABLE_TYPES

    def catalogue_choices(self, locale: str = "en") -> list[tuple[str, str]]:
        return getattr(law_catalogue, self.catalogue).choices(locale) if self.catalogue else []


@dataclass(frozen=True)
class TemplateSection:
    code: str
    number: str
    heading: Text
    guidance: Text
    fields: tuple[TemplateField, ...]
    is_appendix: bool = False

    @property
    def required_fields(self) -> tuple[TemplateField, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def is_required(self) -> bool:
        return bool(self.required_fields)

    @property
    def table_types(self) -> tuple[str, ...]:
        return tuple(f.type for f in self.fields if f.is_table)

    @property
    def is_signatures(self) -> bool:
        return "signatures" in self.table_types

    def field(self, code: str) -> TemplateField | None:
        return next((f for f in self.fields if f.code == code), None)

    def title(self, locale: str = "en") -> str:
        """'1. Introduction' or 'Appendix B: Information reference table'."""
        if self.is_appendix:
            prefix = "Atodiad" if locale == "cy" else "Appendix"
            return f"{prefix} {self.number}: {self.heading.get(locale)}"
        return f"{self.number}. {self.heading.get(locale)}"


@dataclass(frozen=True)
class ProtocolTemplate:
    code: str
    version: str
    kind: ProtocolKind
    name: Text
    description: Text
    sections: tuple[TemplateSection, ...]
    is_default: bool = False
    source: str = ""

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split("."))

    def section(self, code: str) -> TemplateSection | None:
        return next((s for s in self.sections if s.code == code), None)

    def section_with(self, table_type: str) -> TemplateSection:
        """The section that holds a table-backed part (partners, data_items, flows...)."""
        return next(s for s in self.sections if table_type in s.table_types)


@dataclass
class TemplateRegistry:
    """Every template loaded at start-up, by (code, version)."""

    templates: dict[tuple[str, str], ProtocolTemplate] = field(default_factory=dict)

    def get(self, code: str, version: str) -> ProtocolTemplate | None:
        return self.templates.get((code, version))

    def latest(self, code: str) -> ProtocolTemplate | None:
        found = [t for t in self.templates.values() if t.code == code]
        return max(found, key=lambda t: t.version_key) if found else None

    def default_for(self, kind: ProtocolKind) -> ProtocolTemplate:
        candidates = [t for t in self.templates.values() if t.kind == kind]
        defaults = [t for t in candidates if t.is_default] or candidates
        if not defaults:
            raise LookupError(f"no protocol template for {kind.value}")
        best = max(defaults, key=lambda t: t.version_key)
        return self.latest(best.code) or best

    def choices_for(self, kind: ProtocolKind) -> list[ProtocolTemplate]:
        codes = sorted({t.code for t in self.templates.values() if t.kind == kind})
        return [self.latest(c) for c in codes]


# ---------------------------------------------------------------- loading and checking


class _Checker:
    """Reads one parsed file, raising TemplateError with the file name and the path to the fault."""

    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, where: str, problem: str):
        location = f" ({where})" if where else ""
        raise TemplateError(f"Protocol template {self.filename}{location}: {problem}")

    def mapping(self, data, where: str) -> dict:
        if not isinstance(data, dict):
            self.fail(where, "expected a table of keys")
        return data

    def string(self, data: dict, key: str, where: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"'{key}' must be a non-empty string")
        return value.strip()

    def boolean(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(where, f"'{key}' must be true or false")
        return value

    def text(self, data: dict, key: str, where: str, *, required: bool = True) -> Text | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            self.fail(
                where, f"'{key}' must have English and Welsh text ('{key}.en' and '{key}.cy')"
            )
        for lang in ("en", "cy"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(where, f"'{key}.{lang}' is missing or empty")
        unknown = set(value) - {"en", "cy"}
        if unknown:
            self.fail(where, f"'{key}' has unknown languages: {', '.join(sorted(unknown))}")
        return Text(en=value["en"].strip(), cy=value["cy"].strip())

    def unknown_keys(self, data: dict, allowed: set[str], where: str) -> None:
        unknown = set(data) - allowed
        if unknown:
            self.fail(where, f"unknown keys: {', '.join(sorted(unknown))}")


FIELD_KEYS = {
    "code",
    "type",
    "label",
    "hint",
    "required",
    "suggested",
    "catalogue",
    "term",
    "must_name",
}
MUST_NAME = ("each", "any")
SECTION_KEYS = {"code", "number", "heading", "guidance", "fields", "appendix"}
TEMPLATE_KEYS = {"code", "version", "kind", "name", "description", "default", "sections"}


def _parse_field(check: _Checker, data, where: str) -> TemplateField:
    data = check.mapping(data, where)
    check.unknown_keys(data, FIELD_KEYS, where)
    code = check.string(data, "code", where)
    if not CODE_RE.match(code):
        check.fail(where, f"field code '{code}' must be lower-case letters, digits and _")
    where = f"{where} '{code}'"
    kind = check.string(data, "type", where)
    if kind not in FIELD_TYPES:
        check.fail(where, f"unknown field type '{kind}' (use one of {', '.join(FIELD_TYPES)})")
    catalogue = check.string(data, "catalogue", where, required=kind == "catalogue")
    if kind == "catalogue" and catalogue not in CATALOGUES_ALLOWED:
        check.fail(
            where, f"unknown catalogue '{catalogue}' (use one of {', '.join(CATALOGUES_ALLOWED)})"
        )
    if kind != "catalogue" and catalogue:
        check.fail(where, "only a field of type 'catalogue' names a catalogue")
    suggested = check.text(data, "suggested", where, required=False)
    if suggested and kind not in ("text", "textarea", "list"):
        check.fail(where, "suggested wording is only for text, textarea and list fields")
    term = check.text(data, "term", where, required=False)
    must_name = check.string(data, "must_name", where, required=False)
    if (term or must_name) and kind not in ("text", "textarea", "list"):
        check.fail(where, "'term' and 'must_name' are only for text, textarea and list fields")
    if must_name and must_name not in MUST_NAME:
        check.fail(where, f"'must_name' must be one of {', '.join(MUST_NAME)}")
    return TemplateField(
        code=code,
        type=kind,
        label=check.text(data, "label", where),
        hint=check.text(data, "hint", where, required=False),
        required=check.boolean(data, "required", where),
        suggested=suggested,
        catalogue=catalogue,
        term=term,
        must_name=must_name,
    )


def _parse_section(check: _Checker, data, where: str) -> TemplateSection:
    data = check.mapping(data, where)
    check.unknown_keys(data, SECTION_KEYS, where)
    code = check.string(data, "code", where)
    if not CODE_RE.match(code):
        check.fail(where, f"section code '{code}' must be lower-case letters, digits and _")
    where = f"section '{code}'"
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        check.fail(where, "a section needs at least one [[sections.fields]] entry")
    fields = tuple(
        _parse_field(check, f, f"{where}, field {i + 1}") for i, f in enumerate(raw_fields)
    )
    codes = [f.code for f in fields]
    if len(set(codes)) != len(codes):
        check.fail(where, "two fields have the same code")
    return TemplateSection(
        code=code,
        number=str(check.string(data, "number", where)),
        heading=check.text(data, "heading", where),
        guidance=check.text(data, "guidance", where),
        fields=fields,
        is_appendix=check.boolean(data, "appendix", where),
    )


def parse_template(data: dict, filename: str) -> ProtocolTemplate:
    """Check one parsed template file and build the template; TemplateError if it is wrong."""
    check = _Checker(filename)
    check.mapping(data, "")
    check.unknown_keys(data, TEMPLATE_KEYS, "")
    code = check.string(data, "code", "")
    if not re.match(r"^[a-z][a-z0-9-]{0,39}$", code):
        check.fail("", f"template code '{code}' must be lower-case letters, digits and -")
    version = check.string(data, "version", "")
    if not VERSION_RE.match(version):
        check.fail("", f"version '{version}' must be numbers separated by dots, like 1.0")
    kind_value = check.string(data, "kind", "")
    if kind_value not in {k.value for k in ProtocolKind}:
        check.fail(
            "", f"kind '{kind_value}' must be one of: {', '.join(k.value for k in ProtocolKind)}"
        )
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        check.fail("", "a template needs at least one [[sections]] entry")
    sections = tuple(
        _parse_section(check, s, f"section {i + 1}") for i, s in enumerate(raw_sections)
    )
    _check_sections(check, sections)
    return ProtocolTemplate(
        code=code,
        version=version,
        kind=ProtocolKind(kind_value),
        name=check.text(data, "name", ""),
        description=check.text(data, "description", ""),
        sections=sections,
        is_default=check.boolean(data, "default", ""),
        source=filename,
    )


def _check_sections(check: _Checker, sections: tuple[TemplateSection, ...]) -> None:
    for attribute in ("code", "number"):
        values = [getattr(s, attribute) for s in sections]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            check.fail("", f"section {attribute}s repeated: {', '.join(repeated)}")
    for table_type in REQUIRED_TABLE_TYPES:
        holders = [s.code for s in sections for f in s.fields if f.type == table_type]
        if len(holders) != 1:
            check.fail(
                "",
                f"exactly one field of type '{table_type}' is needed "
                f"(found {len(holders)}{': ' + ', '.join(holders) if holders else ''})",
            )
    signatures = next(s for s in sections if s.is_signatures)
    if len(signatures.fields) != 1 or signatures.required_fields:
        check.fail(
            f"section '{signatures.code}'",
            "the signatures section holds only the signatures field, and it is not required "
            "(partners sign after QA approval)",
        )


def load_template_file(path: Path) -> ProtocolTemplate:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"Protocol template {path.name}: the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"Protocol template {path.name}: not valid TOML: {error}") from None
    return parse_template(data, path.name)


def load_templates(directory: Path) -> TemplateRegistry:
    """Load and check every *.toml file in the directory; TemplateError on the first bad one."""
    if not directory.is_dir():
        raise TemplateError(f"Protocol templates folder {directory} does not exist")
    registry = TemplateRegistry()
    for path in sorted(directory.glob("*.toml")):
        template = load_template_file(path)
        key = (template.code, template.version)
        if key in registry.templates:
            other = registry.templates[key].source
            raise TemplateError(
                f"Protocol template {path.name}: template {template.code} version "
                f"{template.version} is already defined in {other}"
            )
        registry.templates[key] = template
    for kind in ProtocolKind:
        if not any(t.kind == kind for t in registry.templates.values()):
            raise TemplateError(
                f"Protocol templates folder {directory}: no template for {kind.value}"
            )
    return registry


def init_templates(app: Flask) -> None:
    """Called when the protocols blueprint is registered: start-up fails on a bad template."""
    directory = Path(app.config.get("PROTOCOL_TEMPLATES_DIR") or DEFAULT_DIRECTORY)
    app.extensions["protocol_templates"] = load_templates(directory)


def registry() -> TemplateRegistry:
    return current_app.extensions["protocol_templates"]


def template_for(protocol) -> ProtocolTemplate:
    """The template (and template version) a protocol was drafted from."""
    found = registry().get(protocol.template_code, protocol.template_version)
    if found is None:
        raise LookupError(
            f"template {protocol.template_code} {protocol.template_version} is not installed"
        )
    return found
