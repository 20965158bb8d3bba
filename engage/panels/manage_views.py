"""Facilitators' pages for panels and their priority votes."""

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/panels")
