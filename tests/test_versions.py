"""Versions: diff, new version on change, answered versions untouched,
core keep/break, department variants, through the `medverkan instruments` CLI."""

import dataclasses

from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.instruments.registry import register_instrument
from collector.ops.cli import cli
from forms.definitions import load_builtin_instruments
from forms.model import Page
from forms.versions import apply_core_decisions
from forms.versions import diff
from forms.xlsform import write_xlsform


def representative():
    return load_builtin_instruments()["representative"]


def reword(instrument, key, sv, version=None):
    pages = tuple(
        Page(p.key, p.title, tuple(dataclasses.replace(q, text={**q.text, "sv": sv}) if q.key == key else q for q in p.questions), p.intro)
        for p in instrument.pages
    )
    return dataclasses.replace(instrument, pages=pages, version=version or instrument.version + 1)


def core_key(instrument):
    return next(q.key for q in instrument.questions if q.core)


def test_diff_shows_added_removed_reworded_and_type_changes():
    old = representative()
    first, second = old.questions[0], old.questions[1]
    new = reword(old, first.key, "Ny formulering")
    last_page = new.pages[-1]
    changed_type = dataclasses.replace(second, type="text", choices=(), dont_know=True)
    added = dataclasses.replace(second, key="brand_new")
    pages = [Page(p.key, p.title, tuple(changed_type if q.key == second.key else q for q in p.questions), p.intro) for p in new.pages]
    pages[-1] = Page(last_page.key, last_page.title, last_page.questions[:-1] + (added,), last_page.intro)
    removed = last_page.questions[-1].key
    kinds = {(c.kind, c.key) for c in diff(old, dataclasses.replace(new, pages=tuple(pages)))}
    assert {("reworded", first.key), ("type", second.key), ("added", "brand_new"), ("removed", removed)} <= kinds
    assert diff(old, old) == []


def test_core_break_renames_and_leaves_the_core_keep_does_not():
    old = representative()
    key = core_key(old)
    new = reword(old, key, "Omformulerad kärnfråga")
    kept = apply_core_decisions(new, {key: "keep"})
    broken = apply_core_decisions(new, {key: "break"})
    assert kept.question(key).core
    assert broken.question(f"{key}_v{new.version}").core is False
    assert key not in {q.key for q in broken.questions}


def test_cli_publish_creates_a_new_version_and_never_touches_an_answered_one(runner, served_db, tmp_path):
    old = representative()
    first = register_instrument(served_db, old)
    served_db.execute("update instruments set frozen_on = '2026-11-01' where id = ?", [first])
    before = served_db.execute("select definition_json from instruments where id = ?", [first]).fetchone()[0]
    key = core_key(old)
    changed_same_version = tmp_path / "same.xlsx"
    write_xlsform(reword(old, key, "Ändrad", version=old.version), changed_same_version)
    refused = runner.invoke(cli, args=["instruments", "publish", str(changed_same_version), "--core-reworded", "keep"])
    assert refused.exit_code != 0 and "new version" in refused.output
    bumped = tmp_path / "bumped.xlsx"
    write_xlsform(reword(old, key, "Ändrad"), bumped)
    result = runner.invoke(cli, args=["instruments", "publish", str(bumped)], input="break\n")
    assert result.exit_code == 0, result.output
    assert "Common-core item" in result.output
    assert served_db.execute("select definition_json from instruments where id = ?", [first]).fetchone()[0] == before
    row = served_db.execute("select id from instruments where key = ? and version = ?", [old.key, old.version + 1]).fetchone()
    assert f"{key}_v{old.version + 1}" in {q.key for q in load_registered(served_db, row[0]).questions}
    listing = runner.invoke(cli, args=["instruments", "list"]).output
    assert f"{old.key}@{old.version}" in listing and "answered" in listing
    shown = runner.invoke(cli, args=["instruments", "diff", f"{old.key}@{old.version}", f"{old.key}@{old.version + 1}"])
    assert "removed" in shown.output and "added" in shown.output


def test_cli_export_and_import(runner, served_db, tmp_path):
    register_instrument(served_db, representative())
    out = tmp_path / "rep.xlsx"
    assert runner.invoke(cli, args=["instruments", "export", "representative", str(out)]).exit_code == 0
    checked = runner.invoke(cli, args=["instruments", "import", str(out)])
    assert checked.exit_code == 0 and "representative@" in checked.output


def test_department_variant_published_from_xlsform_is_used_for_its_processes(runner, served_db, tmp_path):
    default = register_instrument(served_db, representative())
    variant = dataclasses.replace(representative(), key="representative_arbetsmarknad", department="arbetsmarknad")
    path = tmp_path / "variant.xlsx"
    write_xlsform(variant, path)
    assert runner.invoke(cli, args=["instruments", "publish", str(path)]).exit_code == 0
    served_db["departments"].insert({"key": "arbetsmarknad", "name_sv": "Arbetsmarknad", "name_en": "Labour"}, replace=True)
    process = (
        served_db["processes"].insert({"code": "AM-1", "post_title": "Chef", "status": "collecting", "department": "arbetsmarknad"}).last_pk
    )
    other = served_db["processes"].insert({"code": "X-1", "post_title": "Chef", "status": "collecting"}).last_pk
    chosen = instrument_for(served_db, process, "representative")
    assert chosen != default and load_registered(served_db, chosen).department == "arbetsmarknad"
    assert instrument_for(served_db, other, "representative") == default
    core = {q.key for q in load_registered(served_db, chosen).questions if q.core}
    assert core and core == {q.key for q in load_registered(served_db, default).questions if q.core}
