"""API: who am I (GET /me); for administrators, the users (GET/POST /users, PATCH /users/{id});
and resetting someone's two-factor authentication (an IG lead for their own organisation's
users, an administrator for anyone: POST /users/{id}/two-factor/reset)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from . import services, two_factor
from .models import User
from .schemas import (
    UserCreatedSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint(
    "accounts_api", __name__, url_prefix=None, description="Users and the caller's own account."
)


def _require_admin() -> None:
    if not current_user.is_admin:
        raise PermissionDenied(_("Only an administrator can manage users."))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no user with this id."))
    return user


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The caller: name, organisation code and role."""
        return current_user._get_current_object()


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, args, pagination_parameters):
        """Users, by name (administrators). Filter by organisation code, role, active; search with q."""
        _require_admin()
        status = {True: "active", False: "deactivated"}.get(args.get("active"), "")
        stmt = services.users_query(
            args.get("q", ""), args.get("organisation", ""), args.get("role", ""), status
        )
        total = db.session.scalar(
            db.select(db.func.count()).select_from(stmt.order_by(None).subquery())
        )
        pagination_parameters.item_count = total
        page, size = pagination_parameters.page, pagination_parameters.page_size
        return db.session.scalars(stmt.limit(size).offset((page - 1) * size)).unique().all()

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserCreatedSchema)
    def post(self, data):
        """Create a user (administrators). Without a password, a one-time password is generated
        and returned in `one_time_password`, this once."""
        _require_admin()
        user, generated = services.create_user(
            data["email"],
            data["name"],
            data["organisation"],
            data["role"],
            data.get("password"),
            by=current_user._get_current_object(),
        )
        user.one_time_password = generated
        return user


@blp.route("/users/<int:user_id>")
class UserResource(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user (administrators)."""
        _require_admin()
        return _user_or_404(user_id)

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user's role, or deactivate (active: false) or reactivate them (administrators)."""
        _require_admin()
        user = _user_or_404(user_id)
        by = current_user._get_current_object()
        if "role" in data:
            services.change_role(user, data["role"], by=by)
        if "active" in data and data["active"] != user.is_active_user:
            action = services.reactivate_user if data["active"] else services.deactivate_user
            action(user, by=by)
        return user


@blp.route("/users/<int:user_id>/two-factor/reset")
class TwoFactorReset(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id):
        """Forget the user's authenticator app and recovery codes and end their sessions: they
        set it up again at their next sign-in (their API tokens keep working). An IG lead
        for their own organisation's users, an administrator for anyone; never one's own."""
        user = _user_or_404(user_id)
        actor = current_user._get_current_object()
        try:
            two_factor.check_reset_access(actor, user)
        except (NotFound, PermissionDenied):
            db.session.commit()  # the refused attempt's audit event is kept
            raise
        two_factor.reset_two_factor(user, by=actor)
        return user
