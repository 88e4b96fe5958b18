"""QA group pages: the groups and their members (administrators change them), and the queue of
agreements waiting for the signed-in member's review. Handlers load, check access, call one
service and render."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..errors import DomainError
from ..extensions import db
from ..i18n import gettext as _
from ..pagination import paginate
from ..parties.forms import apply_errors
from ..protocols.models import Protocol, ProtocolVersion
from ..protocols.todo import qa_queue_filter
from . import services
from .forms import QaGroupForm, QaMemberForm
from .models import QaGroup, QaGroupMember, can_manage_qa_groups

bp = Blueprint("qa_groups", __name__, url_prefix="/qa-groups")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in users."""


def _user():
    return current_user._get_current_object()


def _managers_only() -> None:
    if not can_manage_qa_groups(_user()):
        abort(403)


def _group_or_404(group_id: int) -> QaGroup:
    return services.get_group(group_id)


@bp.get("")
def index():
    groups = list(
        db.session.scalars(
            sa.select(QaGroup)
            .options(selectinload(QaGroup.members).selectinload(QaGroupMember.user))
            .order_by(QaGroup.name)
        )
    )
    return render_template(
        "qa_groups/index.html", groups=groups, can_manage=can_manage_qa_groups(_user())
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    _managers_only()
    form = QaGroupForm()
    if request.method == "POST" and form.validate():
        try:
            group = services.create_group(
                name=form.name.data, name_cy=form.name_cy.data, by=_user()
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("QA group “%(name)s” added.", name=group.name), "success")
            return redirect(url_for(".show", group_id=group.id))
    status = 422 if form.errors else 200
    return render_template("qa_groups/form.html", form=form, group=None), status


@bp.route("/<int:group_id>", methods=["GET", "POST"])
def show(group_id: int):
    group = _group_or_404(group_id)
    member = QaMemberForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        _managers_only()
        if member.validate():
            try:
                added = services.add_member(group, member.email.data, by=_user())
            except DomainError as error:
                apply_errors(member, error)
            else:
                flash(_("%(name)s added to the group.", name=added.user.name), "success")
                return redirect(url_for(".show", group_id=group.id))
    status = 422 if member.errors else 200
    return render_template(
        "qa_groups/show.html",
        group=group,
        member=member,
        form=member,
        can_manage=can_manage_qa_groups(_user()),
    ), status


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: int):
    _managers_only()
    group = _group_or_404(group_id)
    form = QaGroupForm(obj=group)
    if request.method == "POST" and form.validate():
        try:
            services.rename_group(group, name=form.name.data, name_cy=form.name_cy.data, by=_user())
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("QA group renamed."), "success")
            return redirect(url_for(".show", group_id=group.id))
    status = 422 if form.errors else 200
    return render_template("qa_groups/form.html", form=form, group=group), status


@bp.post("/<int:group_id>/members/<int:user_id>/remove")
def remove_member(group_id: int, user_id: int):
    _managers_only()
    group = _group_or_404(group_id)
    services.remove_member(group, user_id, by=_user())
    flash(_("Removed from the group."), "success")
    return redirect(url_for(".show", group_id=group.id))


@bp.get("/queue")
def queue():
    """Agreements submitted to the signed-in person's QA groups that they may review."""
    user = _user()
    stmt = (
        sa.select(ProtocolVersion)
        .join(Protocol, Protocol.id == ProtocolVersion.protocol_id)
        .where(qa_queue_filter(user))
        .options(selectinload(ProtocolVersion.assigned_qa_group))
        .order_by(ProtocolVersion.submitted_at, ProtocolVersion.id)
    )
    page = paginate(stmt)
    return render_template(
        "qa_groups/queue.html",
        page=page,
        pagination=page.govuk_pagination("qa_groups.queue"),
        groups=[g for g in services.list_groups() if g.id in set(services.groups_of(user))],
    )
