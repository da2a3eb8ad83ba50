"""A page that is not found (or a bad query) leaves nothing of the request in the server's log.

Datasette's default exception handler runs after ours even when ours
answered, and with ``rich`` installed it printed every exception with each
frame's local variables: the request's headers with the signed ``ds_actor``
cookie, and a quarter of a second per 404 (errors.py switches that off).
"""

import pytest

from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/medverkan/no_such_table", 404), ("/medverkan/ANSWERS.json", 404), ("/medverkan?sql=select+nonsense", 400)],
)
async def test_an_error_page_writes_neither_a_traceback_nor_the_cookie_to_the_log(ds, capsys, path, expected):
    cookie = actor_cookie(ds, "eva", "evaluator")
    capsys.readouterr()
    page = await ds.client.get(path, cookies=cookie)
    assert page.status_code == expected
    logged = "".join(capsys.readouterr())
    assert cookie["ds_actor"][:24] not in logged
    assert "Traceback" not in logged and "locals" not in logged
