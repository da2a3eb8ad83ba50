"""Who sees what in Datasette, checked from the outside with datasette.client."""

import json

import pytest

from tests.fixtures.datasette import SECRET
from tests.fixtures.datasette import actor_cookie


@pytest.fixture
def ds(shared_ds):
    """One Datasette instance for the module: its tests only send requests."""
    return shared_ds


pytestmark = pytest.mark.asyncio

RAW_PATHS = [
    "/medverkan",
    "/medverkan/answers",
    "/medverkan/ANSWERS",
    "/medverkan/Answers.json",
    "/medverkan/answers.json",
    "/medverkan/answers.csv",
    "/medverkan/answers?_where=value_text+is+not+null",
    "/medverkan/answers.json?_where=1=1",
    "/medverkan/responses?_through=%7B%22table%22%3A%22answers%22%2C%22column%22%3A%22question_id%22%2C%22value%22%3A%221%22%7D",
    "/medverkan/free_text_answers",
    "/medverkan/FREE_TEXT_ANSWERS.json",
    "/medverkan/answers_fts",
    "/medverkan/wide_manager_v2.csv",
    "/medverkan/processes/1",
    "/medverkan.json?sql=select+value_text+from+answers",
    "/medverkan.csv?sql=select+1",
    "/medverkan?sql=select+*+from+answers",
    "/medverkan/screening_table_2?process_id=1",
    "/medverkan/rankings_by_party.json?process_id=1",
    "/medverkan.db",
    "/-/medverkan/process/1",
    "/-/medverkan/search?q=Fontänhuset",
    "/-/medverkan/exports",
    "/-/medverkan/export/1/data.csv",
    "/-/medverkan/export/1/codebook.md",
]
# Table names in another letter case: never data for anyone, whatever the role.
CASE_VARIANTS = {"/medverkan/ANSWERS", "/medverkan/Answers.json", "/medverkan/FREE_TEXT_ANSWERS.json"}
AGGREGATE_PATHS = [
    "/-/medverkan/attitudes",
    "/-/medverkan/attitudes?process=1",
    "/medverkan/core_items_by_group?process_id=1",
    "/medverkan/core_items_by_group.json?process_id=1",
    "/medverkan/responses_by_group.csv?process_id=1",
]


async def status(ds, path, cookies=None):
    return (await ds.client.get(path, cookies=cookies or {})).status_code


@pytest.mark.parametrize("path", RAW_PATHS + AGGREGATE_PATHS + ["/", "/-/metadata.json", "/-/databases.json"])
async def test_anonymous_visitors_are_sent_to_sign_in(ds, path):
    response = await ds.client.get(path)
    if path in CASE_VARIANTS:  # Datasette does not resolve these at all
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response.headers["location"].startswith("/-/medverkan-login?next=")
    assert "value_text" not in response.text


@pytest.mark.parametrize("path", RAW_PATHS)
async def test_management_never_gets_raw_data_sql_or_free_text(ds, path):
    assert await status(ds, path, actor_cookie(ds, "chef", "management")) in (403, 404)


@pytest.mark.parametrize("path", AGGREGATE_PATHS)
async def test_management_gets_aggregate_pages_and_vetted_queries(ds, path):
    assert await status(ds, path, actor_cookie(ds, "chef", "management")) == 200


@pytest.mark.parametrize("path", RAW_PATHS + AGGREGATE_PATHS)
async def test_evaluators_and_admins_see_everything_but_the_file(ds, path):
    for role in ("evaluator", "admin"):
        expected = 403 if path == "/medverkan.db" else 404 if path in CASE_VARIANTS else 200
        assert await status(ds, path, actor_cookie(ds, "eva", role)) == expected, (role, path)


async def test_management_sees_no_database_or_table_names_on_the_index(ds):
    response = await ds.client.get("/.json", cookies=actor_cookie(ds, "chef", "management"))
    assert response.status_code == 200
    assert response.json() == {}


async def test_expired_cookie_counts_as_anonymous(ds):
    cookies = actor_cookie(ds, "eva", "evaluator", lifetime=-10)
    assert await status(ds, "/medverkan/answers", cookies) == 302
    assert await status(ds, "/-/medverkan/attitudes", cookies) == 302


async def test_cookie_signed_with_another_secret_is_ignored(ds):
    from datasette.app import Datasette

    other = Datasette([], secret="not-" + SECRET)
    assert await status(ds, "/medverkan/answers", actor_cookie(other, "eva", "evaluator")) == 302


async def test_unknown_role_gets_nothing(ds):
    assert await status(ds, "/-/medverkan/attitudes", actor_cookie(ds, "x", "root")) == 302
    assert await status(ds, "/medverkan/answers", actor_cookie(ds, "root", "superuser")) == 302


