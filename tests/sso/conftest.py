"""The OpenID Connect provider the single sign-on tests sign in at, started once a session."""

import pytest

from isp_manager.sso import services
from tests.sso.oidc_provider import running_provider


@pytest.fixture(scope="session")
def oidc():
    with running_provider() as provider:
        yield provider


@pytest.fixture(autouse=True)
def _fresh_metadata_cache():
    services.forget_metadata()
    yield
    services.forget_metadata()
