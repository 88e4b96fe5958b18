"""API schemas for agreements. Each lists its fields; the rules are the services'."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, ValidationError, fields, validate

from ..api_schema import Schema
from .models import PartnerRole, ProtocolKind, QaDecision, VersionState
from .qa import SectionStatus

KINDS = [k.value for k in ProtocolKind]
STATES = [s.value for s in VersionState]
ROLES = [r.value for r in PartnerRole]


def _one_of(values, what: str):
    return validate.OneOf(values, error=f"{what} must be one of: {', '.join(values)}.")


def _text(maximum: int, **kwargs):
    return fields.String(
        validate=validate.Length(max=maximum, error=f"Must be {maximum} characters or fewer."),
        **kwargs,
    )


class PartnerRefField(fields.Field):
    """A partner named when creating: an organisation code, or {"organisation": code, "role": ...}."""

    def _deserialize(self, value, attr, data, **kwargs):
        from .services import PartnerChoice

        if isinstance(value, str):
            return PartnerChoice(value.strip())
        if isinstance(value, dict) and isinstance(value.get("organisation"), str):
            role = value.get("role")
            if role is not None and not isinstance(role, str):
                raise ValidationError("role must be a string, like recipient.")
            return PartnerChoice(value["organisation"].strip(), role)
        raise ValidationError(
            'Give each partner as an organisation code, like "la-cardiff", or as '
            '{"organisation": "la-cardiff", "role": "recipient"}.'
        )


# ---------------------------------------------------------------- input


class ProtocolCreateSchema(Schema):
    kind = fields.String(
        required=True,
        validate=_one_of(KINDS, "kind"),
        metadata={"description": "isp, dda, jca or dpa"},
    )
    title = _text(300, required=True)
    lead_organisation = fields.String(
        required=True, metadata={"description": "An organisation code: the caller's own"}
    )
    partners = fields.List(
        PartnerRefField(),
        load_default=list,
        metadata={
            "description": 'Organisation codes, or {"organisation", "role"} (a DDA: one discloser; the lead is the discloser unless another is named)'
        },
    )
    template = fields.String(
        load_default=None,
        metadata={"description": "A template code; the default for the kind if left out"},
    )


class ProtocolQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    kind = fields.String(validate=_one_of(KINDS, "kind"))
    state = fields.String(
        validate=_one_of(STATES, "state"), metadata={"description": "State of the latest version"}
    )


class SectionUpdateSchema(Schema):
    content = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={
            "description": "The section's fields by code (see the template); review_date as 2027-03-27"
        },
    )
    is_complete = fields.Boolean(load_default=None, allow_none=True)


class PartnerInputSchema(Schema):
    organisation = fields.String(metadata={"description": "Organisation code (when adding)"})
    role = fields.String(validate=_one_of(ROLES, "role"), allow_none=True)
    departments = _text(2000, allow_none=True)
    contact_name = _text(200, allow_none=True)
    contact_email = _text(254, allow_none=True)
    signatory_name = _text(200, allow_none=True)
    signatory_role = _text(200, allow_none=True)
    can_edit = fields.Boolean(allow_none=True)


class DataItemInputSchema(Schema):
    category = _text(300, required=True)
    description = fields.String(allow_none=True)
    is_special_category = fields.Boolean(load_default=False)
    source_partner = fields.String(
        allow_none=True,
        metadata={"description": "Organisation code of the partner that provides it"},
    )
    recipients = fields.List(
        fields.String(),
        load_default=list,
        metadata={"description": "Organisation codes of the receiving partners"},
    )
    article6 = fields.List(
        fields.String(), load_default=list, metadata={"description": "Codes like art6-1-e"}
    )
    article9 = fields.List(
        fields.String(), load_default=list, metadata={"description": "Codes like art9-2-g"}
    )
    schedule1 = fields.List(
        fields.String(), load_default=list, metadata={"description": "Codes like sch1-p2-para18"}
    )
    policy_document_ref = _text(300, allow_none=True)
    other_basis = fields.String(allow_none=True)
    para18_reason = fields.String(
        allow_none=True,
        metadata={
            "description": "With DPA 2018 Sch.1 para 18: why consent is not relied on, "
            "para18-2-a, para18-2-b or para18-2-c"
        },
    )
    is_criminal_offence = fields.Boolean(
        load_default=False, metadata={"description": "Criminal offence data (UK GDPR Art. 10)"}
    )
    criminal_offence_condition = fields.String(
        allow_none=True,
        metadata={
            "description": "For criminal offence data: a Schedule 1 code (Part 1, 2 or 3), "
            "like sch1-p3-para36"
        },
    )


class FlowInputSchema(Schema):
    what = fields.String(required=True)
    from_partner = fields.String(allow_none=True, metadata={"description": "Organisation code"})
    to_partner = fields.String(allow_none=True, metadata={"description": "Organisation code"})
    method = fields.String(allow_none=True)
    security = fields.String(allow_none=True)
    frequency = _text(200, allow_none=True)
    purpose = fields.String(allow_none=True)


class QaDecisionSchema(Schema):
    decision = fields.String(required=True, validate=_one_of(["approve", "return"], "decision"))
    comments = fields.String(allow_none=True, metadata={"description": "Required to return"})
    section_comments = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class SubmitInputSchema(Schema):
    qa_group = _text(
        64,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "Code of the QA group to review it (GET /qa-groups); a version "
            "returned with comments goes back to its group when none is given"
        },
    )


class SignatureInputSchema(Schema):
    name = _text(200, allow_none=True, metadata={"description": "Defaults to the caller's name"})
    role = _text(
        200, allow_none=True, metadata={"description": "Defaults to the caller's job title"}
    )


class WithdrawSchema(Schema):
    reason = _text(5000, required=True)


class NewVersionSchema(Schema):
    change_summary = _text(5000, allow_none=True)


class CompareQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    old = fields.Integer(required=True, validate=validate.Range(min=1))
    new = fields.Integer(required=True, validate=validate.Range(min=1))


# ---------------------------------------------------------------- output


class VersionSummarySchema(Schema):
    number = fields.Integer()
    label = fields.String()
    state = fields.Enum(VersionState, by_value=True)
    status_label = fields.String(
        metadata={
            "description": "Draft, Submitted for QA, Returned, Approved for signature, Active, "
            "Superseded or Withdrawn: the words the cover and the pages use"
        }
    )
    review_date = fields.Date(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    activated_at = fields.DateTime(allow_none=True)
    superseded_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    change_summary = fields.String(allow_none=True)
    etag = fields.String()


class ProtocolSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    kind = fields.Enum(ProtocolKind, by_value=True)
    title = fields.String()
    lead_organisation = fields.Function(lambda p: p.lead_organisation.code)
    template_code = fields.String()
    template_version = fields.String()
    current_version = fields.Function(lambda p: _current(p).number)
    versions = fields.List(fields.Nested(VersionSummarySchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def _current(protocol):
    from .services import current_version

    return current_version(protocol)


class PartnerSchema(Schema):
    id = fields.Integer()
    organisation = fields.Function(lambda p: p.organisation.code)
    organisation_name = fields.Function(lambda p: p.organisation.name)
    role = fields.Enum(PartnerRole, by_value=True)
    departments = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    signatory_name = fields.String(allow_none=True)
    signatory_role = fields.String(allow_none=True)
    can_edit = fields.Boolean()


class DataItemSchema(Schema):
    id = fields.Integer()
    category = fields.String()
    description = fields.String(allow_none=True)
    is_special_category = fields.Boolean()
    source_partner = fields.Function(
        lambda i: i.source_partner.organisation.code if i.source_partner else None
    )
    recipients = fields.Function(lambda i: [p.organisation.code for p in i.recipients])
    article6 = fields.Function(lambda i: i.basis_codes("article6"))
    article9 = fields.Function(lambda i: i.basis_codes("article9"))
    schedule1 = fields.Function(lambda i: i.basis_codes("schedule1"))
    policy_document_ref = fields.String(allow_none=True)
    other_basis = fields.String(allow_none=True)
    para18_reason = fields.String(allow_none=True)
    is_criminal_offence = fields.Boolean()
    criminal_offence_condition = fields.String(allow_none=True)


class FlowSchema(Schema):
    id = fields.Integer()
    what = fields.String()
    from_partner = fields.Function(
        lambda f: f.from_partner.organisation.code if f.from_partner else None
    )
    to_partner = fields.Function(lambda f: f.to_partner.organisation.code if f.to_partner else None)
    method = fields.String(allow_none=True)
    security = fields.String(allow_none=True)
    frequency = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)


class SignatureSchema(Schema):
    organisation = fields.Function(lambda s: s.partner.organisation.code)
    name = fields.String()
    role = fields.String()
    signed_at = fields.DateTime()


class QaReviewSchema(Schema):
    reviewer = fields.Function(lambda r: r.reviewer.name)
    decision = fields.Enum(QaDecision, by_value=True)
    comments = fields.String(allow_none=True)
    section_comments = fields.Dict(keys=fields.String(), values=fields.String())
    qa_group = fields.String(allow_none=True)
    decided_at = fields.DateTime()


class SectionSchema(Schema):
    code = fields.String()
    number = fields.String()
    title = fields.String()
    status = fields.Enum(SectionStatus, by_value=True)
    is_complete = fields.Boolean()
    content = fields.Dict()
    etag = fields.String(
        metadata={"description": "Send it back in If-Match when changing the section"}
    )


class QaCheckSchema(Schema):
    code = fields.String()
    passed = fields.Boolean()
    message = fields.String()
    section = fields.String(allow_none=True)
    advisory = fields.Boolean(
        metadata={"description": "A flag for the QA reviewer: it does not stop submission"}
    )


class VersionSchema(VersionSummarySchema):
    protocol_id = fields.Integer()
    reference = fields.Function(lambda v: v.protocol.reference)
    qa_group = fields.Function(
        lambda v: v.qa_group_name(),
        allow_none=True,
        metadata={"description": "The QA group it was submitted to"},
    )
    qa_group_code = fields.Function(
        lambda v: v.assigned_qa_group.code if v.assigned_qa_group else None, allow_none=True
    )
    sections = fields.List(fields.Nested(SectionSchema))
    partners = fields.List(fields.Nested(PartnerSchema))
    data_items = fields.List(fields.Nested(DataItemSchema))
    flows = fields.List(fields.Nested(FlowSchema))
    signatures = fields.List(fields.Nested(SignatureSchema))
    qa_reviews = fields.List(fields.Nested(QaReviewSchema))
    qa_checklist = fields.List(fields.Nested(QaCheckSchema))


class LineChangeSchema(Schema):
    op = fields.String()
    text = fields.String()


class FieldComparisonSchema(Schema):
    label = fields.String()
    changed = fields.Boolean()
    changes = fields.List(fields.Nested(LineChangeSchema))


class SectionComparisonSchema(Schema):
    code = fields.String()
    title = fields.String()
    changed = fields.Boolean()
    fields_ = fields.List(
        fields.Nested(FieldComparisonSchema), data_key="fields", attribute="fields"
    )


class ImportKindSchema(Schema):
    kind = fields.String(
        required=True,
        validate=_one_of(KINDS, "kind"),
        metadata={"description": "isp, dda, jca or dpa"},
    )


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "The agreement as a .docx file"})


class ImportPartnerSchema(Schema):
    name = fields.String(metadata={"description": "The organisation as the document names it"})
    code = fields.String(
        allow_none=True, metadata={"description": "The register entry it matched, if any"}
    )
    exact = fields.Boolean(metadata={"description": "False when the match is only a suggestion"})
    role = fields.String(allow_none=True)
    departments = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)


class ImportUnmatchedSchema(Schema):
    heading = fields.String()
    text = fields.String()
    section = fields.String(metadata={"description": "The section it sat in, if any"})


_PLACE = "The partner's place (from 0) in `partners`, if the document names one of them"


class ImportDataItemSchema(Schema):
    category = fields.String()
    description = fields.String()
    is_special_category = fields.Boolean()
    source = fields.Integer(allow_none=True, metadata={"description": _PLACE})
    recipients = fields.List(fields.Integer(), metadata={"description": _PLACE})
    bases = fields.List(fields.String(), metadata={"description": "Lawful bases as catalogue:code"})
    para18_reason = fields.String(allow_none=True)
    is_criminal_offence = fields.Boolean()
    criminal_offence_condition = fields.String(allow_none=True)
    policy_document_ref = fields.String(allow_none=True)
    other_basis = fields.String(allow_none=True)


class ImportFlowSchema(Schema):
    what = fields.String()
    from_ = fields.Integer(
        data_key="from", attribute="from", allow_none=True, metadata={"description": _PLACE}
    )
    to = fields.Integer(allow_none=True, metadata={"description": _PLACE})
    method = fields.String(allow_none=True)
    security = fields.String(allow_none=True)
    frequency = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)


class PendingImportSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String()
    template_code = fields.String()
    title = fields.Function(lambda p: p.result.get("title"))
    sections = fields.Function(
        lambda p: p.result.get("sections"),
        metadata={"description": "Field values read for each section code"},
    )
    partners = fields.Function(
        lambda p: ImportPartnerSchema(many=True).dump(p.result.get("partners") or [])
    )
    data_items = fields.Function(
        lambda p: ImportDataItemSchema(many=True).dump(p.result.get("data_items") or [])
    )
    flows = fields.Function(lambda p: ImportFlowSchema(many=True).dump(p.result.get("flows") or []))
    review_date = fields.Function(lambda p: p.result.get("review_date"))
    unmatched = fields.Function(
        lambda p: ImportUnmatchedSchema(many=True).dump(p.result.get("unmatched") or [])
    )


class ImportConfirmSchema(Schema):
    title = _text(300, required=True)
    partners = fields.List(
        fields.String(allow_none=True, validate=validate.Length(max=64)),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={
            "description": "For each partner found, in order: the register code to add, or null to leave it out"
        },
    )
