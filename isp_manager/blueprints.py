"""Every blueprint of the service, in one list each for pages and for the API."""

from .accounts.api import blp as accounts_api
from .accounts.organisation_api import blp as organisation_api
from .accounts.organisation_views import bp as organisation_pages
from .accounts.views import bp as accounts_pages
from .audit.api import blp as audit_api
from .audit.views import bp as audit_pages
from .board_requests.api import blp as board_requests_api
from .board_requests.views import bp as board_requests_pages
from .cooperation.api import blp as cooperation_api
from .cooperation.views import bp as cooperation_pages
from .decisions.api import blp as decisions_api
from .decisions.views import bp as decisions_pages
from .law.views import bp as law_pages
from .parties.api import blp as parties_api
from .parties.contacts_views import bp as contacts_pages
from .parties.views import bp as parties_pages
from .protocols.api import blp as protocols_api
from .protocols.export_api import blp as protocol_export_api
from .protocols.register_views import bp as agreements_register_pages
from .protocols.views import bp as protocols_pages
from .qa_groups.api import blp as qa_groups_api
from .qa_groups.views import bp as qa_groups_pages
from .retention.views import bp as retention_pages
from .site import bp as site_pages
from .sso.api import blp as sso_api
from .sso.views import bp as sso_pages
from .teams.api import blp as teams_api
from .teams.views import bp as teams_pages

PAGE_BLUEPRINTS = [
    site_pages,
    accounts_pages,
    organisation_pages,
    parties_pages,
    contacts_pages,
    audit_pages,
    cooperation_pages,
    board_requests_pages,
    protocols_pages,
    agreements_register_pages,
    law_pages,
    decisions_pages,
    teams_pages,
    retention_pages,
    qa_groups_pages,
    sso_pages,
]
API_BLUEPRINTS = [
    accounts_api,
    organisation_api,
    parties_api,
    audit_api,
    protocols_api,
    cooperation_api,
    board_requests_api,
    protocol_export_api,
    decisions_api,
    teams_api,
    qa_groups_api,
    sso_api,
]
