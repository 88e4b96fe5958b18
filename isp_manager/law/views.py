"""The law catalogue page: every provision of every catalogue in catalogue.py, in both
languages, so that a lawyer can review the whole catalogue in one place."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..i18n import lazy_gettext as _l
from .catalogue import all_catalogues

bp = Blueprint("law", __name__)

# Headings for the catalogues (tests/law/test_law_catalogue_page.py checks each has one).
CATALOGUE_TITLES = {
    "s28": _l("Children Act 2004, s.28(1): bodies with a duty to safeguard children"),
    "relevant_partner": _l(
        "Social Services and Well-being (Wales) Act 2014, s.162(4): relevant partners"
    ),
    "s164_who": _l("s.164(2): who a local authority may ask"),
    "s164_provisions": _l(
        "s.164(1), (3) and (4): the kinds of request and the duty to give reasons"
    ),
    "s164_grounds": _l("s.164(1)(a)/(b) and (3)(a)/(b): grounds for not complying"),
    "definitions": _l("Definitions the rules depend on"),
    "ss_functions": _l("Social services functions a request is made for"),
    "s137_relates": _l("s.137: what a Safeguarding Board's request relates to"),
    "article6": _l("UK GDPR Article 6(1): lawful bases"),
    "article9": _l("UK GDPR Article 9(2): special category data"),
    "schedule1": _l("Data Protection Act 2018, Schedule 1 conditions"),
    "para18_reasons": _l("DPA 2018 Sch.1 para 18(2): why consent is not the basis"),
    "legal_powers": _l("Statutory powers an agreement may rely on"),
    "limited_partner_functions": _l(
        "s.162(4)(c) and (g): the functions a limited relevant partner is asked about"
    ),
}


def can_read_catalogue(user) -> bool:
    """Every signed-in user may read the catalogue."""
    return bool(getattr(user, "is_authenticated", False))


def can_see_verify_marks(user) -> bool:
    """Which provisions are still to be checked against the statute: administrators, who
    arrange the legal review."""
    return can_read_catalogue(user) and user.is_admin


@bp.get("/law")
@login_required
def catalogue():
    catalogues = [
        (catalogue, str(CATALOGUE_TITLES.get(catalogue.name, catalogue.name)))
        for catalogue in all_catalogues()
    ]
    return render_template(
        "law/catalogue.html",
        catalogues=catalogues,
        show_verify=can_see_verify_marks(current_user),
    )
