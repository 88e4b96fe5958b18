"""HTML pages: signing in and out, the user's own account, and the administrators' user pages."""

from __future__ import annotations

import time
from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..pagination import paginate
from . import invitations, services, two_factor
from .auth import roles_required
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ChangeRoleForm,
    CreateUserForm,
    JobTitleForm,
    NewRecoveryCodesForm,
    RecoveryCodeForm,
    SetUpTwoFactorForm,
    SignInCodeForm,
    SignInForm,
    TokenForm,
    TurnOffTwoFactorForm,
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


# Pages an administrator or IG lead without two-factor authentication may still open.
OPEN_WHILE_TWO_FACTOR_MISSING = OPEN_WHILE_PASSWORD_MUST_CHANGE | {"accounts.set_up_two_factor"}
PENDING_SIGN_IN = "two_factor_pending"
SETUP_SECRET = "two_factor_setup_secret"  # noqa: S105  (a session key, not a secret)


@bp.before_app_request
def _require_password_change():
    if request.path.startswith("/api/") or request.endpoint in OPEN_WHILE_PASSWORD_MUST_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None


@bp.before_app_request
def _require_two_factor():
    """Administrators and IG leads set up two-factor authentication before anything else."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_WHILE_TWO_FACTOR_MISSING:
        return None
    if current_user.is_authenticated and current_user.must_set_up_two_factor:
        return redirect(url_for("accounts.set_up_two_factor"))
    return None


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _keep_only_language() -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _start_session(user: User) -> None:
    """A fresh session for this user (nothing carried over from before sign-in but the language)."""
    _keep_only_language()
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
        ended = session.pop("session_ended", None) if not form.is_submitted() else None
        return render_template(
            "accounts/sign_in.html", form=form, next_url=next_url, session_ended=ended
        ), status
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
    if user.has_two_factor:
        return ask_for_second_factor(user, next_url)
    _start_session(user)
    if user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    if user.must_set_up_two_factor:
        return redirect(url_for("accounts.set_up_two_factor"))
    return redirect(next_url or url_for("site.home"))


def ask_for_second_factor(user: User, next_url: str | None):
    """The first step (a password, or a sign-in provider) is done: the code page is next."""
    _keep_only_language()
    session[PENDING_SIGN_IN] = {
        "user_id": user.id,
        "version": user.session_version,
        "at": int(time.time()),
        "next": next_url,
    }
    return redirect(url_for("accounts.sign_in_code"))


def _pending_sign_in() -> tuple[User | None, str | None]:
    """The user half way through signing in (password accepted, code not yet), and where to go
    next; (None, None) when there is none, or it ran out of time or no longer holds."""
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict):
        return None, None
    age = time.time() - float(pending.get("at") or 0)
    user = db.session.get(User, int(pending.get("user_id") or 0))
    if age > two_factor.pending_sign_in_lifetime().total_seconds() or (
        not two_factor.pending_sign_in_is_current(user, pending.get("version"))
    ):
        session.pop(PENDING_SIGN_IN, None)
        flash(_("Sign in again: your sign-in was not finished in time."), "info")
        return None, None
    return user, safe_next(pending.get("next"))


def _second_step(template: str, form, verify):
    """The code page of signing in: verify(user, code, address) finishes it or refuses."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    user, next_url = _pending_sign_in()
    if user is None:
        return redirect(url_for("accounts.login"))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(template, form=form), status
    try:
        outcome = verify(user, form.code.data, request.remote_addr)
    except (services.SignInThrottled, two_factor.SecondFactorRefused) as error:
        db.session.commit()  # the failed attempt and its audit event are kept
        apply_errors(form, error, default="code")
        return render_template(template, form=form), error.status_code
    _start_session(user)
    if isinstance(outcome, int):
        flash(
            _(
                "You signed in with a recovery code, which now no longer works. You have "
                "%(n)d left. Get new ones from your account page when you run low.",
                n=outcome,
            ),
            "info",
        )
    if user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return redirect(next_url or url_for("site.home"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code():
    return _second_step(
        "accounts/sign_in_code.html", SignInCodeForm(), two_factor.verify_sign_in_code
    )


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
def sign_in_recovery_code():
    return _second_step(
        "accounts/sign_in_recovery_code.html",
        RecoveryCodeForm(),
        two_factor.verify_sign_in_recovery_code,
    )


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
            recovery_codes_left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
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


# ---------------------------------------------------------------- two-factor authentication


def _recovery_codes_page(codes: list[str], *, first: bool):
    text = "\n".join(
        [_("ISP Manager recovery codes for %(email)s", email=current_user.email), "", *codes, ""]
    )
    return render_template(
        "accounts/recovery_codes.html",
        codes=codes,
        first=first,
        download_href="data:text/plain;charset=utf-8," + quote(text),
    )


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@login_required
def set_up_two_factor():
    user = current_user._get_current_object()
    if user.has_two_factor:
        flash(_("Two-factor authentication is already set up for your account."), "info")
        return redirect(url_for("accounts.my_account"))
    secret = session.get(SETUP_SECRET)
    if not isinstance(secret, str) or len(secret) < 16:
        secret = session[SETUP_SECRET] = two_factor.new_secret()
    form = SetUpTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable_two_factor(user, secret, form.code.data, by=user)
        except DomainError as error:
            apply_errors(form, error, default="code")
        else:
            session.pop(SETUP_SECRET, None)
            return _recovery_codes_page(codes, first=True)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/two_factor_set_up.html",
        form=form,
        user=user,
        qr_svg=two_factor.qr_code_svg(uri, _("QR code to scan with your authenticator app")),
        secret=two_factor.grouped_secret(secret),
    ), (422 if form.is_submitted() else 200)


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.set_up_two_factor"))
    form = NewRecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(user, form.code.data, by=user)
        except DomainError as error:
            apply_errors(form, error, default="code")
        else:
            return _recovery_codes_page(codes, first=False)
    return render_template(
        "accounts/two_factor_code.html",
        form=form,
        title=_("Get new recovery codes"),
        lead=_(
            "Your new recovery codes replace the old ones, which stop working. "
            "To continue, enter the code your authenticator app shows now."
        ),
        left=two_factor.recovery_codes_left(user),
    ), (422 if form.is_submitted() else 200)


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@login_required
def turn_off_two_factor():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.my_account"))
    if user.two_factor_required:
        abort(403)
    form = TurnOffTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.turn_off_two_factor(user, form.code.data, by=user)
        except DomainError as error:
            apply_errors(form, error, default="code")
        else:
            flash(_("Two-factor authentication is turned off for your account."), "success")
            return redirect(url_for("accounts.my_account"))
    return render_template(
        "accounts/two_factor_code.html",
        form=form,
        title=_("Turn off two-factor authentication"),
        lead=_(
            "You will sign in with your password alone. To continue, enter the code your "
            "authenticator app shows now."
        ),
        left=None,
    ), (422 if form.is_submitted() else 200)


@bp.get("/organisation/two-factor")
@roles_required(Role.IG_LEAD, Role.ADMIN)
def organisation_two_factor():
    user = current_user._get_current_object()
    page = paginate(two_factor.organisation_users_query(user.organisation_id))
    return render_template(
        "accounts/organisation_two_factor.html",
        page=page,
        pagination=page.govuk_pagination("accounts.organisation_two_factor"),
        can_reset=lambda other: two_factor.can_reset_two_factor(user, other),
    )


@bp.post("/users/<int:user_id>/two-factor/reset")
@login_required
def reset_two_factor(user_id: int):
    user = _user_or_404(user_id)
    actor = current_user._get_current_object()
    try:
        two_factor.check_reset_access(actor, user)
    except DomainError:
        db.session.commit()  # the refused attempt's audit event is kept
        raise
    two_factor.reset_two_factor(user, by=actor)
    flash(
        _(
            "Two-factor authentication has been reset for %(name)s. They are signed out and set "
            "it up again the next time they sign in.",
            name=user.name,
        ),
        "success",
    )
    if actor.is_admin and user.organisation_id != actor.organisation_id:
        return redirect(url_for("accounts.admin_user", user_id=user.id))
    return redirect(url_for("accounts.organisation_two_factor"))


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
