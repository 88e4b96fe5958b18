"""`flask users ...`"""

import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Create users and API tokens.")
