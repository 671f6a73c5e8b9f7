"""Unbound extension objects, bound to the app in create_app."""
from flask_login import LoginManager
from flask_sock import Sock

from webapp.db.engine import Database

db = Database()
login_manager = LoginManager()
sock = Sock()
