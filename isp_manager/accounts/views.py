"""HTML pages: signing in and out, the user's own account, and the administrators' user pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db
from ..pagination import paginate
from . import invitations, services
from .auth import roles_required
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ChangeRoleForm,
    CreateUserForm,
    JobTitleForm,
    SignInForm,
    TokenForm,
    UserFilterForm,
    apply_errors,
)
from .models import Role, User

bp = Blueprint("accounts", __name__)

# Pages a user who must change their password may still open.
OPEN_WHILE_PASSWORD_MUST_CHANGE = {
    "accounts.accept_invitation",
    "accounts.change_password",
    "accounts.logout",
    "static",
    "site.health",
    "site.accessibility",
    "site.privacy",
    "site.cookies",
}


@bp.before_app_request
def _require_password_change():
    if request.path.startswith("/api/") or request.endpoint in OPEN_WHILE_PASSWORD_MUST_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _start_session(user: User) -> None:
    """A fresh session for this user (nothing carried over from before sign-in but the language)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    services.start_user_session(user)
    login_user(user, remember=False)
    session.permanent = True


# ---------------------------------------------------------------- signing in and out


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("site.home"))
    form = SignInForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("accounts/sign_in.html", form=form, next_url=next_url), status
    try:
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
    except services.SignInThrottled as error:
        apply_errors(form, error, default="email")
        return render_template("accounts/sign_in.html", form=form, next_url=next_url), 429
    except services.SignInRefused as error:
        # The failed attempt must be counted although this response rolls back.
        db.session.commit()
        apply_errors(form, error, default="email")
        return render_template("accounts/sign_in.html", form=form, next_url=next_url), 422
    _start_session(user)
    if user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return redirect(next_url or url_for("site.home"))


@bp.post("/sign-out")
def logout():
    if current_user.is_authenticated:
        services.record_sign_out(current_user._get_current_object(), session.get("_user_id"))
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


