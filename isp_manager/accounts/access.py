"""Who may run an organisation's accounts and details: the one table, used by the services,
the pages, the templates and the list queries.

The instance's administrators run every organisation (and keep the whole register); an
organisation's IG leads run their own. Someone who may not manage an organisation's users
gets a 404 for them (their accounts are not revealed); the roles an IG lead may give stop at
IG lead (never administrator, nor auditor, who reads every organisation's records).

| action           | administrator  | IG lead of the organisation | anyone else |
|------------------|----------------|-----------------------------|-------------|
| view_users       | any            | own organisation            | no          |
| invite           | any            | own organisation            | no          |
| change_role      | any            | own organisation's users    | no          |
| deactivate       | any            | own organisation's users    | no          |
| reactivate       | any            | own organisation's users    | no          |
| reset_password   | any            | no (they invite again)      | no          |
| edit_details     | any field      | the organisation's own      | no          |
|                  |                | details (OWN_DETAIL_FIELDS) |             |
| read_audit       | every event    | own organisation's events   | auditors:   |
|                  |                |                             | every event |

An IG lead cannot change an administrator's or an auditor's account, even in their own
organisation: those roles are the instance's to give and take away.
"""

from __future__ import annotations

import enum

from ..errors import NotFound, PermissionDenied
from ..i18n import gettext as _
from .models import Role


class Action(enum.StrEnum):
    VIEW_USERS = "view_users"
    INVITE = "invite"
    CHANGE_ROLE = "change_role"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    RESET_PASSWORD = "reset_password"  # noqa: S105  (an action, not a secret)
    EDIT_DETAILS = "edit_details"
    READ_AUDIT = "read_audit"


# Actions on one user's account (the rest are on an organisation).
USER_ACTIONS = frozenset({Action.CHANGE_ROLE, Action.DEACTIVATE, Action.REACTIVATE})

# What an organisation's IG lead may do for their own organisation.
IG_LEAD_ACTIONS = frozenset(
    {
        Action.VIEW_USERS,
        Action.INVITE,
        Action.CHANGE_ROLE,
        Action.DEACTIVATE,
        Action.REACTIVATE,
        Action.EDIT_DETAILS,
        Action.READ_AUDIT,
    }
)

# The roles an IG lead may give: up to their own. Administrators give any role.
IG_LEAD_ASSIGNABLE_ROLES = (Role.PRACTITIONER, Role.BOARD_OFFICER, Role.IG_LEAD)
# Accounts only the instance's administrators change.
INSTANCE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can(user, action: Action, target) -> bool:
    """Whether `user` may take `action` on `target`: an Organisation, or a User for the
    actions on one account. The command line (user None) may do anything."""
    if user is None:
        return True
    if not _signed_in(user):
        return False
    if user.role == Role.ADMIN:
        return True
    if action is Action.READ_AUDIT and user.role == Role.AUDITOR:
        return True
    if user.role != Role.IG_LEAD or action not in IG_LEAD_ACTIONS:
        return False
    if action in USER_ACTIONS:
        return target.organisation_id == user.organisation_id and target.role not in INSTANCE_ROLES
    return target.id == user.organisation_id


def runs_an_organisation(user) -> bool:
    """Whether the user runs any organisation's accounts (the "Your organisation" pages)."""
    return _signed_in(user) and user.role in (Role.ADMIN, Role.IG_LEAD)


def assignable_roles(user) -> tuple[Role, ...]:
    """The roles `user` may give to someone (or invite them with)."""
    if user is None or (_signed_in(user) and user.role == Role.ADMIN):
        return tuple(Role)
    if _signed_in(user) and user.role == Role.IG_LEAD:
        return IG_LEAD_ASSIGNABLE_ROLES
    return ()


def require(user, action: Action, target) -> None:
    """Raise NotFound when the target is not the user's to manage (never reveal it), else
    PermissionDenied when they may see it but not do this."""
    if can(user, action, target):
        return
    org_id = getattr(target, "organisation_id", getattr(target, "id", None))
    if not _signed_in(user) or user.organisation_id != org_id or user.role != Role.IG_LEAD:
        raise NotFound(_("There is no such person or organisation"))
    if action in USER_ACTIONS and target.role in INSTANCE_ROLES:
        raise PermissionDenied(
            _(
                "%(name)s is %(role)s: only the service's administrators can change their account.",
                name=target.name,
                role=target.role.label.lower(),
            )
        )
    raise PermissionDenied(_("Only the service's administrators can do this."))


def require_assignable(user, role: Role, *, field: str = "role") -> None:
    """Refuse a role the user may not give (403, naming the field), e.g. an IG lead making
    someone an administrator."""
    if role in assignable_roles(user):
        return
    allowed = ", ".join(r.label for r in assignable_roles(user))
    raise PermissionDenied(
        _(
            "You cannot give someone the role %(role)s: only the service's administrators can. "
            "Choose one of: %(allowed)s.",
            role=role.label,
            allowed=allowed,
        ),
        field=field,
    )
