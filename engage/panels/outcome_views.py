"""Priority vote results: for facilitators, members and, once published, anyone."""

from flask import Blueprint

bp = Blueprint("priorities", __name__)