# ---------------------------------------------------------------- invitations


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link in an invitation: the person sets their password and is signed in. A link
    used before, expired or cancelled is refused, with an audit event and nothing else
    changed (the event is committed on its own, as a failed sign-in is counted)."""
    try:
        invitation = invitations.check_invitation(token)
    except invitations.InvitationRefused as error:
        db.session.commit()
        return (
            render_template("accounts/invitation_refused.html", message=error.message),
            error.status_code,
        )
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data)
        except invitations.InvitationRefused as error:
            db.session.commit()
            return (
                render_template("accounts/invitation_refused.html", message=error.message),
                error.status_code,
            )
        except DomainError as error:
            apply_errors(form, error, default="password")
        else:
            _start_session(user)
            flash(
                _(
                    "Welcome, %(name)s. Your account is ready. Next time, sign in with "
                    "%(email)s and the password you chose.",
                    name=user.name,
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("site.home"), 303)
    status = 422 if form.is_submitted() else 200
    return (
        render_template("accounts/accept_invitation.html", form=form, invitation=invitation),
        status,
    )


# ---------------------------------------------------------------- my account


def _render_account(
    token_form: TokenForm | None = None,
    status: int = 200,
    job_title_form: JobTitleForm | None = None,
):
    user = current_user._get_current_object()
    if job_title_form is None:
        job_title_form = JobTitleForm(formdata=None, job_title=user.job_title)
    errors = next((f for f in (token_form, job_title_form) if f is not None and f.errors), None)
    return (
        render_template(
            "accounts/my_account.html",
            user=user,
            tokens=services.tokens_of(user),
            token_form=token_form or TokenForm(),
            job_title_form=job_title_form,
            form=errors,
        ),
        status,
    )


@bp.get("/account")
@login_required
def my_account():
    return _render_account()


@bp.post("/account/job-title")
@login_required
def change_job_title():
    form = JobTitleForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_job_title(user, form.job_title.data, by=user)
        except DomainError as error:
            apply_errors(form, error, default="job_title")
        else:
            flash(_("Your job title has been saved."), "success")
            return redirect(url_for("accounts.my_account"))
    return _render_account(status=422, job_title_form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_password(
                user, form.current_password.data, form.new_password.data, by=user
            )
        except DomainError as error:
            apply_errors(form, error, default="new_password")
        else:
            _start_session(user)  # other sessions ended with the change; this one carries on
            flash(
                _(
                    "Your password has been changed. Other devices you were signed in on are signed out."
                ),
                "success",
            )
            return redirect(url_for("site.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/change_password.html", form=form, user=user), status


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            token, raw = services.create_api_token(user, form.label.data, by=user)
        except DomainError as error:
            apply_errors(form, error, default="label")
        else:
            return render_template("accounts/token_created.html", token=token, raw_token=raw)
    return _render_account(form, 422)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = services.token_for(current_user, token_id)
    services.revoke_api_token(token, by=current_user._get_current_object())
    flash(
        _(
            "API token '%(label)s' (%(prefix)s…) has been revoked. It no longer works.",
            label=token.label,
            prefix=token.prefix,
        ),
        "success",
    )
    return redirect(url_for("accounts.my_account"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    user = current_user._get_current_object()
    services.sign_out_everywhere(user, by=user)
    _start_session(user)
    flash(_("You have been signed out on every other device."), "success")
    return redirect(url_for("accounts.my_account"))


# ---------------------------------------------------------------- administrators


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def admin_users():
    form = UserFilterForm(request.args, organisations=services.organisations_with_users())
    filters = {
        name: (request.args.get(name) or "").strip()[: services.SEARCH_MAX]
        for name in ("q", "organisation", "role", "status")
    }
    page = paginate(services.users_query(**filters))
    active_filters = {k: v for k, v in filters.items() if v}
    return render_template(
        "accounts/admin_users.html",
        filter_form=form,
        page=page,
        pagination=page.govuk_pagination("accounts.admin_users", **active_filters),
        filtered=bool(active_filters),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_create_user():
    form = CreateUserForm(organisations=services.organisation_choices())
    if form.validate_on_submit():
        try:
            user, password = services.create_user(
                form.email.data,
                form.name.data,
                form.organisation.data,
                form.role.data,
                by=current_user,
            )
        except DomainError as error:
            apply_errors(form, error, default="email")
        else:
            return render_template("accounts/admin_user_created.html", user=user, password=password)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/admin_create_user.html", form=form), status


def _render_admin_user(
    user: User,
    role_form: ChangeRoleForm | None = None,
    *,
    action_error: str | None = None,
    status: int = 200,
):
    role_form = role_form or ChangeRoleForm(data={"role": user.role.value})
    return (
        render_template(
            "accounts/admin_user.html",
            user=user,
            tokens=services.tokens_of(user),
            role_form=role_form,
            form=role_form if role_form.errors else None,
            action_error=action_error,
            is_self=user.id == current_user.id,
        ),
        status,
    )


@bp.get("/admin/users/<int:user_id>")
@roles_required(Role.ADMIN)
def admin_user(user_id: int):
    return _render_admin_user(_user_or_404(user_id))


@bp.post("/admin/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
def admin_change_role(user_id: int):
    user = _user_or_404(user_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        try:
            services.change_role(user, form.role.data, by=current_user)
        except DomainError as error:
            apply_errors(form, error, default="role")
        else:
            flash(_("%(name)s is now: %(role)s.", name=user.name, role=user.role.label), "success")
            return redirect(url_for("accounts.admin_user", user_id=user.id))
    return _render_admin_user(user, form, status=422)


def _admin_action(user_id: int, action, success_message):
    """Run a one-button action on a user; a refusal is shown on the user's page."""
    user = _user_or_404(user_id)
    try:
        action(user, by=current_user._get_current_object())
    except DomainError as error:
        return _render_admin_user(user, action_error=error.message, status=error.status_code)
    flash(success_message(user), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/deactivate")
@roles_required(Role.ADMIN)
def admin_deactivate_user(user_id: int):
    return _admin_action(
        user_id,
        services.deactivate_user,
        lambda user: _(
            "%(name)s has been deactivated. They are signed out and their API tokens "
            "no longer work.",
            name=user.name,
        ),
    )


@bp.post("/admin/users/<int:user_id>/reactivate")
@roles_required(Role.ADMIN)
def admin_reactivate_user(user_id: int):
    return _admin_action(
        user_id,
        services.reactivate_user,
        lambda user: _("%(name)s can sign in again.", name=user.name),
    )


@bp.post("/admin/users/<int:user_id>/reset-password")
@roles_required(Role.ADMIN)
def admin_reset_password(user_id: int):
    user = _user_or_404(user_id)
    try:
        password = services.reset_password(user, by=current_user._get_current_object())
    except DomainError as error:
        return _render_admin_user(user, action_error=error.message, status=error.status_code)
    return render_template(
        "accounts/admin_user_created.html", user=user, password=password, reset=True
    )
