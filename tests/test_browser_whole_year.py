"""A whole recruitment year from a fresh install, walked as an HR coordinator would.

Real parts only: the ``medverkan`` program in a clean environment (an empty
instance folder, no ``MEDVERKAN_*`` key but the instance path), the
collector under gunicorn with the production configuration, a real SMTP
server (aiosmtpd) on loopback, and Debian's Chromium through Playwright.
Time passes by restarting the server with a later ``TODAY`` setting
(``collector.clock``) and by running the daily cron (``medverkan send-due``
and ``medverkan purge``) as subprocesses on that date.

The walk: init, first admin (CLI); the municipality, departments and a
coordinator account (browser, admin); representatives in the pool, a
process with stages and applicants, representatives picked from the pool,
the other participants from an uploaded CSV file, invitations confirmed and
sent; people answer from their mailed links; reminders a week later, one
answered from the reminder's link; the decision with the hire's start date,
feedback, closing; the purge RETENTION_DAYS later keeps only the hire; the
follow-up FOLLOWUP_DAYS after the start date, its reminder, the hire's
answer from the first follow-up mail; the final purge leaves no contact data
of the process, and the served database holds the answers and nothing that
names anyone.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.coordinator import SmtpRecorder
from tests.fixtures.servers import free_port
from tests.fixtures.servers import start_collector

ADMIN_PASSWORD = "admin password of the first day"
COORDINATOR_PASSWORD = "coordinator password 2026"
LINK = re.compile(r"https?://[^\s<\"]+/s/([A-Za-z0-9_\-]+)")
RECEIPT = re.compile(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}")

DAY_ONE = datetime.date(2026, 2, 2)
REMINDER_DAY = DAY_ONE + datetime.timedelta(days=8)
DECISION_DAY = DAY_ONE + datetime.timedelta(days=30)
HIRE_STARTS = datetime.date(2026, 4, 1)
RETENTION_DAYS = 90  # collector/settings.py defaults, stated here so the calendar reads plainly
FOLLOWUP_DAYS = 182
REMINDER_MIN_DAYS = 7
PURGE_DAY = DECISION_DAY + datetime.timedelta(days=RETENTION_DAYS)
FOLLOWUP_DAY = HIRE_STARTS + datetime.timedelta(days=FOLLOWUP_DAYS)
FOLLOWUP_REMINDER_DAY = FOLLOWUP_DAY + datetime.timedelta(days=REMINDER_MIN_DAYS)
HIRE_ANSWERS = FOLLOWUP_REMINDER_DAY + datetime.timedelta(days=2)
LAST_DAY = HIRE_ANSWERS + datetime.timedelta(days=REMINDER_MIN_DAYS)

REPRESENTATIVES = [("Åsa Lind", "asa.lind@example.se"), ("Karim Haddad", "karim.haddad@example.se")]
IMPORTED = [
    ("Cecilia Berg", "cecilia.berg@example.se", "sökande", "sv"),
    ("Daniel Ek", "daniel.ek@example.se", "sökande", "sv"),
    ("Eva Holm", "eva.holm@example.se", "chef", "sv"),
    ("Frank Miller", "frank.miller@example.se", "facklig", "en"),
]
HIRE = ("Nora Nyberg", "nora.nyberg@example.se")
PEOPLE = REPRESENTATIVES + [(name, email) for name, email, _group, _lang in IMPORTED] + [HIRE]


def _program() -> str:
    beside_python = os.path.join(os.path.dirname(sys.executable), "medverkan")
    return beside_python if os.path.exists(beside_python) else "medverkan"


class Install:
    """A fresh installation in an empty directory: the ``medverkan`` program and the served collector."""

    def __init__(self, root: Path, smtp_port: int):
        self.home = root / "home"
        self.home.mkdir()
        self.instance = root / "instance"
        repo = Path(__file__).resolve().parents[1]
        # A clean environment: nothing of the test run's MEDVERKAN_* settings leaks in.
        self.env = {
            "PATH": os.environ["PATH"], "HOME": str(self.home), "LANG": "C.UTF-8", "PYTHONPATH": str(repo),
            "MEDVERKAN_INSTANCE_PATH": str(self.instance),
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail_env = {
            "MEDVERKAN_SMTP_HOST": "127.0.0.1", "MEDVERKAN_SMTP_PORT": str(smtp_port),
            "MEDVERKAN_MAIL_FROM": "Medverkan <medverkan@kommun.example.se>", "MEDVERKAN_PUBLIC_BASE_URL": self.url,
        }
        self.server = None
        self.today = None
        self.log = root / "gunicorn.log"

    def medverkan(self, *args: str, today: datetime.date | None = None) -> subprocess.CompletedProcess:
        env = {**self.env, **self.mail_env}
        if today:
            env["MEDVERKAN_TODAY"] = today.isoformat()
        return subprocess.run(
            [_program(), *args], cwd=self.home, env=env, capture_output=True, text=True, timeout=120
        )

    def cron(self, today: datetime.date) -> str:
        """The daily cron of the install's next steps: ``medverkan send-due && medverkan purge``.

        The same commands on the same files with the same settings, run in
        this process through click's runner: a new interpreter for each of
        them cost seconds that would crowd out the walk (``init`` and the
        first admin above are real subprocesses).
        """
        from click.testing import CliRunner

        from collector.coordinator import users as user_store
        from collector.ops.cli import cli

        env = {key: None for key in os.environ if key.startswith("MEDVERKAN_")}
        env.update({**self.env, **self.mail_env, "MEDVERKAN_TODAY": today.isoformat()})
        output = ""
        profile = next(name for name, hasher in user_store.ARGON2_PROFILES.items() if hasher is user_store.password_hasher())
        try:
            for command in ("send-due", "purge"):
                result = CliRunner().invoke(cli, [command], env=env, catch_exceptions=False)
                assert result.exit_code == 0, result.output
                output += result.output
        finally:
            # The install's app chose the production hash parameters process-wide; later tests keep theirs.
            user_store.use_argon2_profile(profile)
        return output

    def serve_on(self, today: datetime.date) -> None:
        """(Re)start the collector with TODAY set: the calendar moves on."""
        self.stop()
        env = {**self.env, **self.mail_env, "MEDVERKAN_TODAY": today.isoformat()}
        self.server = start_collector(env, bind=f"127.0.0.1:{self.port}", workers=1, log_path=self.log)
        self.today = today

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def served(self):
        return _read_only(self.instance / "medverkan.db")

    def contacts(self):
        return _read_only(self.instance / "contacts.db")


@contextlib.contextmanager
def _read_only(path: Path):
    """A read-only look at a database file the server is using (closed afterwards)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def install(tmp_path):
    from aiosmtpd.controller import Controller

    recorder = SmtpRecorder()
    smtp_port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    site = Install(tmp_path, smtp_port)
    site.smtp = recorder
    try:
        yield site
    finally:
        site.stop()
        controller.stop()


