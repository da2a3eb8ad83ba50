"""Instrument authoring: XLSForm upload, preview and publishing."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/coordinator/instruments")
