"""API for agreements (/api/v1/protocols): create, read, draft section by section, and take a
version through QA, signature, new versions and withdrawal. The services decide every rule.

Concurrency: GET a version or a section for its ETag; changes to a section and to its
partners, data items or Appendix B rows need `If-Match` with that section's ETag (428 without
it, 409 if someone changed it since). Transitions (submit, QA decision, signing, a new
version, withdrawal) need `If-Match` with the version's ETag in the same way: the latest
version's, or the active one's for a new version.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..api_blueprint import Blueprint
from ..errors import DomainError, InvalidInput, NotFound
from ..i18n import gettext as _
from ..pagination import api_page
from . import importing, services, workflow
from .access import visible_protocols_filter
from .content import compare_versions
from .models import Protocol, ProtocolVersion
from .qa import qa_checklist, section_status
from .scans import scan_response
from .schemas import (
    CompareQuerySchema,
    DataItemInputSchema,
    DataItemSchema,
    FlowInputSchema,
    FlowSchema,
    ImportConfirmSchema,
    ImportFileSchema,
    ImportKindSchema,
    NewVersionSchema,
    PaperSignatureFileSchema,
    PaperSignatureFormSchema,
    PartnerInputSchema,
    PartnerSchema,
    PendingImportSchema,
    ProtocolCreateSchema,
    ProtocolQuerySchema,
    ProtocolSchema,
    QaDecisionSchema,
    SectionComparisonSchema,
    SectionSchema,
    SectionUpdateSchema,
    SignatureInputSchema,
    SignatureSchema,
    SubmitInputSchema,
    VersionSchema,
    VersionSummarySchema,
    WithdrawSchema,
)
from .templates_data import template_for

blp = Blueprint(
    "protocols_api",
    __name__,
    url_prefix="/protocols",
    description="Information Sharing Protocols, Data Disclosure Agreements, Joint Controller Agreements and controller-processor agreements.",
)
VERSION = "/<int:protocol_id>/versions/<int:number>"


class PreconditionRequired(DomainError):
    status_code = 428


def _user():
    return current_user._get_current_object()


def _version(protocol_id: int, number: int | None = None) -> ProtocolVersion:
    return services.load_version(protocol_id, number, _user())


def _latest(protocol_id: int) -> ProtocolVersion:
    protocol = services.get_protocol(protocol_id, _user())
    return _version(protocol_id, services.latest_version(protocol).number)


def _if_match(required: bool) -> str | None:
    value = request.headers.get("If-Match")
    if required and not value:
        raise PreconditionRequired(
            _(
                "Send the ETag you last read in an If-Match header, so that nobody's changes are overwritten."
            )
        )
    return value


def _expected_section_version(
    version: ProtocolVersion, code: str, required: bool = True
) -> int | None:
    """The row version the caller saw, from If-Match; -1 when it names an out-of-date copy.
    Where If-Match is optional (adding a row, which overwrites nothing), its absence means
    the current copy."""
    header = _if_match(required)
    stored = version.section(code)
    if stored is None:
        raise NotFound(_("There is no section '%(code)s' in this agreement.", code=code))
    if header is None:
        return stored.row_version
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return stored.row_version if (stored.etag in wanted or "*" in wanted) else -1


def _section_view(version: ProtocolVersion, code: str) -> dict:
    template = template_for(version.protocol)
    section = template.section(code)
    stored = version.section(code)
    content = dict(stored.content or {})
    if "review_date" in section.table_types:
        content["review_date"] = version.review_date.isoformat() if version.review_date else None
    return {
        "code": code,
        "number": section.number,
        "title": section.title(),
        "status": section_status(version, section),
        "is_complete": stored.is_complete,
        "content": content,
        "etag": stored.etag,
    }


class _VersionView:
    """A version with its sections and QA checklist worked out, for VersionSchema."""

    def __init__(self, version: ProtocolVersion):
        self._version = version
        template = template_for(version.protocol)
        self.sections = [_section_view(version, s.code) for s in template.sections]
        self.qa_checklist = qa_checklist(version, template)

    def __getattr__(self, name):
        return getattr(self._version, name)


def _version_response(version: ProtocolVersion, status: int = 200):
    return _VersionView(version), status, {"ETag": version.etag}


def _partner_by_code(version: ProtocolVersion, code: str | None, field: str):
    if not code:
        return None
    partner = next((p for p in version.partners if p.organisation.code == code), None)
    if partner is None:
        raise InvalidInput(
            _("%(code)s is not a party to this version: add it to the agreement first", code=code),
            field=field,
        )
    return partner


# ---------------------------------------------------------------- protocols


@blp.route("")
class Protocols(MethodView):
    @blp.arguments(ProtocolQuerySchema, location="query")
    @blp.response(200, ProtocolSchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        """The agreements the caller's organisation is party to (all, for admins and auditors)."""
        stmt = (
            sa.select(Protocol)
            .where(visible_protocols_filter(_user()))
            .options(selectinload(Protocol.versions))
            .order_by(Protocol.id.desc())
        )
        if args.get("kind"):
            stmt = stmt.where(Protocol.kind == args["kind"])
        if args.get("state"):
            latest = (
                sa.select(sa.func.max(ProtocolVersion.number))
                .where(ProtocolVersion.protocol_id == Protocol.id)
                .correlate(Protocol)
                .scalar_subquery()
            )
            stmt = stmt.where(
                sa.exists().where(
                    ProtocolVersion.protocol_id == Protocol.id,
                    ProtocolVersion.number == latest,
                    ProtocolVersion.state == args["state"],
                )
            )
        return api_page(stmt, pagination_parameters)

    @blp.arguments(ProtocolCreateSchema)
    @blp.response(201, ProtocolSchema)
    def post(self, data):
        """Start an agreement from its template: V1 in draft. 422 names each bad field
        (unknown or repeated partner, a DDA with two disclosers...)."""
        return services.create_protocol(
            kind=data["kind"],
            title=data["title"],
            lead_organisation=data["lead_organisation"],
            partners=data["partners"],
            by=_user(),
            template_code=data.get("template"),
        )