# --- what a person does in the browser --------------------------------------------------------


def _submit(page, selector: str = "main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.click(selector)


def _go(page, selector: str) -> None:
    """Follow a link (or a one-button form) and wait for the page it leads to."""
    _submit(page, selector)


def _main(page) -> str:
    return page.locator("main").inner_text()


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    _submit(page)
    assert "/staff/login" not in page.url, _main(page)


# What the page shows: each visible choice group with its size, and the visible empty text fields.
_VISIBLE_FIELDS = """form => {
  const shown = element => element.getClientRects().length > 0;
  const groups = {};
  for (const box of form.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    if (shown(box)) groups[box.name] = (groups[box.name] || 0) + 1;
  }
  const texts = [...form.querySelectorAll("textarea, input[type=text]")]
    .filter(field => shown(field) && !field.value)
    .map(field => [field.id, field.inputMode === "numeric"]);
  const selects = [...form.querySelectorAll("select")].filter(shown).map(select => [select.id, select.name]);
  return {groups, texts, selects};
}"""


def _fill_questionnaire_page(page, text: str) -> None:
    """Answer every question on the page: an agreeing choice, every ranking distinct, Swedish free text."""
    seen = page.locator("form#answers").evaluate(_VISIBLE_FIELDS)
    for name, size in seen["groups"].items():
        group = page.locator(f"form#answers input[name='{name}']")
        # The fourth option of a scale (Instämmer delvis), else the first.
        (group.nth(3) if size >= 5 else group.first).check()
    for select_id, name in seen["selects"]:  # ranking: <key>__<index>, ranks 1..n distinct
        page.select_option(f"[id='{select_id}']", str(int(name.rsplit("__", 1)[1]) + 1))
    for field_id, numeric in seen["texts"]:
        page.fill(f"[id='{field_id}']", "4" if numeric else text)


def _answer(browser, base: str, token: str, text: str, *, language: str = "sv") -> str:
    """Open a personal link in a fresh browser context, answer every page, send; return the receipt code."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=language)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{base}/s/{token}")
        assert page.locator("main a.button").count() == 1, _main(page)[:300]
        with page.expect_navigation():
            page.click("main a.button")
        pages = 0
        for _ in range(25):
            if page.locator("form#answers").count() == 0:
                break
            _fill_questionnaire_page(page, text)
            with page.expect_navigation():
                page.click("form#answers button[value=next]")
            if page.locator(".error-summary").count():  # a question shown by an answer on the same page
                _fill_questionnaire_page(page, text)
                with page.expect_navigation():
                    page.click("form#answers button[value=next]")
            assert page.locator(".error-summary").count() == 0, page.inner_text(".error-summary")
            pages += 1
        assert pages >= 2, _main(page)[:300]
        assert text in _main(page), "the review page shows the free-text answer"
        _submit(page)
        receipt = RECEIPT.search(_main(page))
        assert receipt, _main(page)[:400]
        return receipt.group(0)
    finally:
        context.close()


# --- mail ------------------------------------------------------------------------------------------


def _mails_since(smtp, start: int) -> list[dict]:
    return smtp.messages[start:]


def _to(mail) -> str:
    return mail["rcpt"][0]


def _token_of(mail) -> str:
    return LINK.search(mail["message"].get_body(preferencelist=("plain",)).get_content()).group(1)


def _subject(mail) -> str:
    return " ".join(mail["message"]["Subject"].split())


def _by_recipient(mails) -> dict[str, dict]:
    found = {}
    for mail in mails:
        assert _to(mail) not in found, f"two messages to {_to(mail)}"
        found[_to(mail)] = mail
    return found


def _rates(page) -> dict[str, tuple[str, str, str]]:
    """The process page's response-rate table: group -> (invited, answered, rate)."""
    rows = {}
    for row in page.locator("h2#rates + div table tbody tr").all():
        cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        rows[cells[0]] = (cells[1], cells[2], cells[4])
    return rows


def _csv_upload() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["namn", "e-post", "grupp", "språk"])
    writer.writerows(IMPORTED)
    writer.writerow(IMPORTED[0])  # a row pasted twice is skipped, not fatal
    return out.getvalue().encode("utf-8")


