"""The pool's blueprint with all its pages (registered in ``collector.create_app``)."""

from collector.brukarbank import assignment_pages  # noqa: F401  (routes on bp)
from collector.brukarbank import member_pages  # noqa: F401  (routes on bp)
from collector.brukarbank.blueprint import bp

__all__ = ["bp"]