@blp.route("/<int:protocol_id>")
@blp.response(200, ProtocolSchema)
def get_protocol(protocol_id):
    """One agreement with its versions (404 if the caller's organisation is not party to it)."""
    return services.get_protocol(protocol_id, _user())


@blp.route("/<int:protocol_id>/versions", methods=["GET"])
@blp.response(200, VersionSummarySchema(many=True))
def list_versions(protocol_id):
    """Every version, V1 first."""
    return services.get_protocol(protocol_id, _user()).versions


@blp.route("/<int:protocol_id>/versions", methods=["POST"])
@blp.arguments(NewVersionSchema)
@blp.response(201, VersionSchema)
@blp.if_match(required=True)
def start_version(data, protocol_id):
    """A new draft copied from the active version (409 unless there is one and nothing else
    is being prepared). Adding a partner to an active agreement is done in a new version.
    Needs If-Match (the active version's ETag)."""
    protocol = services.get_protocol(protocol_id, _user())
    new = workflow.start_new_version(
        protocol,
        by=_user(),
        expected_etag=_if_match(True),
        change_summary=data.get("change_summary"),
    )
    return _version_response(_version(protocol_id, new.number), 201)


@blp.route(VERSION, methods=["GET"])
@blp.response(200, VersionSchema)
def get_version(protocol_id, number):
    """One version in full: sections (each with its ETag), partners, data items, Appendix B,
    signatures, QA reviews and the QA checklist. The ETag header is the version's."""
    return _version_response(_version(protocol_id, number))


@blp.route("/<int:protocol_id>/compare", methods=["GET"])
@blp.arguments(CompareQuerySchema, location="query")
@blp.response(200, SectionComparisonSchema(many=True))
def compare(args, protocol_id):
    """Two versions compared section by section: each line kept, added or removed."""
    old = _version(protocol_id, args["old"])
    new = _version(protocol_id, args["new"])
    return compare_versions(old, new)


# ---------------------------------------------------------------- sections


@blp.route(VERSION + "/sections/<code>")
class Section(MethodView):
    @blp.response(200, SectionSchema)
    def get(self, protocol_id, number, code):
        """One section's content and status; the ETag header is the section's."""
        version = _version(protocol_id, number)
        if version.section(code) is None:
            raise NotFound(_("There is no section '%(code)s' in this agreement.", code=code))
        view = _section_view(version, code)
        return view, 200, {"ETag": view["etag"]}

    @blp.arguments(SectionUpdateSchema)
    @blp.response(200, SectionSchema)
    @blp.if_match(required=True)
    def put(self, data, protocol_id, number, code):
        """Replace the section's fields (those left out are emptied). Needs If-Match."""
        return self._save(data, protocol_id, number, code, replace=True)

    @blp.arguments(SectionUpdateSchema)
    @blp.response(200, SectionSchema)
    @blp.if_match(required=True)
    def patch(self, data, protocol_id, number, code):
        """Change the fields given; the others stay. Needs If-Match."""
        return self._save(data, protocol_id, number, code, replace=False)

    def _save(self, data, protocol_id, number, code, *, replace: bool):
        version = _version(protocol_id, number)
        template_section = template_for(version.protocol).section(code)
        if template_section is None or version.section(code) is None:
            raise NotFound(_("There is no section '%(code)s' in this agreement.", code=code))
        content = dict(data["content"])
        if replace:
            for f in template_section.fields:
                if not f.is_table or f.type == "review_date":
                    content.setdefault(f.code, None)
        services.save_section(
            version,
            code,
            content,
            by=_user(),
            expected_row_version=_expected_section_version(version, code),
            mark_complete=data.get("is_complete"),
        )
        view = _section_view(version, code)
        return view, 200, {"ETag": view["etag"]}


