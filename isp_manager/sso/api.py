"""API for sign-in providers: administrators list, add, change, disable and enable them; an
organisation's IG lead reads their organisation's and chooses which of its domains create
accounts. The client secret is write-only. The same services as the pages decide every rule:
a provider the caller may not see is a 404, a change they may not make a 403."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from ..api_blueprint import Blueprint
from ..errors import InvalidInput, PermissionDenied
from ..i18n import gettext as _
from ..pagination import api_page
from . import services
from .schemas import (
    AccountCreationSchema,
    SsoProviderCreateSchema,
    SsoProviderSchema,
    SsoProviderUpdateSchema,
)

blp = Blueprint(
    "sso_api",
    __name__,
    url_prefix="/sso-providers",
    description="Single sign-on (OpenID Connect) providers. The client secret is never returned.",
)
FIELDS = ("name", "issuer", "client_id", "client_secret", "organisation", "domains")


def _user():
    return current_user._get_current_object()


@blp.route("")
class Providers(MethodView):
    @blp.response(200, SsoProviderSchema(many=True))
    @blp.paginate(page_size=25, max_page_size=100)
    def get(self, pagination_parameters):
        """The providers, by name: every one for administrators, their organisation's for an
        IG lead."""
        if not services.can_list_providers(_user()):
            raise PermissionDenied(
                _("Only administrators and IG leads can see the sign-in providers")
            )
        return api_page(services.providers_for(_user()), pagination_parameters)

    @blp.arguments(SsoProviderCreateSchema)
    @blp.response(201, SsoProviderSchema)
    def post(self, data):
        """Add a provider (administrators); it is enabled, and its domains create no accounts."""
        return services.create_provider(**{f: data[f] for f in FIELDS}, by=_user())


@blp.route("/<int:provider_id>")
class OneProvider(MethodView):
    @blp.response(200, SsoProviderSchema)
    def get(self, provider_id):
        """One provider."""
        return services.get_provider_for(_user(), provider_id)

    @blp.arguments(SsoProviderUpdateSchema)
    @blp.response(200, SsoProviderSchema)
    def patch(self, data, provider_id):
        """Change a provider (administrators): the fields sent change, the others stay;
        `is_enabled` false disables it, true enables it again."""
        provider = services.get_provider_for(_user(), provider_id)
        if any(f in data for f in FIELDS):
            current = {
                "name": provider.name,
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "client_secret": "",
                "organisation": provider.organisation,
                "domains": [d.domain for d in provider.domains],
            }
            changes = {f: data[f] for f in FIELDS if f in data}
            services.update_provider(provider, **{**current, **changes}, by=_user())
        if "is_enabled" in data:
            services.set_provider_enabled(provider, data["is_enabled"], by=_user())
        return provider


@blp.route("/<int:provider_id>/account-creation")
class AccountCreation(MethodView):
    @blp.arguments(AccountCreationSchema)
    @blp.response(200, SsoProviderSchema)
    def put(self, data, provider_id):
        """Which of the provider's domains create a practitioner account on a first sign-in
        (administrators, and the IG lead of the organisation it serves)."""
        provider = services.get_provider_for(_user(), provider_id)
        by_name = {d.domain: d.id for d in provider.domains}
        wanted = {(name or "").strip().lower().lstrip("@") for name in data["creates_accounts"]}
        unknown = sorted(wanted - set(by_name))
        if unknown:
            raise InvalidInput(
                _(
                    "%(domain)s is not one of this provider's domains: send only its domains",
                    domain=unknown[0][:60],
                ),
                field="creates_accounts",
            )
        services.set_account_creation(provider, {by_name[d] for d in wanted}, by=_user())
        return provider
