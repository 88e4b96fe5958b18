"""Operations on QA groups and their members: the only code that changes them.

The five WASPI regional groups are reference data (data/qa-groups.csv), loaded by
`flask seed-reference`: a group is matched by its code and only created, never renamed, so an
administrator's names survive re-seeding. Services flush; the request commits. Every change
writes an audit event.
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from ..accounts.models import Role, User
from ..accounts.services import SERVICE_ORG_CODE
from ..audit.services import changes, record_event
from ..errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..extensions import db
from ..i18n import gettext as _
from ..text_input import is_storable
from .models import QaGroup, QaGroupMember, can_manage_qa_groups

REFERENCE_FILE = Path(__file__).parent / "data" / "qa-groups.csv"
NAME_MAX = 200


def is_service_organisation(organisation) -> bool:
    """The service's own administration organisation is not a body: it cannot be a partner in
    an agreement, nor the organisation of a QA group member."""
    return organisation is not None and organisation.code == SERVICE_ORG_CODE


def reference_groups(path: Path = REFERENCE_FILE) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def seed_qa_groups(path: Path = REFERENCE_FILE) -> int:
    """Create the reference groups that are missing; returns how many were created."""
    rows = reference_groups(path)
    existing = set(db.session.scalars(sa.select(QaGroup.code)))
    taken = {n.lower() for n in db.session.scalars(sa.select(QaGroup.name))}
    created = 0
    for row in rows:
        if row["code"] in existing or row["name"].lower() in taken:
            continue
        group = QaGroup(code=row["code"], name=row["name"], name_cy=row["name_cy"] or None)
        db.session.add(group)
        db.session.flush()
        record_event("qa_group.created", group, after=_view(group))
        created += 1
    return created


def _view(group: QaGroup) -> dict:
    return {"code": group.code, "name": group.name, "name_cy": group.name_cy}


def _require_manager(by) -> None:
    if not can_manage_qa_groups(by):
        raise PermissionDenied(_("Only administrators can change QA groups and their members."))


def list_groups(*, active_only: bool = False) -> list[QaGroup]:
    stmt = sa.select(QaGroup).order_by(QaGroup.name)
    if active_only:
        stmt = stmt.where(QaGroup.is_active.is_(True))
    return list(db.session.scalars(stmt))


def get_group(group_id) -> QaGroup:
    group = db.session.get(QaGroup, group_id) if isinstance(group_id, int) else None
    if group is None:
        raise NotFound(_("QA group not found."))
    return group


def find_group(value) -> QaGroup | None:
    """A group by id or code (an API or form value); None when there is none."""
    if isinstance(value, QaGroup):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return db.session.get(QaGroup, value)
    text = str(value or "").strip()
    if not text or not is_storable(text):
        return None
    if text.isdigit() and len(text) < 10:
        return db.session.get(QaGroup, int(text))
    return db.session.scalar(sa.select(QaGroup).where(QaGroup.code == text))


def _clean_names(name, name_cy, *, group: QaGroup | None) -> tuple[str, str | None]:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    name_cy = " ".join(str(name_cy or "").split()) or None
    if not name:
        errors["name"] = [_("Enter the name of the QA group, like WASPI South QA Group")]
    elif len(name) > NAME_MAX or not is_storable(name):
        errors["name"] = [_("The name must be %(n)d characters or fewer", n=NAME_MAX)]
    if name_cy and (len(name_cy) > NAME_MAX or not is_storable(name_cy)):
        errors["name_cy"] = [_("The Welsh name must be %(n)d characters or fewer", n=NAME_MAX)]
    if name and "name" not in errors:
        clash = db.session.scalar(
            sa.select(QaGroup).where(sa.func.lower(QaGroup.name) == name.lower())
        )
        if clash is not None and clash is not group:
            errors["name"] = [_("There is already a QA group called %(name)s", name=clash.name)]
    if errors:
        raise InvalidInput(errors=errors)
    return name, name_cy


def _code_for(name: str) -> str:
    base = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:50]
    base = base or "qa-group"
    code, n = base, 1
    while db.session.scalar(sa.select(QaGroup.id).where(QaGroup.code == code)):
        n += 1
        code = f"{base}-{n}"
    return code


def create_group(*, name, name_cy=None, by) -> QaGroup:
    """Add a QA group (administrators)."""
    _require_manager(by)
    name, name_cy = _clean_names(name, name_cy, group=None)
    group = QaGroup(code=_code_for(name), name=name, name_cy=name_cy, is_active=True)
    db.session.add(group)
    db.session.flush()
    record_event("qa_group.created", group, by=by, after=_view(group))
    return group


def rename_group(group: QaGroup, *, name, name_cy=None, by) -> QaGroup:
    """Change a group's English and Welsh names (administrators)."""
    _require_manager(by)
    name, name_cy = _clean_names(name, name_cy, group=group)
    before = _view(group)
    group.name, group.name_cy = name, name_cy
    db.session.flush()
    old, new = changes(before, _view(group))
    if new:
        record_event("qa_group.renamed", group, by=by, before=old, after=new)
    return group


def _user_by_email(email) -> User | None:
    from ..accounts.services import normalise_email, user_by_email

    text = str(email or "").strip()
    if not text or len(text) > 254 or not is_storable(text):
        return None
    return user_by_email(normalise_email(text))


def member_refusal(user: User | None) -> str | None:
    """Why this person cannot be a QA group member, or None."""
    if user is None or not user.is_active_user:
        return _("Choose an active user to add")
    if is_service_organisation(user.organisation):
        return _(
            "%(name)s belongs to the service administration, not to a body: QA group members review for a body on the register",
            name=user.name,
        )
    if user.role != Role.IG_LEAD:
        return _(
            "%(name)s is not an information governance lead: only information governance leads review agreements",
            name=user.name,
        )
    return None


def add_member(group: QaGroup, person: User | str | None, *, by) -> QaGroupMember:
    """Add a person (a User, or their e-mail address) to a group (administrators). Refused,
    naming `email`, for anyone who cannot review: not an IG lead, inactive, or of the service
    administration."""
    _require_manager(by)
    user = person if isinstance(person, User) else _user_by_email(person)
    if user is None:
        raise InvalidInput(
            _("There is no user with that e-mail address: enter the address they sign in with"),
            field="email",
        )
    refusal = member_refusal(user)
    if refusal:
        raise InvalidInput(refusal, field="email")
    if group.has_member(user):
        raise Conflict(
            _("%(name)s is already a member of this group", name=user.name), field="email"
        )
    member = QaGroupMember(user=user, added_by_id=by.id)
    group.members.append(member)
    db.session.flush()
    record_event(
        "qa_group.member_added",
        group,
        by=by,
        after={"user": user.email, "organisation": user.organisation.code},
    )
    return member


def remove_member(group: QaGroup, user_id: int, *, by) -> None:
    """Take a person out of a group (administrators). Versions already reviewed keep their review."""
    _require_manager(by)
    member = next((m for m in group.members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_("That person is not a member of this group."))
    email = member.user.email
    group.members.remove(member)
    db.session.flush()
    record_event("qa_group.member_removed", group, by=by, before={"user": email})


def groups_of(user) -> list[int]:
    """The ids of the groups this person is a member of."""
    return list(
        db.session.scalars(
            sa.select(QaGroupMember.qa_group_id).where(QaGroupMember.user_id == user.id)
        )
    )
