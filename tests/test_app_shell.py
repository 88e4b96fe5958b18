"""The shell every page shares: security headers, languages, error pages."""

import pytest


def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_served_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_govuk_crown_or_transport_font(client):
    html = client.get("/").get_data(as_text=True)
    assert "govuk-logo" not in html and "crown" not in html.lower()
    assert "govuk-header__logotype" not in html


@pytest.mark.parametrize("path", ["/", "/accessibility", "/privacy", "/cookies"])
def test_public_pages_in_welsh(client, path):
    html = client.get(f"{path}?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert 'hreflang="en"' in html


def test_not_found_page_in_service_style(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_api_without_token_is_401_json(client):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert "Bearer" in response.json["message"]