# --- the year -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
# About a minute on an idle 2-core machine; 2-4 minutes when many test runs share it.
@pytest.mark.timeout(480)
def test_a_whole_recruitment_year_from_a_fresh_install_in_a_browser(browser, install):
    smtp = install.smtp

    # Day one on a fresh machine: init writes a private key and the databases, then the first admin.
    init = install.medverkan("init")
    assert init.returncode == 0, init.stderr
    config = install.instance / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert "medverkan user add admin --role admin" in init.stdout
    added = install.medverkan("user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD)
    assert added.returncode == 0, added.stderr
    assert list(install.home.iterdir()) == []  # nothing written where the user stood

    install.serve_on(DAY_ONE)
    base = install.url
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    page.set_default_timeout(15000)
    try:
        # --- the admin: municipality, departments, the coordinator's account
        _sign_in(page, base, "admin", ADMIN_PASSWORD)
        _go(page, "nav >> text=Förvaltningar")
        assert page.locator("h1").inner_text() == "Kommun och förvaltningar"
        assert "Det finns inga förvaltningar ännu" in _main(page)
        page.fill("#name", "Helsingborgs stad")
        _submit(page, "form[action$='/municipality'] button[type=submit]")
        assert page.input_value("#name") == "Helsingborgs stad"
        for name_sv, name_en, key in [
            ("Socialförvaltningen", "Social services", "socialforvaltningen"),
            ("Arbetsmarknadsförvaltningen", "Labour market", "arbetsmarknad"),
        ]:
            page.fill("#name_sv", name_sv)
            page.fill("#name_en", name_en)
            page.fill("#key", key)
            _submit(page, "form[action$='/departments'] button[type=submit]")
            assert "Förvaltningen lades till" in _main(page), _main(page)[:400]
        table = page.locator("table").first.inner_text()
        assert "Socialförvaltningen" in table and "Arbetsmarknadsförvaltningen" in table

        _go(page, "nav >> text=Konton")
        page.fill("#username", "samordnare")
        page.fill("#display_name", "Sara Samordnare")
        page.fill("#email", "sara@kommun.example.se")
        page.select_option("#role", "coordinator")
        page.select_option("#department", "socialforvaltningen")
        page.fill("#password", COORDINATOR_PASSWORD)
        _submit(page)
        assert "Kontot skapades" in _main(page), _main(page)[:400]
        assert "samordnare" in page.locator("table").first.inner_text()
        _go(page, "nav >> text=Logga ut")

        # --- the coordinator: the pool, the process, participants
        _sign_in(page, base, "samordnare", COORDINATOR_PASSWORD)
        _go(page, "nav >> text=Brukarbanken")
        for (name, email), areas in zip(REPRESENTATIVES, [("Psykisk ohälsa", "Hemlöshet"), ("Missbruk",)]):
            _go(page, "text=Registrera en brukarrepresentant")
            page.fill("#name", name)
            page.fill("#email", email)
            for area in areas:
                page.check(f"label:has-text('{area}')")
            _submit(page)
            assert page.locator("h1").inner_text() == name
            _go(page, "text=Tillbaka till brukarbanken")
        assert all(name in _main(page) for name, _email in REPRESENTATIVES)

        _go(page, "nav >> text=Processer")
        _go(page, "text=Ny process")
        page.fill("#code", "HBG-2026-EC")
        page.fill("#post_title", "Enhetschef, försörjningsstöd")
        page.select_option("#department", "socialforvaltningen")
        page.fill("#opened_on", DAY_ONE.isoformat())
        page.fill("#application_deadline", (DAY_ONE + datetime.timedelta(days=14)).isoformat())
        _submit(page)
        assert page.locator("h1").inner_text() == "Enhetschef, försörjningsstöd"
        assert "Socialförvaltningen" in page.locator("dl.facts").inner_text()
        process_url = page.url
        process_id = int(process_url.rstrip("/").rsplit("/", 1)[1])

        _go(page, "text=Ändra stegen")
        page.fill("#stages-0-label_sv", "Urval av ansökningar")
        page.check("#stages-0-representatives_took_part")
        page.fill("#stages-1-label_sv", "Intervjuer med brukarrepresentanter")
        page.check("#stages-1-representatives_took_part")
        _submit(page, "main form button[type=submit]:not([name])")
        assert "Intervjuer med brukarrepresentanter" in page.locator("h2#stages + div table").inner_text()

        _go(page, "text=Ändra de sökandes pseudonymer")
        for row, stage in enumerate(["finalist", "finalist", "interviewed"]):
            page.select_option(f"#applicants-{row}-stage_reached", stage)
        _submit(page, "main form button[type=submit]:not([name])")
        assert page.locator("text=Sökande B:").count() == 1

        _go(page, "main button:has-text('Börja samla in svar')")
        assert "Samlar in svar" in page.locator("dl.facts").inner_text()

        _go(page, "text=Välj brukarrepresentanter från brukarbanken")
        for name, _email in REPRESENTATIVES:
            page.check(f"label:has-text('{name}')")
        _submit(page, "button[name=pick]")
        pool_section = page.locator("h2#pool + ul").inner_text()
        assert all(name in pool_section for name, _email in REPRESENTATIVES)

        _go(page, "text=Importera en lista (CSV)")
        page.set_input_files("#csv_file", files=[{"name": "deltagare.csv", "mimeType": "text/csv", "buffer": _csv_upload()}])
        _submit(page)
        assert "4 deltagare läggs till" in _main(page), _main(page)[:600]
        assert "Samma e-postadress som rad 2" in _main(page)
        _submit(page, "main form:has(input[name=confirm]) button[type=submit]")
        assert "4 deltagare importerades" in _main(page), _main(page)[:400]
        listed = _main(page)
        assert all(name in listed for name, *_rest in IMPORTED)

        # --- invitations: the confirmation shows who gets what; nothing goes before "send"
        page.goto(process_url)
        _go(page, "a:has-text('Skicka inbjudningar till 6 deltagare')")
        assert "6 personer får" in _main(page), _main(page)[:400]
        assert smtp.messages == []
        _submit(page, "button[value=test]")
        # One test per group and language, to the coordinator's own address only.
        assert [_to(m) for m in smtp.messages] == ["sara@kommun.example.se"] * 4
        tests_sent = len(smtp.messages)
        _submit(page, "button[value=send]")
        invitations = _by_recipient(_mails_since(smtp, tests_sent))
        assert set(invitations) == {email for _name, email in PEOPLE[:-1]}
        assert _subject(invitations["asa.lind@example.se"]).startswith("Din syn på rekryteringen")
        assert _subject(invitations["frank.miller@example.se"]).startswith("Your view on the recruitment")
        tokens = {email: _token_of(mail) for email, mail in invitations.items()}
        assert _rates(page)["Brukarrepresentant"] == ("2", "0", "0 %")

        # People answer from their mailed links the same day.
        receipts = [
            _answer(browser, base, tokens["asa.lind@example.se"], "Bra att vi fick träffa de sökande tidigt."),
            _answer(browser, base, tokens["cecilia.berg@example.se"], "Tydlig information om hur urvalet gick till."),
            _answer(browser, base, tokens["eva.holm@example.se"], "Brukarnas frågor gav oss ny kunskap."),
            _answer(browser, base, tokens["frank.miller@example.se"], "Samverkan med facket fungerade väl.", language="en"),
        ]
        page.goto(process_url)
        rates = _rates(page)
        assert rates["Brukarrepresentant"] == ("2", "1", "50 %"), rates
        assert rates["Sökande"] == ("2", "1", "50 %"), rates
        assert rates["Chef eller tjänsteperson"] == ("1", "1", "100 %"), rates
        next_reminder = (DAY_ONE + datetime.timedelta(days=REMINDER_MIN_DAYS)).isoformat()
        assert f"Nästa påminnelse kan skickas {next_reminder}" in _main(page), _main(page)[:1500]

        # --- eight days on: reminders to the two who have not answered
        install.serve_on(REMINDER_DAY)
        page.goto(process_url)
        _go(page, "a:has-text('Påminn 2 personer')")
        assert "Länken i det första meddelandet fortsätter att fungera" in _main(page), _main(page)[:600]
        before = len(smtp.messages)
        _submit(page, "button[value=send]")
        reminders = _by_recipient(_mails_since(smtp, before))
        assert set(reminders) == {"karim.haddad@example.se", "daniel.ek@example.se"}
        assert all(_subject(m).startswith("Påminnelse") for m in reminders.values())
        receipts.append(_answer(browser, base, _token_of(reminders["karim.haddad@example.se"]), "Jag kände mig lyssnad på."))
        page.goto(process_url)
        assert _rates(page)["Brukarrepresentant"] == ("2", "2", "100 %")

        # --- a month in: the decision with the start date, the hire, feedback, closing
        install.serve_on(DECISION_DAY)
        page.goto(process_url)
        assert "Inget beslut registrerat än." in _main(page)
        _go(page, "text=Registrera beslutet")
        page.select_option("#appointed_applicant", "Sökande B")
        page.fill("#decision_rationale", "Störst förmåga att samtala med brukare.")
        page.fill("#hire_starts_on", HIRE_STARTS.isoformat())
        _submit(page)
        assert "Anställd: Sökande B." in _main(page), _main(page)[:1500]

        _go(page, "text=Visa och lägg till deltagare")
        page.fill("#name", HIRE[0])
        page.fill("#email", HIRE[1])
        page.select_option("#group_key", "hired_followup")
        _submit(page, "main form:has(#group_key) button[type=submit]")
        assert "Deltagaren lades till" in _main(page) and HIRE[0] in _main(page), _main(page)[:400]

        page.goto(process_url)
        _go(page, "text=Skicka återkoppling till deltagarna")
        assert "Sökande A fick" not in _main(page)
        _submit(page)
        assert "/feedback/confirm" in page.url
        assert "6 personer får" in _main(page), _main(page)[:400]
        before = len(smtp.messages)
        _submit(page, "button[value=send]")
        feedback = _by_recipient(_mails_since(smtp, before))
        assert set(feedback) == {email for _name, email in PEOPLE[:-1]}  # not the hire: they get the follow-up
        assert all(_subject(m).startswith("Resultatet av rekryteringen") for m in feedback.values() if _to(m) != "frank.miller@example.se")
        assert "Återkopplingen skickades" in _main(page)

        _go(page, "main a:has-text('Avsluta processen')")
        close_page = _main(page)
        assert FOLLOWUP_DAY.isoformat() in close_page, close_page
        assert PURGE_DAY.isoformat() in close_page, close_page
        _submit(page, "main form button.warning")
        assert "Avslutad" in page.locator("dl.facts").inner_text()
        assert f"Uppföljning efter sex månader för {HIRE[0]}: {FOLLOWUP_DAY.isoformat()}" in _main(page)

        # --- the purge day: the cron deletes everyone's contact data but the hire's
        assert "Processes purged: 0" in install.cron(PURGE_DAY - datetime.timedelta(days=1))
        assert f"Processes purged: 1 ({process_id})" in install.cron(PURGE_DAY)
        with install.contacts() as contacts:
            left = contacts.execute("select name, email, group_key from participants where process_id = ?", [process_id]).fetchall()
            assert left == [(HIRE[0], HIRE[1], "hired_followup")]
            assert contacts.execute("select due_on from scheduled_followups").fetchall() == [(FOLLOWUP_DAY.isoformat(),)]
            assert contacts.execute("select count(*) from invitations where process_id = ?", [process_id]).fetchone()[0] == 0
        install.serve_on(PURGE_DAY)
        page.goto(process_url)
        closing = page.locator("h2#closing ~ p").all_inner_texts()
        assert any("utom den anställdas" in text for text in closing), closing
        assert not any(f"raderas {PURGE_DAY.isoformat()}" in text for text in closing), closing
        assert _rates(page)["Brukarrepresentant"] == ("2", "2", "100 %"), "the purge took the response rates"
        page.goto(f"{process_url}/participants")
        listed = _main(page)
        assert HIRE[0] in listed and not any(name in listed for name, _email in PEOPLE[:-1])
        gone = page.request.get(f"{base}/s/{tokens['asa.lind@example.se']}", max_redirects=0)
        assert gone.status == 404, gone.status  # a purged link is unknown, not merely closed

        # --- six months after the start date: the follow-up, a reminder, the hire answers
        before = len(smtp.messages)
        out = install.cron(FOLLOWUP_DAY - datetime.timedelta(days=1))
        assert "Follow-up invitations sent: 0" in out and len(smtp.messages) == before
        out = install.cron(FOLLOWUP_DAY)
        assert "Follow-up invitations sent: 1" in out, out
        followup = _by_recipient(_mails_since(smtp, before))
        assert set(followup) == {HIRE[1]}
        assert _subject(followup[HIRE[1]]).startswith("Sex månader senare")
        followup_token = _token_of(followup[HIRE[1]])

        before = len(smtp.messages)
        out = install.cron(FOLLOWUP_REMINDER_DAY)
        assert "reminders sent: 1" in out, out
        assert [(_to(m), _subject(m)[:11]) for m in _mails_since(smtp, before)] == [(HIRE[1], "Påminnelse:")]
        with install.contacts() as contacts:
            assert contacts.execute(
                "select count(*) from invitations where process_id = ? and is_followup = 1 and status = 'open'", [process_id]
            ).fetchone()[0] >= 1, "the purge deleted the follow-up link"

        install.serve_on(HIRE_ANSWERS)
        page.goto(process_url)
        assert f"skickad {FOLLOWUP_DAY.isoformat()}" in _main(page), _main(page)[-1200:]
        receipts.append(_answer(browser, base, followup_token, "Introduktionen motsvarade vad som lovades."))

        # --- the final purge: nothing of the contacts is left
        before = len(smtp.messages)
        install.cron(LAST_DAY)
        assert len(smtp.messages) == before, "no reminder after the follow-up was answered"
        with install.contacts() as contacts:
            for table in ("participants", "invitations", "scheduled_followups", "hire_starts"):
                count = contacts.execute(f"select count(*) from {table} where process_id = ?", [process_id]).fetchone()[0]
                assert count == 0, f"{count} rows of {table} outlived the final purge"
            for table in ("drafts", "pending_submissions", "earlier_links"):
                count = contacts.execute(f"select count(*) from {table}").fetchone()[0]
                assert count == 0, f"{count} rows of {table} outlived the final purge"
            assert contacts.execute("select count(*) from purged_processes where process_id = ?", [process_id]).fetchone()[0] == 1
            # No name or address of the process's people anywhere; the pool keeps its own members' registrations.
            for table, column, value in _text_values(contacts):
                for name, email in PEOPLE:
                    if table == "pool_members" and (name, email) in REPRESENTATIVES:
                        continue
                    assert name not in value and email not in value, f"{name} is still in the contacts {table}.{column}"
        install.serve_on(LAST_DAY)
        page.goto(process_url)
        assert "Kontaktuppgifterna raderades" in _main(page), _main(page)[-1200:]
        rates = _rates(page)
        assert rates["Anställd, uppföljning efter sex månader"] == ("1", "1", "100 %"), rates
        assert rates["Sökande"] == ("2", "1", "50 %") and rates["Facklig företrädare"] == ("1", "1", "100 %"), rates
        page.goto(f"{process_url}/participants")
        assert HIRE[0] not in _main(page)
    finally:
        staff.close()

    # --- the served database: the answers, and nothing that names anyone or opens a link
    with install.served() as served:
        groups = served.execute(
            "select group_key, count(*) from responses where process_id = ? group by group_key order by group_key", [process_id]
        ).fetchall()
        assert groups == [("candidate", 1), ("hired_followup", 1), ("manager", 1), ("representative", 2), ("union", 1)]
        texts = {row[0] for row in served.execute("select value_text from answers where value_text is not null")}
        assert "Introduktionen motsvarade vad som lovades." in texts and "Jag kände mig lyssnad på." in texts
        secrets = [part for person in PEOPLE for part in person] + ["sara@kommun.example.se"]
        secrets += list(tokens.values()) + [followup_token, *receipts]
        secrets += [_token_of(m) for m in reminders.values()]
        for table, column, value in _text_values(served):
            for secret in secrets:
                assert secret.lower() not in value.lower(), f"{secret!r} is in the served {table}.{column}"


def _text_values(db: sqlite3.Connection):
    """(table, column, value as text) of every non-null value of every table, shadow tables included."""
    for (table,) in db.execute("select name from sqlite_master where type = 'table'").fetchall():
        for column in [row[1] for row in db.execute(f'pragma table_info("{table}")')]:
            for (value,) in db.execute(f'select "{column}" from "{table}" where "{column}" is not null'):
                yield table, column, value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
