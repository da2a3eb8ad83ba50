"""Respondent flow: personal link -> pages -> submit -> receipt -> withdrawal."""

from flask import Blueprint

bp = Blueprint("respondent", __name__)