# ---------------------------------------------------------------- partners


def _partners_section_code(version) -> str:
    return template_for(version.protocol).section_with("partners").code


def _partner_details(data) -> services.PartnerDetails:
    given = {
        k
        for k in (
            "departments",
            "contact_name",
            "contact_email",
            "signatory_user_id",
            "signatory_name",
            "signatory_role",
            "can_edit",
            "role",
        )
        if k in data
    }
    return services.PartnerDetails(**{k: data.get(k) for k in given}, provided=given)


@blp.route(VERSION + "/partners", methods=["POST"])
@blp.arguments(PartnerInputSchema)
@blp.response(201, PartnerSchema)
@blp.if_match(required=False)
def add_partner(data, protocol_id, number):
    """Add an organisation from the register (IG leads of the lead organisation; draft only)."""
    version = _version(protocol_id, number)
    if not data.get("organisation"):
        raise InvalidInput(
            _("Give the organisation code of the party to add, like la-cardiff"),
            field="organisation",
        )
    return services.add_partner(
        version,
        data["organisation"],
        by=_user(),
        details=_partner_details(data),
        expected_row_version=_expected_section_version(
            version, _partners_section_code(version), required=False
        ),
    )


@blp.route(VERSION + "/partners/<int:partner_id>")
class Partner(MethodView):
    @blp.arguments(PartnerInputSchema)
    @blp.response(200, PartnerSchema)
    @blp.if_match(required=True)
    def patch(self, data, protocol_id, number, partner_id):
        """Change a partner's teams, contact, signatory, role (DDA) or edit rights. Needs If-Match."""
        version = _version(protocol_id, number)
        partner = _find(version.partners, partner_id, _("partner"))
        return services.update_partner(
            partner,
            _partner_details(data),
            by=_user(),
            expected_row_version=_expected_section_version(
                version, _partners_section_code(version)
            ),
        )

    @blp.response(204)
    @blp.if_match(required=True)
    def delete(self, protocol_id, number, partner_id):
        """Remove a partner from a draft. Needs If-Match."""
        version = _version(protocol_id, number)
        partner = _find(version.partners, partner_id, _("partner"))
        services.remove_partner(
            partner,
            by=_user(),
            expected_row_version=_expected_section_version(
                version, _partners_section_code(version)
            ),
        )


def _find(rows, row_id, what: str):
    found = next((r for r in rows if r.id == row_id), None)
    if found is None:
        raise NotFound(_("There is no %(what)s %(id)s in this version.", what=what, id=row_id))
    return found


# ---------------------------------------------------------------- data items


def _data_item_input(version, data) -> services.DataItemInput:
    source = _partner_by_code(version, data.get("source_partner"), "source_partner")
    recipients = [
        _partner_by_code(version, code, "recipients") for code in data.get("recipients") or []
    ]
    return services.DataItemInput(
        category=data["category"],
        description=data.get("description"),
        is_special_category=data.get("is_special_category", False),
        source_partner_id=source.id if source else None,
        recipient_partner_ids=[p.id for p in recipients],
        article6=data.get("article6") or [],
        article9=data.get("article9") or [],
        schedule1=data.get("schedule1") or [],
        policy_document_ref=data.get("policy_document_ref"),
        other_basis=data.get("other_basis"),
        para18_reason=data.get("para18_reason"),
        is_criminal_offence=data.get("is_criminal_offence", False),
        criminal_offence_condition=data.get("criminal_offence_condition"),
    )


def _data_code(version) -> str:
    return template_for(version.protocol).section_with("data_items").code


@blp.route(VERSION + "/data-items", methods=["POST"])
@blp.arguments(DataItemInputSchema)
@blp.response(201, DataItemSchema)
@blp.if_match(required=False)
def add_data_item(data, protocol_id, number):
    """Add a data item: category, special category or not, source and receiving partners
    (organisation codes), and lawful-basis codes."""
    version = _version(protocol_id, number)
    return services.add_data_item(
        version,
        _data_item_input(version, data),
        by=_user(),
        expected_row_version=_expected_section_version(
            version, _data_code(version), required=False
        ),
    )


