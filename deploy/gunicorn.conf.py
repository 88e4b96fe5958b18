"""gunicorn settings for ISP Manager in production: `gunicorn -c deploy/gunicorn.conf.py`.

Every setting can be changed in the environment (GUNICORN_*) or on the command line.
With PROMETHEUS_MULTIPROC_DIR set (and METRICS_ENABLED=1), the workers share their
metrics through that directory: it is emptied when gunicorn starts, and a worker that
exits is marked dead so its live figures (gauges) stop counting.
"""

import multiprocessing
import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each serves one request at a time. Two per core is a good start; the
# database pool holds one connection per worker.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # ends only a request that runs this long
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers now and then
max_requests_jitter = 200
# The application writes one log line a request (LOG_FORMAT=json): no second access log.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind the TLS-terminating proxy on this host (set TRUST_PROXY=1 for the app too).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "isp_manager:create_app()"  # its instance folder: ISP_MANAGER_INSTANCE
# gunicorn 25+ opens a control socket under $HOME by default, which the systemd unit keeps
# read-only; nothing uses it (systemd reloads with SIGHUP).
control_socket_disable = True


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
