"""API schemas for the organisations register. Each lists its fields; the rules are the service's."""

from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from ..api_schema import Schema
from ..i18n import current_locale
from ..law import RELEVANT_PARTNER, S28
from .models import Nation, OrgKind
from .services import MAX_LENGTHS, MAX_SEARCH_LENGTH, WASPI_ACCORD_FILTERS

KIND_VALUES = [kind.value for kind in OrgKind]
NATION_VALUES = [nation.value for nation in Nation]
# rp-b is never a register entry's category: it comes from an agreement between two councils.
CATEGORY_VALUES = [code for code in RELEVANT_PARTNER.codes if code != "rp-b"]


def _one_of(values, what: str):
    return validate.OneOf(values, error=f"{what} must be one of: {', '.join(values)}.")


def _text(field: str, **kwargs):
    return fields.String(
        allow_none=True,
        validate=validate.Length(
            max=MAX_LENGTHS[field], error=f"Must be {MAX_LENGTHS[field]} characters or fewer."
        ),
        **kwargs,
    )


class OrganisationSchema(Schema):
    """An organisation on the register."""

    code = fields.String(metadata={"description": "Permanent identifier, like la-cardiff"})
    name = fields.String()
    name_cy = fields.String(allow_none=True, metadata={"description": "Welsh name"})
    kind = fields.Enum(OrgKind, by_value=True)
    kind_label = fields.String()
    nation = fields.Enum(
        Nation,
        by_value=True,
        metadata={"description": "wales, england, scotland, northern_ireland, or uk (across them)"},
    )
    nation_label = fields.String()
    s28_category = fields.String(
        allow_none=True, metadata={"description": "Children Act 2004 s.28(1) code, like s28-d"}
    )
    relevant_partner_category = fields.String(
        allow_none=True, metadata={"description": "SSWBA 2014 s.162(4) code, like rp-a"}
    )
    covers_all_wales = fields.Boolean()
    areas = fields.Function(
        lambda org: [area.code for area in org.areas],
        metadata={"description": "Codes of the councils whose areas it covers"},
    )
    ico_registration = fields.String(allow_none=True)
    dpo_name = fields.String(allow_none=True)
    dpo_email = fields.String(allow_none=True)
    ig_lead_name = fields.String(allow_none=True)
    ig_lead_email = fields.String(allow_none=True)
    waspi_accord_signed = fields.Boolean(
        attribute="has_signed_waspi_accord",
        metadata={"description": "Whether it has signed the WASPI Accord (waspi_signed_on is set)"},
    )
    waspi_signed_on = fields.Date(
        allow_none=True,
        metadata={"description": "When its Declaration of Acceptance and Participation was signed"},
    )
    waspi_designated_person = fields.String(allow_none=True)
    waspi_declaration_signed_by = fields.String(
        allow_none=True,
        metadata={"description": "Who signed the Declaration of Acceptance and Participation"},
    )
    waspi_declaration_signatory_role = fields.String(
        allow_none=True, metadata={"description": "Their role, like Chief Executive"}
    )
    notes = fields.String(allow_none=True)
    is_active = fields.Boolean()
    is_public_authority = fields.Boolean(
        metadata={"description": "A public authority: no legitimate interests for its tasks"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OrganisationQuerySchema(Schema):
    """Filters for the list. `page` and `page_size` are the pagination's."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        validate=validate.Length(
            max=MAX_SEARCH_LENGTH, error=f"Must be {MAX_SEARCH_LENGTH} characters or fewer."
        ),
        metadata={
            "description": "Part of the English or Welsh name (accents optional), or of the code"
        },
    )
    kind = fields.String(validate=_one_of(KIND_VALUES, "kind"))
    nation = fields.String(validate=_one_of(NATION_VALUES, "nation"))
    area = fields.String(metadata={"description": "A council's code: bodies covering its area"})
    s28_category = fields.String(validate=_one_of(list(S28.codes), "s28_category"))
    waspi_accord = fields.String(
        validate=_one_of(list(WASPI_ACCORD_FILTERS), "waspi_accord"),
        metadata={"description": "signed: bodies that have signed the WASPI Accord; not_signed"},
    )
    status = fields.String(
        load_default="active",
        validate=_one_of(["active", "inactive", "all"], "status"),
    )


class OrganisationUpdateSchema(Schema):
    """The details an administrator may change. Omitted fields are left as they are; null
    clears an optional one. `code` may be sent but never changed."""

    code = fields.String()
    name = _text("name")
    name_cy = _text("name_cy")
    kind = fields.String(validate=_one_of(KIND_VALUES, "kind"))
    nation = fields.String(validate=_one_of(NATION_VALUES, "nation"))
    s28_category = fields.String(allow_none=True, validate=_one_of(list(S28.codes), "s28_category"))
    relevant_partner_category = fields.String(
        allow_none=True, validate=_one_of(CATEGORY_VALUES, "relevant_partner_category")
    )
    areas = fields.List(fields.String(), metadata={"description": "Council codes, like la-cardiff"})
    covers_all_wales = fields.Boolean()
    ico_registration = fields.String(
        allow_none=True, metadata={"description": "Like Z1234567 or ZA123456"}
    )
    dpo_name = _text("dpo_name")
    dpo_email = _text("dpo_email")
    ig_lead_name = _text("ig_lead_name")
    ig_lead_email = _text("ig_lead_email")
    waspi_signed_on = fields.Date(allow_none=True)
    waspi_designated_person = _text("waspi_designated_person")
    waspi_declaration_signed_by = _text(
        "waspi_declaration_signed_by",
        metadata={"description": "Who signed the Declaration (with waspi_signed_on)"},
    )
    waspi_declaration_signatory_role = _text(
        "waspi_declaration_signatory_role",
        metadata={"description": "Their role, like Chief Executive (with their name)"},
    )
    notes = _text("notes")
    is_active = fields.Boolean()
    is_public_authority = fields.Boolean(
        allow_none=True,
        metadata={"description": "A public authority (null: work it out from the kind)"},
    )


class OrganisationCreateSchema(OrganisationUpdateSchema):
    """A new organisation: code, name, kind and nation are required."""

    code = fields.String(
        required=True, metadata={"description": "Lower-case letters, numbers and hyphens"}
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTHS["name"]))
    kind = fields.String(required=True, validate=_one_of(KIND_VALUES, "kind"))
    nation = fields.String(required=True, validate=_one_of(NATION_VALUES, "nation"))


class RelevantPartnerSchema(Schema):
    """One s.162(4) relationship: the organisation on the other side, its category and why."""

    code = fields.Function(lambda p: p.organisation.code)
    name = fields.Function(lambda p: p.organisation.name)
    category = fields.String(metadata={"description": "s.162(4) code, like rp-a"})
    citation = fields.String()
    reason = fields.String()
    limit = fields.Function(
        lambda p: p.limit_for(current_locale()),
        allow_none=True,
        metadata={
            "description": "For a body that is a relevant partner only for some of its functions "
            "(rp-c, rp-g): which functions; otherwise null"
        },
    )


class AgreementSchema(Schema):
    """An s.162(4)(b) agreement, seen from the council in the URL."""

    id = fields.Integer()
    other_council = fields.String()
    other_council_name = fields.String()
    agreed_on = fields.Date()
    notes = fields.String(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    is_current = fields.Boolean()


class AgreementCreateSchema(Schema):
    other_council = fields.String(
        required=True, metadata={"description": "The other council's code"}
    )
    agreed_on = fields.Date(required=True)
    notes = _text("notes")


class AgreementEndSchema(Schema):
    ended_on = fields.Date(required=True)
