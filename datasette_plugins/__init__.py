"""Medverkan's Datasette plugins, loaded through the ``datasette`` entry point
registered in setup.cfg (``medverkan = datasette_plugins``).

Pluggy finds hooks among this module's attributes, so the hook functions are
imported here from the modules that hold them.
"""

from datasette_plugins.plugin import (  # noqa: F401
    extra_css_urls,
    extra_template_vars,
    forbidden,
    get_metadata,
    menu_links,
    permission_allowed,
    register_routes,
)
from datasette_plugins.chrome import prepare_jinja2_environment  # noqa: F401
from datasette_plugins.errors import handle_exception  # noqa: F401
from datasette_plugins.sql_functions import prepare_connection  # noqa: F401
