"""HTML pages for drafting, quality-assuring, signing and versioning agreements.

Handlers are thin: load the version (404 if the user may not see it), call one service, then
render or redirect. Service refusals come back as field messages on the form (422) or, for
actions the state or role does not allow, as the 403/409 error pages.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..api_schema import DB_INT_MIN
from ..errors import DomainError, InvalidInput, NotFound
from ..extensions import db
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import catalogue as law_catalogue
from ..pagination import paginate
from ..parties.models import Organisation
from ..qa_groups.services import SERVICE_ORG_CODE, list_groups
from ..text_values import whole_number
from . import importing, services, workflow
from .access import (
    Action,
    can,
    can_start_protocol,
    names_signatory,
    paper_partner_for,
    require,
    unsigned_partner_for,
    visible_protocols_filter,
)
from .content import (
    compare_versions,
    section_as_data,
    sections_as_data,
    signatory_statement,
    signature_statement,
)
from .forms import (
    CompareForm,
    DataItemForm,
    FilterForm,
    FlowForm,
    ImportUploadForm,
    NewVersionForm,
    PaperSignatureForm,
    PartnerForm,
    QaDecisionForm,
    RemoveForm,
    SignForm,
    StartProtocolForm,
    SubmitForQaForm,
    WithdrawForm,
    apply_errors,
    import_confirm_form_class,
    section_form_class,
)
from .models import (
    KIND_RULES,
    PARTNER_ROLE_LABELS,
    ROLES_BY_KIND,
    PartnerRole,
    Protocol,
    ProtocolKind,
    ProtocolVersion,
    VersionState,
)
from .qa import failures, qa_checklist, section_status
from .scans import scan_response
from .templates_data import init_templates, registry, template_for

bp = Blueprint("protocols", __name__)
bp.record_once(lambda state: init_templates(state.app))

VERSION_URL = "/agreements/<int:protocol_id>/versions/<int:number>"
EXPORT_ENDPOINT = "agreements_register.export_docx"  # the Word download, when installed


bp.add_app_template_global(signatory_statement, "signatory_statement")
bp.add_app_template_global(signature_statement, "signature_statement")


def _signing_partner_ids(version: ProtocolVersion) -> dict:
    """Which partner row offers the current user "Sign", "Record a signature given on paper"
    or (a partner's own IG lead, while drafting) "Name the signatory"."""
    sign = can(current_user, Action.SIGN, version) and unsigned_partner_for(current_user, version)
    paper = can(current_user, Action.RECORD_PAPER_SIGNATURE, version) and paper_partner_for(
        current_user, version
    )
    own = version.partner_for(current_user.organisation_id)
    names = (
        own is not None
        and version.state.is_editable
        and not can(current_user, Action.EDIT, version)
        and names_signatory(current_user, own)
    )
    return {
        "sign_partner_id": sign.id if sign else None,
        "paper_partner_id": paper.id if paper else None,
        "signatory_partner_id": own.id if names else None,
    }


@bp.app_template_filter("basis_label")
def basis_label(code: str, catalogue_name: str) -> str:
    """'UK GDPR Art. 6(1)(e) (Public task)' for a lawful-basis code."""
    entry = getattr(law_catalogue, catalogue_name).get(code)
    if entry is None:
        return code
    locale = current_locale()
    return f"{entry.citation_for(locale)} ({entry.label(locale)})"


def _load(protocol_id: int, number: int | None = None) -> ProtocolVersion:
    return services.load_version(protocol_id, number, current_user)


def _version_url(version: ProtocolVersion, **kwargs) -> str:
    return url_for(
        "protocols.version", protocol_id=version.protocol_id, number=version.number, **kwargs
    )


def _section_url(version: ProtocolVersion, code: str, anchor: str | None = None) -> str:
    url = url_for(
        "protocols.section", protocol_id=version.protocol_id, number=version.number, code=code
    )
    return f"{url}#{anchor}" if anchor else url


def _refused(form, error: DomainError) -> int:
    """Put a service's refusal onto the form; the status to re-render with (409 or 422)."""
    if isinstance(error, workflow.QaChecksFailed):
        form.form_errors.extend(check.message for check in error.checks)
        return 422
    if error.status_code not in (409, 422):
        raise error
    apply_errors(form, error)
    return error.status_code


def _int(value) -> int | None:
    return whole_number(value, least=DB_INT_MIN)


# ---------------------------------------------------------------- list and start


@bp.get("/agreements")
@login_required
def index():
    form = FilterForm(request.args)
    latest = (
        sa.select(ProtocolVersion.protocol_id, sa.func.max(ProtocolVersion.number).label("number"))
        .group_by(ProtocolVersion.protocol_id)
        .subquery()
    )
    stmt = (
        sa.select(Protocol)
        .join(latest, latest.c.protocol_id == Protocol.id)
        .join(
            ProtocolVersion,
            sa.and_(
                ProtocolVersion.protocol_id == Protocol.id,
                ProtocolVersion.number == latest.c.number,
            ),
        )
        .where(visible_protocols_filter(current_user))
        .options(selectinload(Protocol.versions))
        .order_by(Protocol.updated_at.desc(), Protocol.id.desc())
    )
    kind = form.kind.data if form.kind.data in {k.value for k in ProtocolKind} else None
    state = form.state.data if form.state.data in {s.value for s in VersionState} else None
    if kind:
        stmt = stmt.where(Protocol.kind == kind)
    if state:
        stmt = stmt.where(ProtocolVersion.state == state)
    page = paginate(stmt)
    filters = {k: v for k, v in (("kind", kind), ("state", state)) if v}
    return render_template(
        "protocols/index.html",
        page=page,
        filter_form=form,
        filters=filters,
        pagination=page.govuk_pagination("protocols.index", **filters),
        can_start=can_start_protocol(current_user),
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def start():
    if not can_start_protocol(current_user):
        abort(403)
    form = StartProtocolForm()
    if form.validate_on_submit():
        try:
            protocol = services.create_protocol(
                kind=form.kind.data,
                title=form.title.data,
                lead_organisation=current_user.organisation,
                partners=[],
                by=current_user,
            )
        except DomainError as error:
            return render_template("protocols/start.html", form=form), _refused(form, error)
        flash(
            _("%(ref)s started. Work through the sections below.", ref=protocol.reference),
            "success",
        )
        return redirect(_version_url(protocol.versions[0]))
    status = 422 if request.method == "POST" else 200
    return render_template("protocols/start.html", form=form), status


@bp.get("/agreements/<int:protocol_id>")
@login_required
def protocol(protocol_id: int):
    return redirect(_version_url(_load(protocol_id)))


# ---------------------------------------------------------------- task list


def _task_list_context(version: ProtocolVersion, submit_form=None, failures_shown=None) -> dict:
    template = template_for(version.protocol)
    # The checklist is shown while the version can still go to (or is at) quality assurance;
    # for a version in force it is not built (each data item of a large agreement has checks).
    checks = qa_checklist(version, template) if version.state in CHECKLIST_STATES else []
    actions = {action: can(current_user, action, version) for action in Action}
    protocol = version.protocol
    if actions[Action.NEW_VERSION] and services.open_version(protocol) is not None:
        actions[Action.NEW_VERSION] = False
    latest_review = version.qa_reviews[-1] if version.qa_reviews else None
    form = submit_form or SubmitForQaForm(etag=version.etag, qa_group=_default_group(version))
    form.qa_group.choices = _qa_group_choices()
    return {
        "version": version,
        "protocol": protocol,
        "template": template,
        "sections": [(s, section_status(version, s)) for s in template.sections],
        "checks": checks,
        "failing": failures(checks),
        "actions": actions,
        "submit_form": form,
        "latest_review": latest_review,
        "failures_shown": [
            {"text": c.message, "href": _section_url(version, c.section, c.anchor)}
            for c in failures_shown or []
        ],
        "section_url": _section_url,
        "open_version": services.open_version(protocol),
        "withdraw_allowed": can(current_user, Action.WITHDRAW, services.latest_version(protocol)),
        "has_export": EXPORT_ENDPOINT in current_app.view_functions,
    }


CHECKLIST_STATES = (VersionState.DRAFT, VersionState.RETURNED, VersionState.SUBMITTED)


def _qa_group_choices() -> list[tuple[str, str]]:
    locale = current_locale()
    return [("", _("Choose a QA group"))] + [
        (g.code, g.display_name(locale)) for g in list_groups(active_only=True)
    ]


def _default_group(version: ProtocolVersion) -> str:
    """The group it was last submitted to (this version's, else its predecessor's)."""
    for candidate in (version, version.based_on):
        if candidate is not None and candidate.assigned_qa_group is not None:
            return candidate.assigned_qa_group.code
    return ""


@bp.get(VERSION_URL)
@login_required
def version(protocol_id: int, number: int):
    version = _load(protocol_id, number)
    return render_template("protocols/version.html", **_task_list_context(version))


@bp.post(VERSION_URL + "/submit")
@login_required
def submit(protocol_id: int, number: int):
    version = _load(protocol_id, number)
    form = SubmitForQaForm()
    form.qa_group.choices = _qa_group_choices()
    try:
        workflow.submit_for_qa(
            version, by=current_user, expected_etag=form.etag.data, qa_group=form.qa_group.data
        )
    except workflow.QaChecksFailed as error:
        form.qa_group.errors = list(error.errors.get("qa_group", []))
        context = _task_list_context(version, form, failures_shown=error.checks)
        context["failures_shown"] += [
            {"text": message, "href": "#qa_group"} for message in form.qa_group.errors
        ]
        return render_template("protocols/version.html", **context), 422
    except DomainError as error:
        status = _refused(form, error)
        context = _task_list_context(version, form)
        return render_template("protocols/version.html", form=form, **context), status
    flash(
        _(
            "%(ref)s %(v)s has been submitted to %(group)s for quality assurance.",
            ref=version.protocol.reference,
            v=version.label,
            group=version.qa_group_name(current_locale()),
        ),
        "success",
    )
    return redirect(_version_url(version))


# ---------------------------------------------------------------- sections


def _section_or_404(version: ProtocolVersion, code: str):
    template = template_for(version.protocol)
    section = template.section(code)
    if section is None or version.section(code) is None:
        raise NotFound(_("There is no section '%(code)s' in this agreement.", code=code))
    return template, section


def _fill_section_form(form, version, section) -> None:
    stored = version.section(section.code)
    content = stored.content or {}
    form.row_version.data = stored.row_version
    for f in section.fields:
        if not hasattr(form, f.code):
            continue
        value = content.get(f.code)
        target = getattr(form, f.code)
        if f.type == "list":
            target.data = "\n".join(value or [])
        elif f.type == "glossary":
            rows = list(value or []) + [{"term": "", "definition": ""}] * 3
            while len(target.entries):
                target.pop_entry()
            for row in rows:
                target.append_entry(row)
        elif f.type == "review_date":
            target.data = version.review_date
        elif value is None and f.suggested:
            target.data = f.suggested.get(current_locale())
        else:
            target.data = value
    form.is_complete.data = "yes" if stored.is_complete else None


def _section_data(form, section) -> dict:
    data = {}
    for f in section.fields:
        if not hasattr(form, f.code):
            continue
        target = getattr(form, f.code)
        if f.type == "glossary":
            data[f.code] = [
                {"term": e.form.term.data or "", "definition": e.form.definition.data or ""}
                for e in target.entries
            ]
        elif f.type == "catalogue":
            data[f.code] = list(target.data or [])
        else:
            data[f.code] = target.data
    return data


# The section page is one form: its secondary buttons (add, change or remove a partner, data
# item or row) are named submit buttons, so what was typed is saved as a draft before they act.
SECTION_ACTIONS = {
    "add_partner",
    "add_data_item",
    "add_flow",
    "change_partner",
    "change_data_item",
    "change_flow",
    "remove_partner",
    "remove_data_item",
    "remove_flow",
}
# The page each "Change" and "Remove" button goes on to, and the id it names.
RECORD_PAGES = {
    "change_partner": ("protocols.edit_partner", "partner_id"),
    "change_data_item": ("protocols.data_item", "item_id"),
    "change_flow": ("protocols.flow", "flow_id"),
    "remove_partner": ("protocols.remove_partner", "partner_id"),
    "remove_data_item": ("protocols.remove_data_item", "item_id"),
    "remove_flow": ("protocols.remove_flow", "flow_id"),
}


def _section_action() -> tuple[str, int | None]:
    """The button pressed: ("save", None), ("add_partner", None), ("change_flow", 12)..."""
    name, _sep, record_id = request.form.get("action", "save").partition(":")
    if name not in SECTION_ACTIONS:
        return "save", None
    return name, _int(record_id)


@bp.route(VERSION_URL + "/sections/<code>", methods=["GET", "POST"])
@login_required
def section(protocol_id: int, number: int, code: str):
    version = _load(protocol_id, number)
    template, section = _section_or_404(version, code)
    editable = can(current_user, Action.EDIT, version)
    form = section_form_class(section, current_locale())()
    if request.method == "GET":
        _fill_section_form(form, version, section)
        return _render_section(version, template, section, form, editable)
    require(current_user, Action.EDIT, version)
    action, record_id = _section_action()
    if not form.validate():
        return _render_section(version, template, section, form, editable), 422
    data = _section_data(form, section)
    title = section.title(current_locale())
    try:
        row_version = _int(form.row_version.data)
        if action == "save" or data:
            row_version = services.save_section(
                version,
                code,
                data,
                by=current_user,
                expected_row_version=row_version,
                mark_complete={"yes": True, "no": False}.get(form.is_complete.data)
                if action == "save"
                else None,
            ).row_version
        if action == "save":
            flash(_("%(title)s saved.", title=title), "success")
            return redirect(_version_url(version))
        if data:
            flash(_("Your changes to %(title)s have been saved as a draft.", title=title), "info")
        return _section_secondary_action(version, form, action, record_id, row_version)
    except DomainError as error:
        status = _refused(form, error)
    return _render_section(version, template, section, form, editable), status


def _section_secondary_action(version, form, action, record_id, row_version):
    """After the draft is saved: add a partner here, or go to the page that does the rest."""
    url = {"protocol_id": version.protocol_id, "number": version.number}
    if action == "add_partner":
        require(current_user, Action.MANAGE_PARTNERS, version)
        if not form.new_partner.data:
            raise InvalidInput(_("Choose the organisation to add"), field="new_partner")
        try:
            partner = services.add_partner(
                version, form.new_partner.data, by=current_user, expected_row_version=row_version
            )
        except InvalidInput as error:
            raise InvalidInput(errors={"new_partner": error.message}) from None
        org = partner.organisation.display_name(current_locale())
        flash(_("%(org)s added. Now give its point of contact and signatory.", org=org), "success")
        return redirect(url_for("protocols.edit_partner", partner_id=partner.id, **url))
    if action in ("add_data_item", "add_flow"):
        return redirect(url_for(f"protocols.{action.removeprefix('add_')}", **url))
    endpoint, key = RECORD_PAGES[action]
    return redirect(url_for(endpoint, **{key: record_id or 0}, **url))


def _render_section(version, template, section, form, editable, **extra):
    stored = version.section(section.code)
    manage = can(current_user, Action.MANAGE_PARTNERS, version)
    if "partners" in section.table_types:
        form.new_partner.choices = _organisation_choices(version) if manage else []
        form.new_partner.label.text = version.protocol.kind.words.say("add_label")
    comments = [
        (review, review.section_comments.get(section.code))
        for review in version.qa_reviews
        if review.section_comments.get(section.code)
    ]
    locale = current_locale()
    # Partners, data items, flows and signatures are drawn from the records by the template:
    # only the other fields are written out as lines.
    view = section_as_data(version, section, locale, skip_tables=True)
    return render_template(
        "protocols/section.html",
        version=version,
        protocol=version.protocol,
        template=template,
        section=section,
        section_view=view,
        form=form if editable else None,
        editable=editable,
        manage_partners=manage,
        row_version=stored.row_version,
        status=section_status(version, section),
        qa_comments=comments,
        locale=locale,
        section_url=_section_url,
        can_start_version=can(current_user, Action.NEW_VERSION, version)
        and services.open_version(version.protocol) is None,
        **_signing_partner_ids(version),
        **extra,
    )


def _organisation_choices(version: ProtocolVersion) -> list[tuple[str, str]]:
    taken = {p.organisation_id for p in version.partners}
    locale = current_locale()
    rows = db.session.scalars(
        sa.select(Organisation)
        .where(Organisation.is_active.is_(True), Organisation.code != SERVICE_ORG_CODE)
        .order_by(*Organisation.name_order(current_locale()))
    )
    return [("", _("Choose an organisation"))] + [
        (o.code, o.display_name(locale)) for o in rows if o.id not in taken
    ]


# ---------------------------------------------------------------- partners


def _partner_or_404(version: ProtocolVersion, partner_id: int):
    partner = next((p for p in version.partners if p.id == partner_id), None)
    if partner is None:
        raise NotFound(_("That partner is not part of this version."))
    return partner


def _partners_code(version) -> str:
    return template_for(version.protocol).section_with("partners").code


def _signatory_choices(partner) -> list[tuple[str, str]]:
    people = services.signatory_candidates(partner)
    if partner.signatory_user is not None and partner.signatory_user not in people:
        people.append(partner.signatory_user)  # deactivated since: shown, refused if kept
    return [("", _("No account: a named officer who signs on paper"))] + [
        (str(u.id), f"{u.name}, {u.job_title}" if u.job_title else u.name) for u in people
    ]


@bp.route(VERSION_URL + "/partners/<int:partner_id>", methods=["GET", "POST"])
@login_required
def edit_partner(protocol_id: int, number: int, partner_id: int):
    version = _load(protocol_id, number)
    partner = _partner_or_404(version, partner_id)
    # A partner's own IG leads name its signatory even without edit rights (the rest: authors).
    signatory_only = not can(current_user, Action.EDIT, version) and names_signatory(
        current_user, partner
    )
    if not signatory_only:
        require(current_user, Action.EDIT, version)
    manage = can(current_user, Action.MANAGE_PARTNERS, version)
    is_lead = partner.organisation_id == version.protocol.lead_organisation_id
    form = PartnerForm(obj=partner if request.method == "GET" else None)
    form.role.choices = [
        (r.value, PARTNER_ROLE_LABELS[r]) for r in ROLES_BY_KIND[version.protocol.kind]
    ]
    form.signatory_user_id.choices = _signatory_choices(partner)
    form.submit.label.text = version.protocol.kind.words.say("save_button")
    show_role = manage and not KIND_RULES[version.protocol.kind].fixed_lead
    show_can_edit = manage and not is_lead
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.row_version.data = version.section(_partners_code(version)).row_version
        form.role.data = partner.role.value
        form.signatory_user_id.data = str(partner.signatory_user_id or "")
        if partner.signs_from_account:
            form.signatory_name.data = ""
    elif form.validate():
        provided = {"signatory_user_id", "signatory_name", "signatory_role"}
        if not signatory_only:
            provided |= {"departments", "contact_name", "contact_email"}
        provided |= {"role"} if show_role else set()
        provided |= {"can_edit"} if show_can_edit else set()
        details = services.PartnerDetails(
            departments=form.departments.data,
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
            signatory_user_id=_int(form.signatory_user_id.data)
            if form.signatory_user_id.data
            else None,
            signatory_name=form.signatory_name.data,
            signatory_role=form.signatory_role.data,
            can_edit=form.can_edit.data,
            role=form.role.data,
            provided=provided,
        )
        try:
            services.update_partner(
                partner, details, by=current_user, expected_row_version=_int(form.row_version.data)
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(
                _("%(org)s saved.", org=partner.organisation.display_name(current_locale())),
                "success",
            )
            return redirect(_section_url(version, _partners_code(version), f"partner-{partner.id}"))
    return render_template(
        "protocols/partner.html",
        version=version,
        protocol=version.protocol,
        partner=partner,
        form=form,
        show_role=show_role,
        show_can_edit=show_can_edit,
        signatory_only=signatory_only,
        back=_section_url(version, _partners_code(version)),
    ), status


@bp.route(VERSION_URL + "/partners/<int:partner_id>/remove", methods=["GET", "POST"])
@login_required
def remove_partner(protocol_id: int, number: int, partner_id: int):
    version = _load(protocol_id, number)
    require(current_user, Action.MANAGE_PARTNERS, version)
    partner = _partner_or_404(version, partner_id)
    name = partner.organisation.display_name(current_locale())
    return _remove(
        version,
        _partners_code(version),
        name,
        lambda rv: services.remove_partner(partner, by=current_user, expected_row_version=rv),
        _("%(org)s removed.", org=name),
    )


def _remove(version, section_code, what, action, done_message):
    """Ask "Are you sure?" (GET); remove on the confirmation page's button (POST)."""
    form = RemoveForm()
    status = 200
    if request.method == "GET":
        form.row_version.data = version.section(section_code).row_version
    else:
        try:
            action(_int(form.row_version.data))
        except DomainError as error:
            if error.status_code == 422:
                flash(error.message, "error")
                return redirect(_section_url(version, section_code))
            status = _refused(form, error)
        else:
            flash(done_message, "success")
            return redirect(_section_url(version, section_code))
    return render_template(
        "protocols/confirm_remove.html",
        version=version,
        protocol=version.protocol,
        form=form,
        what=what,
        back=_section_url(version, section_code),
    ), status


# ---------------------------------------------------------------- data items


def _partner_choices(version, roles=None, blank=True):
    locale = current_locale()
    partners = [p for p in version.partners if roles is None or p.role in roles]
    choices = [(str(p.id), p.organisation.display_name(locale)) for p in partners]
    blank_choice = [("", version.protocol.kind.words.say("choose_one"))] if blank else []
    return blank_choice + choices


def _data_item_form(version, item=None):
    form = DataItemForm()
    form.set_law_choices(current_locale())
    dda = KIND_RULES[version.protocol.kind].one_way
    form.source_partner_id.choices = _partner_choices(
        version, {PartnerRole.DISCLOSER} if dda else None
    )
    form.recipient_partner_ids.choices = _partner_choices(
        version, {PartnerRole.RECIPIENT} if dda else None, blank=False
    )
    words = version.protocol.kind.words
    form.source_partner_id.label.text = words.say("which_provides")
    form.recipient_partner_ids.label.text = words.say("which_receive")
    if request.method == "GET":
        form.row_version.data = version.section(_data_code(version)).row_version
        if item is not None:
            form.category.data = item.category
            form.description.data = item.description
            form.is_special_category.data = item.is_special_category
            form.source_partner_id.data = str(item.source_partner_id or "")
            form.recipient_partner_ids.data = [str(p.id) for p in item.recipients]
            form.article6.data = item.basis_codes("article6")
            form.article9.data = item.basis_codes("article9")
            form.schedule1.data = item.basis_codes("schedule1")
            form.policy_document_ref.data = item.policy_document_ref
            form.other_basis.data = item.other_basis
            form.para18_reason.data = item.para18_reason or ""
            form.is_criminal_offence.data = item.is_criminal_offence
            form.criminal_offence_condition.data = item.criminal_offence_condition or ""
    return form


def _data_code(version) -> str:
    return template_for(version.protocol).section_with("data_items").code


def _data_item_input(form) -> services.DataItemInput:
    return services.DataItemInput(
        category=form.category.data or "",
        description=form.description.data,
        is_special_category=bool(form.is_special_category.data),
        source_partner_id=_int(form.source_partner_id.data),
        recipient_partner_ids=[
            i for i in (_int(v) for v in form.recipient_partner_ids.data or []) if i
        ],
        article6=list(form.article6.data or []),
        article9=list(form.article9.data or []),
        schedule1=list(form.schedule1.data or []),
        policy_document_ref=form.policy_document_ref.data,
        other_basis=form.other_basis.data,
        para18_reason=form.para18_reason.data or None,
        is_criminal_offence=bool(form.is_criminal_offence.data),
        criminal_offence_condition=form.criminal_offence_condition.data or None,
    )


@bp.route(VERSION_URL + "/data-items/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route(VERSION_URL + "/data-items/<int:item_id>", methods=["GET", "POST"])
@login_required
def data_item(protocol_id: int, number: int, item_id: int | None):
    version = _load(protocol_id, number)
    require(current_user, Action.EDIT, version)
    item = None
    if item_id is not None:
        item = next((i for i in version.data_items if i.id == item_id), None)
        if item is None:
            raise NotFound(_("That data item is not part of this version."))
    form = _data_item_form(version, item)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.validate():
        try:
            data = _data_item_input(form)
            rv = _int(form.row_version.data)
            if item is None:
                item = services.add_data_item(
                    version, data, by=current_user, expected_row_version=rv
                )
            else:
                services.update_data_item(item, data, by=current_user, expected_row_version=rv)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("Data item saved."), "success")
            return redirect(_section_url(version, _data_code(version), f"data-item-{item.id}"))
    return render_template(
        "protocols/data_item.html",
        version=version,
        protocol=version.protocol,
        form=form,
        item=item,
        back=_section_url(version, _data_code(version)),
    ), status


@bp.route(VERSION_URL + "/data-items/<int:item_id>/remove", methods=["GET", "POST"])
@login_required
def remove_data_item(protocol_id: int, number: int, item_id: int):
    version = _load(protocol_id, number)
    require(current_user, Action.EDIT, version)
    item = next((i for i in version.data_items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("That data item is not part of this version."))
    return _remove(
        version,
        _data_code(version),
        _("the data item ‘%(category)s’", category=item.category),
        lambda rv: services.remove_data_item(item, by=current_user, expected_row_version=rv),
        _("Data item removed."),
    )


# ---------------------------------------------------------------- Appendix B flows


def _flows_code(version) -> str:
    return template_for(version.protocol).section_with("flows").code


@bp.route(VERSION_URL + "/flows/new", methods=["GET", "POST"], defaults={"flow_id": None})
@bp.route(VERSION_URL + "/flows/<int:flow_id>", methods=["GET", "POST"])
@login_required
def flow(protocol_id: int, number: int, flow_id: int | None):
    version = _load(protocol_id, number)
    require(current_user, Action.EDIT, version)
    flow = None
    if flow_id is not None:
        flow = next((f for f in version.flows if f.id == flow_id), None)
        if flow is None:
            raise NotFound(_("That row is not part of this version."))
    form = FlowForm(obj=flow if request.method == "GET" else None)
    dda = KIND_RULES[version.protocol.kind].one_way
    form.from_partner_id.choices = _partner_choices(
        version, {PartnerRole.DISCLOSER} if dda else None
    )
    form.to_partner_id.choices = _partner_choices(version, {PartnerRole.RECIPIENT} if dda else None)
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.row_version.data = version.section(_flows_code(version)).row_version
        if flow is not None:
            form.from_partner_id.data = str(flow.from_partner_id or "")
            form.to_partner_id.data = str(flow.to_partner_id or "")
    elif form.validate():
        data = services.FlowInput(
            what=form.what.data or "",
            from_partner_id=_int(form.from_partner_id.data),
            to_partner_id=_int(form.to_partner_id.data),
            method=form.method.data,
            security=form.security.data,
            frequency=form.frequency.data,
            purpose=form.purpose.data,
        )
        try:
            rv = _int(form.row_version.data)
            if flow is None:
                flow = services.add_flow(version, data, by=current_user, expected_row_version=rv)
            else:
                services.update_flow(flow, data, by=current_user, expected_row_version=rv)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("Row saved."), "success")
            return redirect(_section_url(version, _flows_code(version), f"flow-{flow.id}"))
    return render_template(
        "protocols/flow.html",
        version=version,
        protocol=version.protocol,
        form=form,
        flow=flow,
        back=_section_url(version, _flows_code(version)),
    ), status


@bp.route(VERSION_URL + "/flows/<int:flow_id>/remove", methods=["GET", "POST"])
@login_required
def remove_flow(protocol_id: int, number: int, flow_id: int):
    version = _load(protocol_id, number)
    require(current_user, Action.EDIT, version)
    flow = next((f for f in version.flows if f.id == flow_id), None)
    if flow is None:
        raise NotFound(_("That row is not part of this version."))
    position = version.flows.index(flow) + 1
    return _remove(
        version,
        _flows_code(version),
        _("row %(n)s (‘%(what)s’)", n=position, what=flow.what),
        lambda rv: services.remove_flow(flow, by=current_user, expected_row_version=rv),
        _("Row removed."),
    )


# ---------------------------------------------------------------- QA, signing


@bp.route(VERSION_URL + "/qa", methods=["GET", "POST"])
@login_required
def qa(protocol_id: int, number: int):
    version = _load(protocol_id, number)
    require(current_user, Action.QA_DECIDE, version)
    template = template_for(version.protocol)
    form = QaDecisionForm()
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.etag.data = version.etag
    elif form.validate():
        section_comments = {
            s.code: request.form.get(f"section-{s.code}", "") for s in template.sections
        }
        try:
            if form.decision.data == "approve":
                workflow.approve_qa(
                    version,
                    by=current_user,
                    comments=form.comments.data,
                    expected_etag=form.etag.data,
                )
                message = version.protocol.kind.words.say(
                    "approved_flash", ref=version.protocol.reference, v=version.label
                )
            else:
                workflow.return_with_comments(
                    version,
                    comments=form.comments.data,
                    by=current_user,
                    section_comments=section_comments,
                    expected_etag=form.etag.data,
                )
                message = _(
                    "%(ref)s %(v)s has been returned to its authors with your comments.",
                    ref=version.protocol.reference,
                    v=version.label,
                )
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(message, "success")
            return redirect(_version_url(version))
    checks = qa_checklist(version, template)
    return render_template(
        "protocols/qa.html",
        version=version,
        protocol=version.protocol,
        template=template,
        form=form,
        checks=checks,
        failing=failures(checks),
        section_url=_section_url,
        sections=sections_as_data(version, template, current_locale()),
        section_comments=request.form if request.method == "POST" else {},
    ), status


def _already_signed(version: ProtocolVersion, partner) -> bool:
    if partner is not None and version.signature_for(partner) is not None:
        flash(
            _(
                "%(org)s has already signed this version.",
                org=partner.organisation.display_name(current_locale()),
            ),
            "info",
        )
        return True
    return False


def _signed_message(version: ProtocolVersion, partner) -> str:
    if version.state == VersionState.ACTIVE:
        return version.protocol.kind.words.say(
            "every_signed_flash", ref=version.protocol.reference, v=version.label
        )
    return _(
        "Signed on behalf of %(org)s.", org=partner.organisation.display_name(current_locale())
    )


@bp.route(VERSION_URL + "/sign", methods=["GET", "POST"])
@login_required
def sign(protocol_id: int, number: int):
    version = _load(protocol_id, number)
    partner = version.partner_for(current_user.organisation_id)
    if partner is not None and partner.signatory_user_id == current_user.id:
        if _already_signed(version, partner):
            return redirect(_version_url(version))
    require(current_user, Action.SIGN, version)
    form = SignForm()
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.etag.data = version.etag
    elif form.validate():
        try:
            workflow.sign_protocol(version, by=current_user, expected_etag=form.etag.data)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_signed_message(version, partner), "success")
            return redirect(_version_url(version))
    return render_template(
        "protocols/sign.html",
        version=version,
        protocol=version.protocol,
        partner=partner,
        form=form,
    ), status


@bp.route(VERSION_URL + "/sign-on-paper", methods=["GET", "POST"])
@login_required
def record_paper_signature(protocol_id: int, number: int):
    version = _load(protocol_id, number)
    partner = version.partner_for(current_user.organisation_id)
    if partner is not None and not partner.signs_from_account and _already_signed(version, partner):
        return redirect(_version_url(version))
    require(current_user, Action.RECORD_PAPER_SIGNATURE, version)
    form = PaperSignatureForm()
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.etag.data = version.etag
    else:
        valid = form.validate()
        if form.signed_on.errors and form.signed_on.raw_data and all(form.signed_on.raw_data):
            form.signed_on.errors = [_("The date signed must be a real date, like 27 11 2026")]
        upload = request.files.get("scan")
        content = upload.read(current_app.config["SIGNATURE_SCAN_MAX_BYTES"] + 1) if upload else b""
        if valid:
            try:
                workflow.record_paper_signature(
                    version,
                    by=current_user,
                    expected_etag=form.etag.data,
                    signed_on=form.signed_on.data,
                    scan=content,
                    filename=upload.filename if upload else None,
                )
            except DomainError as error:
                status = _refused(form, error)
            else:
                flash(_signed_message(version, partner), "success")
                return redirect(_version_url(version))
    return render_template(
        "protocols/sign_on_paper.html",
        version=version,
        protocol=version.protocol,
        partner=partner,
        form=form,
    ), status


@bp.get("/agreements/<int:protocol_id>/signatures/<int:signature_id>/scan")
@login_required
def signature_scan(protocol_id: int, signature_id: int):
    return scan_response(services.signature_with_scan(protocol_id, signature_id, current_user))


# ---------------------------------------------------------------- versions, compare, withdraw


@bp.get("/agreements/<int:protocol_id>/versions")
@login_required
def versions(protocol_id: int):
    version = _load(protocol_id)
    protocol = version.protocol
    return render_template(
        "protocols/versions.html",
        protocol=protocol,
        version=version,
        versions=list(reversed(protocol.versions)),
        can_start_version=can(current_user, Action.NEW_VERSION, version)
        and services.open_version(protocol) is None,
    )


@bp.get("/agreements/<int:protocol_id>/compare")
@login_required
def compare(protocol_id: int):
    protocol = services.get_protocol(protocol_id, current_user)
    numbers = [v.number for v in protocol.versions]
    form = CompareForm(request.args)
    choices = [(str(n), f"V{n}") for n in reversed(numbers)]
    form.old.choices = form.new.choices = choices
    new_number = _int(form.new.data) or services.current_version(protocol).number
    if new_number not in numbers:
        raise NotFound(_("There is no version %(n)s of this agreement.", n=new_number))
    old_number = _int(form.old.data) or (new_number - 1 if new_number > 1 else new_number)
    if old_number not in numbers:
        raise NotFound(_("There is no version %(n)s of this agreement.", n=old_number))
    form.old.data, form.new.data = str(old_number), str(new_number)
    old = _load(protocol_id, old_number)
    new = _load(protocol_id, new_number)
    comparison = compare_versions(old, new, current_locale())
    return render_template(
        "protocols/compare.html",
        protocol=protocol,
        old=old,
        new=new,
        comparison=comparison,
        form=form,
        changed=sum(1 for s in comparison if s.changed),
    )


@bp.route("/agreements/<int:protocol_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(protocol_id: int):
    version = _load(protocol_id)
    protocol = version.protocol
    require(current_user, Action.WITHDRAW, services.latest_version(protocol))
    form = WithdrawForm()
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.etag.data = services.latest_version(protocol).etag
    elif form.validate():
        try:
            workflow.withdraw_protocol(
                protocol, reason=form.reason.data, by=current_user, expected_etag=form.etag.data
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("%(ref)s has been withdrawn.", ref=protocol.reference), "success")
            return redirect(_version_url(services.latest_version(protocol)))
    return render_template(
        "protocols/withdraw.html", protocol=protocol, version=version, form=form
    ), status


@bp.route("/agreements/<int:protocol_id>/new-version", methods=["GET", "POST"])
@login_required
def new_version(protocol_id: int):
    version = _load(protocol_id)
    protocol = version.protocol
    form = NewVersionForm()
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        require(current_user, Action.NEW_VERSION, version)
        form.etag.data = version.etag
    elif form.validate():
        try:
            new = workflow.start_new_version(
                protocol,
                by=current_user,
                expected_etag=form.etag.data,
                change_summary=form.change_summary.data,
            )
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(
                _("%(v)s started as a draft, copied from %(old)s.", v=new.label, old=version.label),
                "success",
            )
            return redirect(_version_url(new))
    return render_template(
        "protocols/new_version.html", protocol=protocol, version=version, form=form
    ), status


# ---------------------------------------------------------------- importing a Word document


def _register_choices() -> list[tuple[str, str]]:
    """Every body on the register, by name: one query."""
    rows = db.session.execute(
        sa.select(Organisation.code, Organisation.name, Organisation.name_cy)
        .where(Organisation.is_active.is_(True), Organisation.code != SERVICE_ORG_CODE)
        .order_by(*Organisation.name_order(current_locale()))
    ).all()
    welsh = current_locale() == "cy"
    return [(code, (name_cy if welsh and name_cy else name)) for code, name, name_cy in rows]


@bp.route("/agreements/import", methods=["GET", "POST"])
@login_required
def import_upload():
    if not can_start_protocol(current_user):
        abort(403)
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(importing.MAX_UPLOAD + 1) if upload else b""
        try:
            pending = importing.start_import(
                data, upload.filename if upload else "", form.kind.data, by=current_user
            )
        except DomainError as error:
            status = _refused(form, error)
            return render_template("protocols/import_upload.html", form=form), status
        return redirect(url_for("protocols.import_review", import_id=pending.id))
    status = 422 if request.method == "POST" else 200
    return render_template("protocols/import_upload.html", form=form), status


@bp.route("/agreements/import/<int:import_id>", methods=["GET", "POST"])
@login_required
def import_review(import_id: int):
    if not can_start_protocol(current_user):
        abort(403)
    pending = importing.get_pending(import_id, current_user)
    result = pending.result
    partners = result.get("partners") or []
    choices = _register_choices()
    form = import_confirm_form_class(len(partners), choices)(
        data=None
        if request.method == "POST"
        else {
            "title": result.get("title"),
            **{f"partner_{i}": p.get("code") or "" for i, p in enumerate(partners)},
        }
    )
    if form.validate_on_submit():
        codes = [getattr(form, f"partner_{i}").data or None for i in range(len(partners))]
        try:
            protocol = importing.confirm_import(
                pending, title=form.title.data, partner_codes=codes, by=current_user
            )
        except DomainError as error:
            status = _refused(form, error)
            return _render_review(pending, form, choices), status
        flash(
            _("%(ref)s was created from %(file)s.", ref=protocol.reference, file=pending.filename),
            "success",
        )
        return redirect(_version_url(protocol.versions[0]))
    status = 422 if request.method == "POST" else 200
    return _render_review(pending, form, choices), status


def _render_review(pending, form, choices):
    template = registry().get(pending.template_code, pending.template_version)
    names = dict(choices)
    sections = [
        (section, (pending.result.get("sections") or {}).get(section.code) or {})
        for section in template.sections
    ]
    return render_template(
        "protocols/import_review.html",
        pending=pending,
        result=pending.result,
        template=template,
        sections=sections,
        form=form,
        names=names,
        review_date=date.fromisoformat(pending.result["review_date"])
        if pending.result.get("review_date")
        else None,
    )
