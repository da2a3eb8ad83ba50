"""The command line that starts Datasette for Medverkan.

``datasette_command()`` is the contract used by ``medverkan serve``: it
returns an argv that runs this module, which exports the plugin settings to
the environment (read by :mod:`datasette_plugins.config`) and then starts
``datasette serve`` on the served database only, read-only, with SQL and
downloads switched off by default. The contacts database is never given to
Datasette: its path travels as plugin configuration, so the sign-in bridge
can check that an account is still active, read-only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

METADATA_PATH = Path(__file__).with_name("metadata.yml")
DEFAULT_SMALL_CELL_K = 5
DEFAULT_LOGIN_URL = "http://127.0.0.1:5000/staff/login"

# Datasette settings: no ad-hoc SQL unless a permission grants it (evaluators),
# no whole-file download, no facet or query timeouts long enough to hurt, and
# bounded results: 1000 rows a page, 50 MB of streamed CSV (issue 10, part 9;
# the byte cap over every response is in hardening.py).
SETTINGS = {
    "default_allow_sql": "off",
    "allow_download": "off",
    "sql_time_limit_ms": "3000",
    "max_returned_rows": "1000",
    "max_csv_mb": "50",
}
DEFAULT_MAX_RESPONSE_MB = 100


def datasette_command(
    served_db_path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    contacts_db_path=None,
    demo: bool = False,
    small_cell_k: int = DEFAULT_SMALL_CELL_K,
    login_url: str | None = None,
) -> list[str]:
    """Argv that starts Datasette on ``served_db_path`` (and nothing else).

    The signing secret is not in it: a command line is readable by every
    user of the machine (``ps``). Start the process with
    :func:`datasette_environment` instead.
    """
    if demo and host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("demo mode opens Datasette without sign-in: loopback only")
    argv = [sys.executable, "-m", "datasette_plugins.launch", "--host", host, "--port", str(port)]
    argv += ["--k", str(int(small_cell_k))]
    if login_url:
        argv += ["--login-url", login_url]
    if contacts_db_path:
        argv += ["--contacts", str(contacts_db_path)]
    if demo:
        argv.append("--demo")
    return argv + [str(served_db_path)]


def datasette_environment(secret: str, base: dict | None = None) -> dict[str, str]:
    """The environment for :func:`datasette_command`: ``DATASETTE_SECRET`` carries the secret.

    It must be the collector's ``SECRET_KEY``: the ``ds_actor`` cookie the
    collector signs at staff sign-in is checked with it.
    """
    return dict(os.environ if base is None else base, DATASETTE_SECRET=secret)


def serve_argv(args) -> list[str]:
    """The ``datasette serve`` arguments for parsed launcher options (the secret stays in the environment)."""
    argv = ["serve", args.served, "--host", args.host, "--port", str(args.port)]
    argv += ["--metadata", str(METADATA_PATH)]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, value]
    return argv


def plugin_environment(args) -> dict[str, str]:
    """Plugin settings passed to the Datasette process (see config.py)."""
    return {
        "MEDVERKAN_DS_K": str(args.k),
        "MEDVERKAN_DS_LOGIN_URL": args.login_url or DEFAULT_LOGIN_URL,
        "MEDVERKAN_DS_CONTACTS": os.path.abspath(args.contacts) if args.contacts else "",
        "MEDVERKAN_DS_DEMO": "1" if args.demo else "",
        "MEDVERKAN_DS_MAX_RESPONSE_MB": str(args.max_response_mb),
    }


def parse(argv: list[str]):
    parser = argparse.ArgumentParser(prog="datasette_plugins.launch", description=__doc__)
    parser.add_argument("served")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--secret",
        default=os.environ.get("DATASETTE_SECRET"),
        help="signing secret (better: the DATASETTE_SECRET environment variable, which ps does not show)",
    )
    parser.add_argument("--k", type=int, default=DEFAULT_SMALL_CELL_K)
    parser.add_argument("--login-url", default=None)
    parser.add_argument("--contacts", default=None)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument(
        "--max-response-mb", type=int, default=DEFAULT_MAX_RESPONSE_MB, help="largest response body Datasette sends"
    )
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("set DATASETTE_SECRET (the collector's SECRET_KEY)")
    if args.k < 1:
        parser.error("--k must be at least 1")
    if args.max_response_mb < 1:
        parser.error("--max-response-mb must be at least 1")
    if args.demo and args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--demo is allowed on loopback only")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.update(plugin_environment(args))
    os.environ["DATASETTE_SECRET"] = args.secret  # read by ``datasette serve``
    from datasette.cli import cli

    cli.main(serve_argv(args), prog_name="datasette")


if __name__ == "__main__":
    main()
