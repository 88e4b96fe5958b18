"""API resources for the organisations register (/api/v1/organisations)."""

from __future__ import annotations

from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import InvalidInput, NotFound
from ..i18n import gettext as _
from ..pagination import api_page
from . import services
from .models import Nation, OrgKind
from .schemas import (
    AgreementCreateSchema,
    AgreementEndSchema,
    AgreementSchema,
    OrganisationCreateSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    RelevantPartnerSchema,
)

blp = Blueprint(
    "parties_api",
    __name__,
    url_prefix="/organisations",
    description="The organisations register: Welsh statutory bodies and the others that share with them.",
)


@blp.route("", methods=["GET"])
@blp.arguments(OrganisationQuerySchema, location="query")
@blp.response(200, OrganisationSchema(many=True))
@blp.paginate(page_size=25, max_page_size=100)
def list_organisations(args, pagination_parameters):
    """List organisations, by name, optionally filtered (active ones unless `status` says otherwise).

    In English order by default; a caller asking for Welsh (`Accept-Language: cy` or
    `?lang=cy`) gets them by Welsh name in the Welsh alphabet (ch, dd, ff, ng, ll, ph, rh, th
    are letters), accents ignored. `q` matches either name, accents folded ("gwyr" finds "Gŵyr").
    """
    area = None
    if args.get("area"):
        area = services.get_organisation_or_none(args["area"])
        if area is None or not area.is_welsh_council:
            raise InvalidInput(
                _(
                    "No council has the code %(code)s: use a council's code, like la-cardiff.",
                    code=args["area"],
                ),
                field="area",
            )
    filters = services.RegisterFilters(
        q=args.get("q", ""),
        kind=OrgKind(args["kind"]) if args.get("kind") else None,
        nation=Nation(args["nation"]) if args.get("nation") else None,
        area=area,
        s28_category=args.get("s28_category"),
        waspi_accord=args.get("waspi_accord"),
        status=args["status"],
    )
    return api_page(services.register_query(filters), pagination_parameters)


@blp.route("", methods=["POST"])
@blp.arguments(OrganisationCreateSchema)
@blp.response(201, OrganisationSchema)
def create_organisation(data):
    """Add an organisation (administrators)."""
    return services.create_organisation(data, by=current_user)


@blp.route("/<code>", methods=["GET"])
@blp.response(200, OrganisationSchema)
def get_organisation(code):
    """One organisation."""
    return services.get_organisation(code)


@blp.route("/<code>", methods=["PATCH"])
@blp.arguments(OrganisationUpdateSchema)
@blp.response(200, OrganisationSchema)
def update_organisation(data, code):
    """Change some details (administrators). The code cannot change (409)."""
    return services.update_organisation(services.get_organisation(code), data, by=current_user)


@blp.route("/<code>/relevant-partners", methods=["GET"])
@blp.response(200, RelevantPartnerSchema(many=True))
@blp.alt_response(422, description="The organisation is not a local authority")
def relevant_partners(code):
    """The relevant partners of a local authority under s.162(4), each with its category
    (rp-a...), the reason, and for a partner only for some functions (rp-c, rp-g) its
    `limit`. Only a Welsh council has relevant partners: for any other body this is 422,
    naming `code`; its councils are at /organisations/{code}/partner-of."""
    council = services.get_organisation(code)
    if not council.is_welsh_council:
        raise InvalidInput(
            _(
                "%(name)s is not a local authority in Wales: only a Welsh council has relevant "
                "partners under s.162(4). The councils it is a relevant partner of are at %(url)s.",
                name=council.name,
                url=f"/api/v1/organisations/{council.code}/partner-of",
            ),
            field="code",
        )
    return services.relevant_partners_of(council)


@blp.route("/<code>/partner-of", methods=["GET"])
@blp.response(200, RelevantPartnerSchema(many=True))
def partner_of(code):
    """The councils this body is a relevant partner of (s.162(4)), with category and reason."""
    return services.councils_partnered_by(services.get_organisation(code))


@blp.route("/<code>/agreements", methods=["GET"])
@blp.response(200, AgreementSchema(many=True))
def list_agreements(code):
    """A council's s.162(4)(b) agreements with other councils, current first."""
    council = _council(code)
    return [_agreement_view(a, council) for a in services.agreements_of(council)]


@blp.route("/<code>/agreements", methods=["POST"])
@blp.arguments(AgreementCreateSchema)
@blp.response(201, AgreementSchema)
def record_agreement(data, code):
    """Record an s.162(4)(b) agreement with another council (administrators, and the IG lead
    of either council). The date cannot be in the future; one current agreement per pair."""
    council = _council(code)
    other = services.get_organisation_or_none(data["other_council"])
    if other is None:
        raise InvalidInput(
            _("No organisation has the code %(code)s.", code=data["other_council"]),
            field="other_council",
        )
    agreement = services.record_agreement(
        council, other, data["agreed_on"], data.get("notes"), by=current_user
    )
    return _agreement_view(agreement, council)


@blp.route("/<code>/agreements/<int:agreement_id>/end", methods=["POST"])
@blp.arguments(AgreementEndSchema)
@blp.response(200, AgreementSchema)
def end_agreement(data, code, agreement_id):
    """Record that an agreement has ended (it is kept, and no longer counts)."""
    council = _council(code)
    agreement = services.end_agreement(
        services.get_agreement(council, agreement_id), data["ended_on"], by=current_user
    )
    return _agreement_view(agreement, council)


def _council(code):
    council = services.get_organisation(code)
    if not council.is_local_authority:
        raise NotFound(
            _(
                "%(name)s is not a local authority, so it has no s.162(4)(b) agreements.",
                name=council.name,
            )
        )
    return council


def _agreement_view(agreement, council) -> dict:
    other = agreement.other_side(council.id)
    return {
        "id": agreement.id,
        "other_council": other.code,
        "other_council_name": other.name,
        "agreed_on": agreement.agreed_on,
        "notes": agreement.notes,
        "ended_on": agreement.ended_on,
        "is_current": agreement.is_current,
    }
