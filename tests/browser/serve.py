"""Serve the app for the browser journeys: a fresh SQLite database, migrated and seeded, on a free port.

Run as a separate process so that the journeys exercise real commits, exactly as users do.
    python tests/browser/serve.py INSTANCE_DIR PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

import flask_migrate
from werkzeug.serving import make_server

from isp_manager import create_app
from isp_manager.extensions import db
from isp_manager.parties.reference import seed_reference


def main() -> None:
    instance, port = Path(sys.argv[1]), int(sys.argv[2])
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'live.sqlite'}",
            "SECRET_KEY": "journeys",
        },
        instance_path=instance,
    )
    with app.app_context():
        flask_migrate.upgrade()
        seed_reference()
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    print(f"serving on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
