"""HTML pages: signing in through a provider, and the sign-in providers' pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..accounts import services as account_services
from ..accounts.auth import roles_required
from ..accounts.forms import SignInForm, apply_errors
from ..accounts.models import Role
from ..accounts.views import _start_session, ask_for_second_factor, safe_next
from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..pagination import paginate
from . import services
from .forms import AccountCreationForm, ProviderForm
from .models import SsoProvider

bp = Blueprint("sso", __name__)
PENDING_KEY = "sso_pending"


# ---------------------------------------------------------------- signing in


def _callback_url(provider: SsoProvider) -> str:
    return url_for("sso.callback", provider_id=provider.id, _external=True)


def _sign_in_page(provider: SsoProvider, message: str, status: int):
    return (
        render_template(
            "accounts/sign_in.html",
            form=SignInForm(formdata=None),
            next_url=None,
            sso_error=message,
            sso_error_provider=provider,
        ),
        status,
    )


@bp.get("/sign-in/with/<int:provider_id>")
def start(provider_id: int):
    """A link, not a form: the page's Content-Security-Policy lets forms post only to this
    site, and a sign-in begun elsewhere is harmless (its state lives in that browser only)."""
    provider = services.enabled_provider(provider_id)
    if provider is None:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    try:
        url, pending = services.begin_sign_in(provider, _callback_url(provider))
    except services.SsoRefused as error:
        return _sign_in_page(provider, error.message, 503)
    pending["next"] = safe_next(request.args.get("next"))
    session[PENDING_KEY] = services.remember_pending(session.get(PENDING_KEY), pending)
    return redirect(url)


@bp.get("/sign-in/with/<int:provider_id>/callback")
def callback(provider_id: int):
    provider = services.enabled_provider(provider_id)
    if provider is None:
        abort(404)
    pending, rest = services.take_pending(
        session.get(PENDING_KEY), request.args.get("state"), provider
    )
    session[PENDING_KEY] = rest  # a state is good for one answer only
    try:
        user = services.complete_sign_in(
            provider, pending, request.args.to_dict(), _callback_url(provider)
        )
    except services.SsoRefused as error:
        # Whatever the attempt began is undone; only the refusal is recorded.
        db.session.rollback()
        services.record_refusal(provider, error)
        db.session.commit()
        # To a page of its own, so that reloading it or switching language does not answer
        # the provider a second time.
        return redirect(url_for("sso.refused", provider_id=provider.id, reason=error.reason))
    next_url = (pending or {}).get("next")
    if user.has_two_factor:  # the provider's sign-in stands for the password, not the code
        return ask_for_second_factor(user, next_url)
    _start_session(user)
    if user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return redirect(next_url or url_for("site.home"))


@bp.get("/sign-in/with/<int:provider_id>/not-signed-in")
def refused(provider_id: int):
    """The sign-in page, saying why a sign-in through this provider was refused."""
    provider = db.session.get(SsoProvider, provider_id)
    message = services.refusal_message(request.args.get("reason", ""))
    if provider is None or message is None:
        abort(404)
    status = 503 if request.args.get("reason") == "provider_unavailable" else 403
    return _sign_in_page(provider, message, status)


# ---------------------------------------------------------------- providers


def _provider_or_404(provider_id: int) -> SsoProvider:
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or not services.can_view_provider(current_user, provider):
        abort(404)
    return provider


@bp.get("/sign-in-providers")
@login_required
def providers():
    if not (current_user.is_admin or current_user.role == Role.IG_LEAD):
        abort(403)
    page = paginate(services.providers_for(current_user))
    return render_template(
        "sso/providers.html",
        page=page,
        pagination=page.govuk_pagination("sso.providers"),
    )


def _provider_form(provider: SsoProvider | None = None) -> ProviderForm:
    organisations = account_services.organisation_choices()
    if provider is None or request.method == "POST":
        return ProviderForm(organisations=organisations)
    return ProviderForm(
        organisations=organisations,
        data={
            "name": provider.name,
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "organisation": provider.organisation.code,
            "domains": "\n".join(d.domain for d in provider.domains),
        },
    )


def _form_values(form: ProviderForm) -> dict:
    return {
        "name": form.name.data,
        "issuer": form.issuer.data,
        "client_id": form.client_id.data,
        "client_secret": form.client_secret.data,
        "organisation": form.organisation.data,
        "domains": form.domains.data,
    }


@bp.route("/sign-in-providers/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_provider():
    form = _provider_form()
    if form.validate_on_submit():
        try:
            provider = services.create_provider(**_form_values(form), by=current_user)
        except DomainError as error:
            apply_errors(form, error, default="name")
        else:
            flash(_("Sign-in provider %(name)s has been added.", name=provider.name), "success")
            return redirect(url_for("sso.provider", provider_id=provider.id))
    status = 422 if form.is_submitted() else 200
    return render_template("sso/provider_form.html", form=form, provider=None), status


@bp.route("/sign-in-providers/<int:provider_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_provider(provider_id: int):
    provider = _provider_or_404(provider_id)
    form = _provider_form(provider)
    if form.validate_on_submit():
        try:
            services.update_provider(provider, **_form_values(form), by=current_user)
        except DomainError as error:
            apply_errors(form, error, default="name")
        else:
            flash(_("Sign-in provider %(name)s has been saved.", name=provider.name), "success")
            return redirect(url_for("sso.provider", provider_id=provider.id))
    status = 422 if form.is_submitted() else 200
    return render_template("sso/provider_form.html", form=form, provider=provider), status


def _render_provider(provider: SsoProvider, form: AccountCreationForm | None = None, status=200):
    form = form or AccountCreationForm(
        provider=provider,
        data={"creates_accounts": [d.id for d in provider.domains if d.creates_accounts]},
    )
    return (
        render_template(
            "sso/provider.html",
            provider=provider,
            creation_form=form,
            form=form if form.errors else None,
            callback_url=_callback_url(provider),
            can_set_creation=services.can_set_account_creation(current_user, provider),
        ),
        status,
    )


@bp.get("/sign-in-providers/<int:provider_id>")
@login_required
def provider(provider_id: int):
    return _render_provider(_provider_or_404(provider_id))


@bp.post("/sign-in-providers/<int:provider_id>/account-creation")
@login_required
def set_account_creation(provider_id: int):
    provider = _provider_or_404(provider_id)
    form = AccountCreationForm(provider=provider)
    if form.validate_on_submit():
        try:
            services.set_account_creation(
                provider, set(form.creates_accounts.data or []), by=current_user
            )
        except DomainError as error:
            if error.status_code == 404:
                abort(404)
            apply_errors(form, error, default="creates_accounts")
        else:
            flash(_("Account creation on first sign-in has been saved."), "success")
            return redirect(url_for("sso.provider", provider_id=provider.id))
    return _render_provider(provider, form, 422)


@bp.post("/sign-in-providers/<int:provider_id>/disable")
@roles_required(Role.ADMIN)
def disable_provider(provider_id: int):
    provider = _provider_or_404(provider_id)
    services.set_provider_enabled(provider, False, by=current_user)
    flash(
        _(
            "%(name)s is disabled. Nobody can sign in with it until it is enabled.",
            name=provider.name,
        ),
        "success",
    )
    return redirect(url_for("sso.provider", provider_id=provider.id))


@bp.post("/sign-in-providers/<int:provider_id>/enable")
@roles_required(Role.ADMIN)
def enable_provider(provider_id: int):
    provider = _provider_or_404(provider_id)
    services.set_provider_enabled(provider, True, by=current_user)
    flash(_("%(name)s is enabled. The sign-in page offers it.", name=provider.name), "success")
    return redirect(url_for("sso.provider", provider_id=provider.id))


@bp.app_context_processor
def _sign_in_providers():
    """The sign-in page asks for the providers it offers (one query, only there)."""
    return {"sso_sign_in_providers": services.enabled_providers}
