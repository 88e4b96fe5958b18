"""HTML pages of the organisations register: list, detail, add, edit and s.162(4)(b) agreements.

The register of statutory bodies is public; contact e-mail addresses are shown to signed-in
users only, and changes are for the people the access rules in models.py name.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..accounts import access
from ..csv_export import csv_response
from ..errors import DomainError
from ..extensions import login_manager
from ..i18n import current_locale
from ..i18n import gettext as _
from ..law import RELEVANT_PARTNER, S28, rules
from ..pagination import paginate
from . import services
from .forms import (
    ORGANISATION_FIELD_MAP,
    AgreementForm,
    EndAgreementForm,
    OrganisationForm,
    RegisterFilterForm,
    apply_errors,
)
from .models import Nation, OrgKind, can_edit_register, can_see_contacts

bp = Blueprint("parties", __name__)

FILTER_NAMES = ("q", "kind", "nation", "area", "s28_category", "waspi_accord", "status")


def register_editors_only(view):
    """Signed in (else the sign-in page) and allowed to edit the register (else 403)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not can_edit_register(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/organisations")
def register():
    locale = current_locale()
    councils = services.councils()
    form = RegisterFilterForm(formdata=request.args).setup(councils, locale)
    valid = form.validate()
    filters = _filters_from(form, councils)
    page = paginate(services.register_query(filters))
    kept = {
        name: getattr(form, name).data for name in FILTER_NAMES if not getattr(form, name).errors
    }
    kept = {
        name: value
        for name, value in kept.items()
        if value and not (name == "status" and value == "active")
    }
    return render_template(
        "parties/register.html",
        form=form,
        page=page,
        search=filters.q,
        filtered=bool(kept),
        pagination=page.govuk_pagination("parties.register", **kept),
        csv_url=url_for("parties.register_csv", **kept),
        can_add=can_edit_register(current_user),
        s28_citations={p.code: p.section_for(current_locale()) for p in S28},
    ), (200 if valid else 422)


@bp.get("/organisations.csv")
def register_csv():
    """The register as filtered, in the layout of the reference file (and of `flask
    organisations import`), so an export can be corrected and loaded again."""
    councils = services.councils()
    form = RegisterFilterForm(formdata=request.args).setup(councils, current_locale())
    form.validate()
    filters = _filters_from(form, councils)
    return csv_response(
        "organisations.csv",
        list(services.EXPORT_CSV_COLUMNS),
        services.register_csv_rows(filters),
    )


def _filters_from(form: RegisterFilterForm, councils) -> services.RegisterFilters:
    """The filters the user chose, leaving out any that are not valid (they get a message)."""

    def ok(field):
        return field.data if field.data and not field.errors else None

    by_code = {c.code: c for c in councils}
    return services.RegisterFilters(
        q=ok(form.q) or "",
        kind=OrgKind(ok(form.kind)) if ok(form.kind) else None,
        nation=Nation(ok(form.nation)) if ok(form.nation) else None,
        area=by_code.get(ok(form.area)),
        s28_category=ok(form.s28_category),
        waspi_accord=ok(form.waspi_accord),
        status=ok(form.status) or "active",
    )


@bp.get("/organisations/suggestions.json")
def suggestions():
    """The first active bodies whose name or code contains `q`: what a body field offers as
    someone types (the register is public, and so are these)."""
    locale = current_locale()
    found = services.suggest_bodies(request.args.get("q", "")[: services.MAX_SEARCH_LENGTH])
    response = jsonify([{"code": o.code, "name": o.display_name(locale)} for o in found])
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.route("/organisations/new", methods=["GET", "POST"])
@register_editors_only
def add():
    form = OrganisationForm().setup(services.councils(), current_locale())
    if form.validate_on_submit():
        try:
            org = services.create_organisation(form.service_fields(with_code=True), by=current_user)
        except DomainError as error:
            apply_errors(form, error, ORGANISATION_FIELD_MAP)
        else:
            flash(
                _(
                    "%(name)s has been added to the register.",
                    name=org.display_name(current_locale()),
                ),
                "success",
            )
            return redirect(url_for(".detail", code=org.code), 303)
    status = 422 if form.errors else 200
    return render_template("parties/organisation_form.html", form=form, org=None), status


@bp.get("/organisations/<code>")
def detail(code: str):
    return _detail_page(services.get_organisation(code))


def _detail_page(org, agreement_form: AgreementForm | None = None, status: int = 200):
    locale = current_locale()
    is_council = org.is_welsh_council
    if (
        is_council
        and agreement_form is None
        and org.is_active
        and org.can_record_agreement(current_user)
    ):
        agreement_form = AgreementForm().setup(org, services.councils(), locale)
    return render_template(
        "parties/detail.html",
        org=org,
        s28=S28.get(org.s28_category),
        relevant_partner=RELEVANT_PARTNER.get(org.relevant_partner_category),
        partner_limit=rules.relevant_partner_limit(org.relevant_partner_category, locale),
        partners=services.relevant_partners_of(org) if is_council else [],
        partner_of=[] if is_council else services.councils_partnered_by(org),
        agreements=services.agreements_of(org) if is_council else [],
        form=agreement_form,
        show_contacts=can_see_contacts(current_user),
        can_edit=can_edit_register(current_user),
        can_edit_own=access.can(current_user, access.Action.EDIT_DETAILS, org),
        can_run=access.can(current_user, access.Action.VIEW_USERS, org),
        accord_warnings=services.waspi_accord_warnings(org),
        is_council=is_council,
    ), status


@bp.route("/organisations/<code>/edit", methods=["GET", "POST"])
@register_editors_only
def edit(code: str):
    org = services.get_organisation(code)
    form = OrganisationForm().setup(services.councils(), current_locale())
    if request.method == "GET":
        form.load(org)
    elif form.validate_on_submit():
        try:
            services.update_organisation(org, form.service_fields(with_code=False), by=current_user)
        except DomainError as error:
            apply_errors(form, error, ORGANISATION_FIELD_MAP)
        else:
            flash(
                _(
                    "The details of %(name)s have been saved.",
                    name=org.display_name(current_locale()),
                ),
                "success",
            )
            return redirect(url_for(".detail", code=org.code), 303)
    status = 422 if form.errors else 200
    return render_template("parties/organisation_form.html", form=form, org=org), status


@bp.post("/organisations/<code>/agreements")
@login_required
def record_agreement(code: str):
    council = services.get_organisation(code)
    if not council.is_welsh_council:
        abort(404)
    if not council.can_record_agreement(current_user):
        abort(403)
    councils = services.councils()
    form = AgreementForm().setup(council, councils, current_locale())
    if form.validate_on_submit():
        other = next((c for c in councils if c.code == form.other_council.data), None)
        try:
            services.record_agreement(
                council, other, form.agreed_on.data, form.notes.data, by=current_user
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(
                _(
                    "The agreement with %(name)s has been recorded.",
                    name=other.display_name(current_locale()),
                ),
                "success",
            )
            return redirect(url_for(".detail", code=council.code, _anchor="agreements"), 303)
    return _detail_page(council, form, 422)


@bp.route("/organisations/<code>/agreements/<int:agreement_id>/end", methods=["GET", "POST"])
@login_required
def end_agreement(code: str, agreement_id: int):
    council = services.get_organisation(code)
    agreement = services.get_agreement(council, agreement_id)
    if not agreement.can_change(current_user):
        abort(403)
    form = EndAgreementForm()
    if request.method == "GET":
        form.ended_on.data = services.today()
    elif form.validate_on_submit():
        try:
            services.end_agreement(agreement, form.ended_on.data, by=current_user)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("The agreement has been ended."), "success")
            return redirect(url_for(".detail", code=council.code, _anchor="agreements"), 303)
    status = 422 if form.errors else 200
    other = agreement.other_side(council.id)
    return render_template(
        "parties/end_agreement.html", form=form, council=council, other=other, agreement=agreement
    ), status
