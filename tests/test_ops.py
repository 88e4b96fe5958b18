"""Running the service: /healthz and /readyz, request ids, request logs, metrics."""

from __future__ import annotations

import json
import logging

import flask_migrate
import pytest
import sqlalchemy as sa

from isp_manager import create_app
from isp_manager.config import build_config
from isp_manager.extensions import db
from isp_manager.ops import metrics
from isp_manager.ops.logs import REQUEST_LOGGER, JsonFormatter, sane_request_id
from isp_manager.ops.readiness import migration_heads


def _app(tmp_path, url: str, **config):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True, **config},
        instance_path=tmp_path / "instance",
    )


UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/for/sure/db.sqlite",
    "postgresql": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
}


# ---------------------------------------------------------------- health and readiness


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_healthz_answers_without_the_database_and_readyz_says_it_is_down(
    tmp_path, own_sessions, kind
):
    app = _app(tmp_path, UNREACHABLE[kind])
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "reason": "database unavailable"}
    assert ready.headers["Retry-After"] == "5"


def test_readyz_is_ready_only_at_the_migrations_head(fresh_database_url, tmp_path, own_sessions):
    app = _app(tmp_path, fresh_database_url)
    client = app.test_client()
    never = client.get("/readyz")
    assert never.status_code == 503
    assert never.json["reason"].startswith("database schema not at the migrations' head (at none")
    with app.app_context():
        flask_migrate.upgrade()
    at_head = client.get("/readyz")
    assert at_head.status_code == 200 and at_head.json == {"status": "ready"}
    [head] = migration_heads()
    with app.app_context():
        flask_migrate.downgrade(revision="-1")
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert f"head {head}" in behind.json["reason"] and "(at none" not in behind.json["reason"]
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_health_checks_need_no_sign_in_and_are_not_logged_at_info(client, caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    assert client.get("/healthz").status_code == 200
    client.get("/readyz")  # 503 here: the suite's database is built without migrations
    assert [r for r in caplog.records if r.name == REQUEST_LOGGER] == []
    caplog.set_level(logging.DEBUG, logger=REQUEST_LOGGER)
    client.get("/healthz")
    assert [r.endpoint for r in caplog.records if r.name == REQUEST_LOGGER] == ["site.health"]


# ---------------------------------------------------------------- request ids and logs


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-123-DEF", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("semi;colon", False),
        ("ünïcode", False),
        ("", False),
    ],
)
def test_a_callers_request_id_is_kept_only_when_sane(client, given, kept):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    returned = response.headers["X-Request-ID"]
    if kept:
        assert returned == given
    else:
        assert returned != given and len(returned) == 16 and sane_request_id(returned)


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_an_error_page_shows_the_reference_to_quote(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": "ref-4242"})
    assert response.status_code == 404
    assert "quote this reference: ref-4242" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == "ref-4242"


def test_one_log_line_a_request_without_query_values(login, make_user, db_session, caplog):
    user = make_user("la-cardiff")
    db_session.commit()
    client = login(user)
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    client.get("/organisations?q=Jane+Smith&page=2", headers={"X-Request-ID": "trace-1"})
    [record] = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    line = JsonFormatter().format(record)
    assert "Jane" not in line and "Smith" not in line
    entry = json.loads(line)
    assert entry["method"] == "GET" and entry["path"] == "/organisations"
    assert entry["query_keys"] == ["page", "q"]
    assert entry["status"] == 200 and entry["user_id"] == user.id
    assert entry["request_id"] == "trace-1" and entry["endpoint"]
    assert isinstance(entry["duration_ms"], float) and entry["level"] == "INFO"


def test_a_server_error_is_logged_as_an_error(app, client, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "site.accessibility", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/accessibility")
    assert response.status_code == 500
    assert "quote this reference" in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    assert record.levelno == logging.ERROR and record.status == 500


def test_log_format_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("SERVICE_URL", "https://isp.example.gov.wales")
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["LOG_FORMAT"] == "json"
    monkeypatch.setenv("SERVICE_URL", "http://127.0.0.1:5000")
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["LOG_FORMAT"] == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["LOG_FORMAT"] == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        build_config(tmp_path, {"SECRET_KEY": "x"})


def test_links_in_e_mails_follow_the_port_served_unless_service_url_says(tmp_path, monkeypatch):
    monkeypatch.delenv("SERVICE_URL", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["SERVICE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "8080")
    assert build_config(tmp_path, {"SECRET_KEY": "x"})["SERVICE_URL"] == "http://127.0.0.1:8080"
    monkeypatch.setenv("SERVICE_URL", "https://isp.example.gov.wales/")
    config = build_config(tmp_path, {"SECRET_KEY": "x"})
    assert config["SERVICE_URL"] == "https://isp.example.gov.wales"


def test_the_json_formatter_writes_one_object_a_line_with_the_exception():
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.getLogger("isp_manager.x").makeRecord(
            "isp_manager.x", logging.ERROR, __file__, 1, "went %s", ("wrong",), True
        )
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "went wrong" and "ValueError: bad" in entry["exception"]


# ---------------------------------------------------------------- metrics


def _metrics_app(app, tmp_path, **config):
    return _app(
        tmp_path,
        app.config["SQLALCHEMY_DATABASE_URI"],
        METRICS_ENABLED=True,
        MAIL_OUTBOX=str(tmp_path / "outbox"),
        **config,
    )


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_latency_and_errors_by_endpoint(app, tmp_path):
    client = _metrics_app(app, tmp_path).test_client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'ispm_http_requests_total{endpoint="site.health",method="GET",status="200"}' in body
    assert 'ispm_http_requests_total{endpoint="unmatched",method="GET",status="404"}' in body
    assert 'ispm_http_request_duration_seconds_bucket{endpoint="site.health",le="0.01"}' in body
    assert "ispm_http_server_errors_total" in body
    assert "ispm_mail_outbox_messages 0.0" in body


def test_metrics_count_server_errors(app, tmp_path, monkeypatch):
    metrics_app = _metrics_app(app, tmp_path, PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("boom")

    metrics_app.view_functions["site.cookies"] = broken
    client = metrics_app.test_client()
    before = metrics.ERRORS.labels("site.cookies")._value.get()
    assert client.get("/cookies").status_code == 500
    assert metrics.ERRORS.labels("site.cookies")._value.get() == before + 1
    assert 'ispm_http_server_errors_total{endpoint="site.cookies"}' in client.get(
        "/metrics"
    ).get_data(as_text=True)


def test_the_metrics_token_is_required_when_set(app, tmp_path):
    client = _metrics_app(app, tmp_path, METRICS_TOKEN="s3cret-scrape").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})
    assert right.status_code == 200 and "ispm_http_requests_total" in right.get_data(as_text=True)


def test_mail_sent_failed_and_waiting_in_the_outbox(app, tmp_path, monkeypatch):
    from isp_manager import mail

    metrics_app = _metrics_app(app, tmp_path)
    sent, failed = metrics.MAIL_SENT._value.get(), metrics.MAIL_FAILED._value.get()
    with metrics_app.test_request_context():
        mail.queue_mail("a@example.test", "One", "Body")
        mail.queue_mail("b@example.test", "Two", "Body")
        mail.flush_pending()
        assert metrics.MAIL_SENT._value.get() == sent + 2

        def refuse(_msg):
            raise OSError("down")

        monkeypatch.setattr(mail, "send_now", refuse)
        mail.queue_mail("c@example.test", "Three", "Body")
        with pytest.raises(OSError):
            mail.flush_pending()
        assert metrics.MAIL_FAILED._value.get() == failed + 1
    body = metrics_app.test_client().get("/metrics").get_data(as_text=True)
    assert "ispm_mail_outbox_messages 2.0" in body
    assert "ispm_mail_failed_total" in body


def test_the_suite_database_is_not_migrated(app):
    """(Why /readyz says 503 above: the suite builds its schema from the models.)"""
    with app.app_context():
        assert "alembic_version" not in sa.inspect(db.session.connection()).get_table_names()
