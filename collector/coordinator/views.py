"""Coordinator workspace pages: processes, stages, applicants, participants,
invitations, reminders, response rates, decision, feedback and closing.

All pages are routes of one blueprint, ``workspace.bp`` (endpoints
``coordinator.*``, URLs under ``/coordinator``), split by area into
``process_pages``, ``participant_pages``, ``sending_pages`` (confirmation
steps) and ``closing_pages``. This module
gathers them: importing it is what registers every page on the blueprint,
so ``create_app`` registers ``views.bp``.

Every process page loads its process through
``processes.process_for_user`` (department scoping; 404 for other
departments). Every change is a POST with a CSRF token and is written to
the audit log. Pages work without JavaScript.
"""

from __future__ import annotations

from collector.coordinator import closing_pages  # noqa: F401  (adds its routes to bp)
from collector.coordinator import participant_pages  # noqa: F401  (adds its routes to bp)
from collector.coordinator import process_pages  # noqa: F401  (adds its routes to bp)
from collector.coordinator import sending_pages  # noqa: F401  (adds its routes to bp)
from collector.coordinator.workspace import bp

__all__ = ["bp"]