@blp.route(VERSION + "/data-items/<int:item_id>")
class DataItem(MethodView):
    @blp.arguments(DataItemInputSchema)
    @blp.response(200, DataItemSchema)
    @blp.if_match(required=True)
    def put(self, data, protocol_id, number, item_id):
        """Replace a data item. Needs If-Match (the personal information section's ETag)."""
        version = _version(protocol_id, number)
        item = _find(version.data_items, item_id, _("data item"))
        return services.update_data_item(
            item,
            _data_item_input(version, data),
            by=_user(),
            expected_row_version=_expected_section_version(version, _data_code(version)),
        )

    @blp.response(204)
    @blp.if_match(required=True)
    def delete(self, protocol_id, number, item_id):
        """Remove a data item. Needs If-Match."""
        version = _version(protocol_id, number)
        item = _find(version.data_items, item_id, _("data item"))
        services.remove_data_item(
            item,
            by=_user(),
            expected_row_version=_expected_section_version(version, _data_code(version)),
        )


# ---------------------------------------------------------------- Appendix B flows


def _flow_input(version, data) -> services.FlowInput:
    source = _partner_by_code(version, data.get("from_partner"), "from_partner")
    target = _partner_by_code(version, data.get("to_partner"), "to_partner")
    return services.FlowInput(
        what=data["what"],
        from_partner_id=source.id if source else None,
        to_partner_id=target.id if target else None,
        method=data.get("method"),
        security=data.get("security"),
        frequency=data.get("frequency"),
        purpose=data.get("purpose"),
    )


def _flows_code(version) -> str:
    return template_for(version.protocol).section_with("flows").code


@blp.route(VERSION + "/flows", methods=["POST"])
@blp.arguments(FlowInputSchema)
@blp.response(201, FlowSchema)
@blp.if_match(required=False)
def add_flow(data, protocol_id, number):
    """Add an Appendix B row: what, from and to (organisation codes), how, security, how often, why."""
    version = _version(protocol_id, number)
    return services.add_flow(
        version,
        _flow_input(version, data),
        by=_user(),
        expected_row_version=_expected_section_version(
            version, _flows_code(version), required=False
        ),
    )


@blp.route(VERSION + "/flows/<int:flow_id>")
class Flow(MethodView):
    @blp.arguments(FlowInputSchema)
    @blp.response(200, FlowSchema)
    @blp.if_match(required=True)
    def put(self, data, protocol_id, number, flow_id):
        """Replace an Appendix B row. Needs If-Match (Appendix B's ETag)."""
        version = _version(protocol_id, number)
        flow = _find(version.flows, flow_id, _("row"))
        return services.update_flow(
            flow,
            _flow_input(version, data),
            by=_user(),
            expected_row_version=_expected_section_version(version, _flows_code(version)),
        )

    @blp.response(204)
    @blp.if_match(required=True)
    def delete(self, protocol_id, number, flow_id):
        """Remove an Appendix B row. Needs If-Match."""
        version = _version(protocol_id, number)
        flow = _find(version.flows, flow_id, _("row"))
        services.remove_flow(
            flow,
            by=_user(),
            expected_row_version=_expected_section_version(version, _flows_code(version)),
        )


# ---------------------------------------------------------------- transitions (latest version)


@blp.route("/<int:protocol_id>/submit", methods=["POST"])
@blp.arguments(SubmitInputSchema)
@blp.response(200, VersionSchema)
@blp.if_match(required=True)
def submit(data, protocol_id):
    """Submit the latest version to a QA group. 422 lists the failing checks by section code
    (and names `qa_group` when it is missing or unknown); 409 if its state does not allow it.
    Needs If-Match (the version's ETag)."""
    version = _latest(protocol_id)
    workflow.submit_for_qa(
        version, by=_user(), expected_etag=_if_match(True), qa_group=data.get("qa_group")
    )
    return _version_response(version)


