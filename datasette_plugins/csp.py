"""The Content-Security-Policy for Datasette pages.

Why hashes: Datasette 0.65's stock templates put a few fixed scripts inline
(closing open menus, the SQL editor's set-up, ``DATASETTE_ALLOW_FACET``).
Allowing ``'unsafe-inline'`` for them would let any script that slipped into
a page run too. Instead each fixed inline script in the templates Datasette
may render (ours first, then Datasette's) is allowed by its SHA-256 hash,
computed once from the template files themselves, so an upgrade of
Datasette or a new template of ours is covered without a hand-kept list.
Inline scripts built from template variables are not hashed and do not
run; ``DATASETTE_ALLOW_FACET`` has two possible texts, both listed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

import datasette

OUR_TEMPLATES = Path(__file__).with_name("templates")
DATASETTE_TEMPLATES = Path(datasette.__file__).with_name("templates")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
TEMPLATE_SYNTAX = ("{{", "{%", "{#")
# table.html: <script>DATASETTE_ALLOW_FACET = {{ datasette_allow_facet }};</script>
KNOWN_VARIANTS = ("DATASETTE_ALLOW_FACET = true;", "DATASETTE_ALLOW_FACET = false;")


def _digest(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_scripts(folders=(OUR_TEMPLATES, DATASETTE_TEMPLATES)) -> set[str]:
    """Texts of the fixed inline scripts in the templates of ``folders``."""
    scripts = set(KNOWN_VARIANTS)
    for folder in folders:
        for template in sorted(Path(folder).rglob("*.html")):
            for script in INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
                if script.strip() and not any(mark in script for mark in TEMPLATE_SYNTAX):
                    scripts.add(script)
    return scripts


@functools.lru_cache(maxsize=None)
def script_hashes() -> str:
    return " ".join(sorted(_digest(s) for s in inline_scripts()))


@functools.lru_cache(maxsize=4)
def policy(strict_styles: bool = True) -> str:
    """The policy; ``strict_styles`` False admits the inline styles of Datasette's stock tables."""
    styles = "'self'" if strict_styles else "'self' 'unsafe-inline'"
    return (
        f"default-src 'self'; script-src 'self' {script_hashes()}; style-src {styles}; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
