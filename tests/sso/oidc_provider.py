"""A real OpenID Connect provider for the tests (the `oidc-provider` package, tests/sso/
provider.mjs) on a free loopback port, and a person's sign-in at it (its login form)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PASSWORD = "provider-password-1"

# The provider's people: login name -> claims. The service's tests make the matching accounts.
ACCOUNTS = {
    "pat": {"email": "pat.jones@sso-council.test", "email_verified": True, "name": "Pat Jones"},
    "newbie": {"email": "new.starter@sso-council.test", "email_verified": True, "name": "Nia New"},
    "unverified": {
        "email": "unverified@sso-council.test",
        "email_verified": False,
        "name": "Una Verified",
    },
    "outsider": {"email": "sam@elsewhere.test", "email_verified": True, "name": "Sam Else"},
    "gone": {"email": "gone@sso-council.test", "email_verified": True, "name": "Gwen Gone"},
}
DOMAIN = "sso-council.test"


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the OpenID Connect provider of these tests needs it")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node_modules/oidc-provider is missing: run npm ci")
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TestProvider:
    issuer: str
    key: RSAKey

    def register_client(self, redirect_uri: str, *, slow_token: bool = False) -> tuple[str, str]:
        """A new client of the provider (RFC 7591 registration): (client ID, secret)."""
        metadata = {"redirect_uris": [redirect_uri], "test_slow_token": slow_token}
        response = requests.post(f"{self.issuer}/reg", json=metadata, timeout=10)
        assert response.status_code == 201, response.text
        data = response.json()
        return data["client_id"], data["client_secret"]

    def mint_id_token(self, **claims) -> str:
        """An ID token signed with the provider's own key, with the claims given."""
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, claims, self.key)

    def sign_in(self, authorization_url: str, login: str, password: str = PASSWORD) -> str:
        """Follow the provider's pages as a browser would, signing in on its login form;
        the URL it sends the person back to (the service's callback, with code and state)."""
        browser = requests.Session()
        url = authorization_url
        for _step in range(10):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer):
                    return url
                continue
            form = re.search(r'action="([^"]+)"', response.text)
            assert response.status_code == 200 and form, response.text[:500]
            posted = browser.post(
                urljoin(url, form.group(1)),
                data={"login": login, "password": password},
                allow_redirects=False,
                timeout=10,
            )
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(url, posted.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("the provider never sent the person back")


@contextlib.contextmanager
def running_provider():
    node = node_or_skip()
    key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
    accounts = {login: {**claims, "password": PASSWORD} for login, claims in ACCOUNTS.items()}
    setup = {"jwks": {"keys": [key.as_dict(private=True)]}, "accounts": accounts}
    port = _free_port()
    env = {
        **os.environ,
        "OIDC_TEST_SETUP": json.dumps(setup),
        "NODE_PATH": str(ROOT / "node_modules"),
    }
    errors = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [node, str(SCRIPT), str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("listening"):
            process.kill()
            process.wait()
            errors.seek(0)
            raise RuntimeError(f"the test provider did not start: {line}{errors.read()[-2000:]}")
        issuer = line.split()[1]
        for _ in range(50):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            time.sleep(0.1)
        yield TestProvider(issuer=issuer, key=key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errors.close()