@blp.route("/<int:protocol_id>/qa-decision", methods=["POST"])
@blp.arguments(QaDecisionSchema)
@blp.response(200, VersionSchema)
@blp.if_match(required=True)
def qa_decision(data, protocol_id):
    """Approve (freezes the version; partners are asked to sign) or return with comments.
    The reviewer is a member of the QA group it was submitted to, from neither the lead
    organisation nor the submitter's, who did not write or submit it.
    Needs If-Match (the version's ETag)."""
    version = _latest(protocol_id)
    etag = _if_match(True)
    if data["decision"] == "approve":
        workflow.approve_qa(
            version,
            by=_user(),
            comments=data.get("comments"),
            expected_etag=etag,
        )
    else:
        workflow.return_with_comments(
            version,
            comments=data.get("comments") or "",
            by=_user(),
            section_comments=data.get("section_comments"),
            expected_etag=etag,
        )
    return _version_response(version)


@blp.route("/<int:protocol_id>/signatures", methods=["POST"])
@blp.arguments(SignatureInputSchema)
@blp.response(201, SignatureSchema)
@blp.if_match(required=True)
def sign(data, protocol_id):
    """Sign the QA-approved version from your own account, as the signatory a partner names
    (only they may; once per partner). The name is your account's and the role the partner
    record's. The last signature makes it active and supersedes the previous version.
    Needs If-Match (the version's ETag)."""
    version = _latest(protocol_id)
    return workflow.sign_protocol(version, by=_user(), expected_etag=_if_match(True))


@blp.route("/<int:protocol_id>/signatures/paper", methods=["POST"])
@blp.arguments(PaperSignatureFormSchema, location="form")
@blp.arguments(PaperSignatureFileSchema, location="files")
@blp.response(201, SignatureSchema)
@blp.if_match(required=True)
def record_paper_signature(form, files, protocol_id):
    """Record the signature your organisation's named officer (who has no account) gave on
    paper (IG leads of that partner; multipart: `signed_on` and `scan`, a PDF, PNG or JPEG of
    the signed page up to 5 MB). Needs If-Match (the version's ETag)."""
    version = _latest(protocol_id)
    upload = files["scan"]
    content = upload.read(current_app.config["SIGNATURE_SCAN_MAX_BYTES"] + 1)
    return workflow.record_paper_signature(
        version,
        by=_user(),
        expected_etag=_if_match(True),
        signed_on=form["signed_on"],
        scan=content,
        filename=upload.filename,
    )


@blp.route("/<int:protocol_id>/signatures", methods=["GET"])
@blp.response(200, SignatureSchema(many=True))
def list_signatures(protocol_id):
    """The signatures on the latest version."""
    return _latest(protocol_id).signatures


@blp.route("/<int:protocol_id>/signatures/<int:signature_id>/scan", methods=["GET"])
@blp.response(200, content_type="application/octet-stream")
@blp.alt_response(404, description="No such signature or scan, or not yours to see")
def signature_scan(protocol_id, signature_id):
    """The scanned page of a signature given on paper (anyone who can see the agreement)."""
    signature = services.signature_with_scan(protocol_id, signature_id, _user())
    return scan_response(signature)


@blp.route("/<int:protocol_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema)
@blp.response(200, ProtocolSchema)
@blp.if_match(required=True)
def withdraw(data, protocol_id):
    """Withdraw the agreement (IG leads of the lead organisation; a reason is required).
    Needs If-Match (the latest version's ETag)."""
    protocol = services.get_protocol(protocol_id, _user())
    workflow.withdraw_protocol(
        protocol, reason=data["reason"], by=_user(), expected_etag=_if_match(True)
    )
    return protocol


# ---------------------------------------------------------------- importing a Word document


@blp.route("/imports", methods=["POST"])
@blp.arguments(ImportKindSchema, location="form")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, PendingImportSchema)
def start_import(form, files):
    """Upload an existing agreement (.docx, multipart: `kind` and `file`). It is read against
    the template and kept for the caller to confirm; nothing else is created. 422 names the
    field when the file is not Word, is encrypted, too big or unsafe to expand."""
    upload = files["file"]
    data = upload.read(importing.MAX_UPLOAD + 1)
    return importing.start_import(data, upload.filename or "", form["kind"], by=_user())


@blp.route("/imports/<int:import_id>", methods=["GET"])
@blp.response(200, PendingImportSchema)
def get_import(import_id):
    """The caller's own pending import: what was matched and what was not (404 for anyone else)."""
    return importing.get_pending(import_id, _user())


@blp.route("/imports/<int:import_id>/confirm", methods=["POST"])
@blp.arguments(ImportConfirmSchema)
@blp.response(201, ProtocolSchema)
def confirm_import(data, import_id):
    """Create the draft from the caller's pending import, with the partners confirmed."""
    pending = importing.get_pending(import_id, _user())
    return importing.confirm_import(
        pending, title=data["title"], partner_codes=data["partners"], by=_user()
    )