async def test_disabled_account_loses_access_when_contacts_db_is_configured(ds, evaluation_db, monkeypatch):
    import sqlite3

    contacts = evaluation_db[1]
    conn = sqlite3.connect(contacts)
    with conn:
        conn.execute("delete from users where username in ('eva', 'gone')")
        conn.execute("insert into users (username, role, is_active, password_hash) values ('eva', 'evaluator', 1, 'x')")
        conn.execute("insert into users (username, role, is_active, password_hash) values ('gone', 'evaluator', 0, 'x')")
    conn.close()
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", contacts)
    assert await status(ds, "/medverkan/answers", actor_cookie(ds, "eva", "evaluator")) == 200
    assert await status(ds, "/medverkan/answers", actor_cookie(ds, "gone", "evaluator")) == 302
    assert await status(ds, "/medverkan/answers", actor_cookie(ds, "nobody", "evaluator")) == 302


async def test_contacts_database_is_never_served(ds, evaluation_db, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", evaluation_db[1])
    databases = (await ds.client.get("/-/databases.json", cookies=actor_cookie(ds, "eva", "evaluator"))).json()
    assert [d["name"] for d in databases] == ["medverkan"]
    assert await status(ds, "/contacts", actor_cookie(ds, "eva", "evaluator")) == 404


async def test_metadata_json_holds_no_secrets_or_paths(ds, evaluation_db, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", evaluation_db[1])
    for role in ("management", "evaluator"):
        text = (await ds.client.get("/-/metadata.json", cookies=actor_cookie(ds, "u", role))).text
        assert SECRET not in text
        assert "contacts" not in text
        assert evaluation_db[0] not in text


async def test_sign_in_page_sends_to_the_collector_with_a_return_url(ds):
    response = await ds.client.get("/-/medverkan-login?next=/medverkan/answers")
    assert response.status_code == 200
    assert "http://collector.test/staff/login?next=http%3A%2F%2Flocalhost%2Fmedverkan%2Fanswers" in response.text
    assert "Logga in" in response.text
    english = await ds.client.get("/-/medverkan-login?lang=en")
    assert "Sign in with your staff account" in english.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
async def test_sign_in_page_never_redirects_off_site(ds, target):
    response = await ds.client.get("/-/medverkan-login", params={"next": target}, cookies=actor_cookie(ds, "eva", "evaluator"))
    assert response.status_code == 302
    assert response.headers["location"] == "/"


async def test_demo_mode_opens_read_only_access_and_says_so(ds, monkeypatch):
    monkeypatch.setenv("MEDVERKAN_DS_DEMO", "1")
    for path in ("/medverkan/answers", "/-/medverkan/attitudes", "/medverkan"):
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        assert "Demoläge" in response.text
    assert await status(ds, "/medverkan.db") == 403
    write = await ds.client.post("/medverkan/-/create", json={"table": "x", "rows": [{"a": 1}]})
    assert write.status_code in (403, 404, 405)


async def test_demo_banner_absent_outside_demo(ds):
    response = await ds.client.get("/medverkan/answers", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert "Demoläge" not in response.text


async def test_launcher_refuses_demo_off_loopback():
    from datasette_plugins.launch import datasette_command

    with pytest.raises(ValueError):
        datasette_command("x.db", host="0.0.0.0", demo=True)


async def test_launch_command_serves_only_the_served_file_with_sql_and_downloads_off(tmp_path, monkeypatch):
    from datasette_plugins.launch import datasette_command
    from datasette_plugins.launch import datasette_environment
    from datasette_plugins.launch import parse
    from datasette_plugins.launch import serve_argv

    argv = datasette_command("/d/medverkan.db", contacts_db_path="/d/contacts.db", port=8123)
    assert argv[-1] == "/d/medverkan.db"
    # The secret is never on a command line (ps shows those to every user).
    assert datasette_environment("s3")["DATASETTE_SECRET"] == "s3"
    monkeypatch.setenv("DATASETTE_SECRET", "s3")
    args = parse(argv[3:])
    served = serve_argv(args)
    assert [a for a in served if a.endswith(".db")] == ["/d/medverkan.db"]
    assert "contacts" not in " ".join(served)
    settings = dict(zip(served[served.index("--setting") + 1 :: 3], served[served.index("--setting") + 2 :: 3]))
    assert settings["default_allow_sql"] == "off"
    assert settings["allow_download"] == "off"
    assert "s3" not in served and "--secret" not in served and args.secret == "s3"
    assert json.dumps(served)
