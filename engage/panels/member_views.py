"""Members' pages: enter a voter code, propose, discuss and rank the options."""

from flask import Blueprint

bp = Blueprint("vote", __name__, url_prefix="/vote")
