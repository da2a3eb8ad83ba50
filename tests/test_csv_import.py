"""CSV import of participants: parsing, per-row errors, preview, confirm."""

import io

from collector.coordinator.participants import decode_upload
from collector.coordinator.participants import parse_csv
from tests.fixtures.coordinator import csrf_from


def test_semicolons_cp1252_and_swedish_headers():
    text = "Namn;E-post;Grupp;Språk\r\nÅsa Öberg;asa@example.se;Brukarrepresentant;sv\r\nBo;BO@example.se;facklig;engelska\r\n"
    preview = parse_csv(decode_upload(text.encode("cp1252")), set())
    assert preview.ok
    assert preview.separator == ";"
    assert [(r.name, r.email, r.group_key, r.language) for r in preview.rows] == [
        ("Åsa Öberg", "asa@example.se", "representative", "sv"),
        ("Bo", "bo@example.se", "union", "en"),
    ]


def test_utf8_with_bom_and_commas_and_english_groups():
    text = "\ufeffname,email,group\nAnna,anna@example.se,Manager or official\nCarl,carl@example.se,candidate\n"
    preview = parse_csv(decode_upload(text.encode("utf-8")), set())
    assert preview.ok
    assert [r.group_key for r in preview.rows] == ["manager", "candidate"]


def test_per_row_errors():
    text = (
        "namn;e-post;grupp\n"
        "A;not-an-email;brukare\n"
        "B;b@example.se;astronaut\n"
        "C;c@example.se;sökande\n"
        "D;C@example.se;sökande\n"
        "E;old@example.se;chef\n"
        "F;;chef\n"
    )
    preview = parse_csv(text, {"old@example.se"})
    assert not preview.ok
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == ["Not a valid email address."]
    assert errors[3] == ["Unknown group."]
    assert errors[4] == []
    # Duplicates are marked, not errors (see test_a_duplicate_row_does_not_reject_the_file).
    assert errors[5] == [] and preview.rows[3].duplicate_of_line == 4
    assert errors[6] == [] and preview.rows[4].already_participant
    assert errors[7] == ["Email address missing."]
    assert [row.line for row in preview.valid_rows] == [4]


def test_a_duplicate_row_does_not_reject_the_file():
    text = (
        "namn;e-post;grupp\nÅsa;asa@example.se;brukare\nÅsa igen;ASA@example.se;brukare\nOld;old@example.se;chef\nBo;bo@example.se;chef\n"
    )
    preview = parse_csv(text, {"old@example.se"})
    assert preview.ok
    assert [row.email for row in preview.valid_rows] == ["asa@example.se", "bo@example.se"]
    assert [(row.line, row.duplicate_of_line, row.already_participant) for row in preview.duplicate_rows] == [
        (3, 2, False), (4, None, True),
    ]


def test_excel_separator_hint_line():
    preview = parse_csv("sep=;\r\nE-post;Grupp\r\na@example.se;Sökande\r\n", set())
    assert preview.ok and preview.rows[0].group_key == "candidate"
    assert preview.rows[0].line == 3


def test_missing_columns():
    preview = parse_csv("namn;telefon\nA;0701234567\n", set())
    assert not preview.ok and preview.file_errors and not preview.rows
    assert parse_csv("", set()).file_errors == ["The file is empty."]
    assert parse_csv("email,group\n", set()).file_errors


def test_ten_thousand_rows_parse():
    lines = ["email;group"] + [f"person{i}@example.se;candidate" for i in range(10_000)]
    preview = parse_csv("\n".join(lines), set())
    assert preview.ok and len(preview.rows) == 10_000


def test_import_preview_then_confirm(coordinator_client, make_process, contacts_reader):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/import"
    token = csrf_from(coordinator_client, url)
    data = "namn;e-post;grupp\nÅsa;asa@example.se;brukare\nBo;bo@example;chef\n".encode("cp1252")
    response = coordinator_client.post(
        url, data={"csrf_token": token, "csv_file": (io.BytesIO(data), "lista.csv")}, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Inte en giltig e-postadress." in page
    assert 'href="#row-errors"' in page
    # What was uploaded is kept in the text box for correction; nothing saved.
    assert "Åsa;asa@example.se;brukare" in page
    assert contacts_reader.execute("select count(*) from participants").fetchone()[0] == 0

    fixed = "namn;e-post;grupp\nÅsa;asa@example.se;brukare\nBo;bo@example.se;chef\n"
    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": fixed})
    assert response.status_code == 200
    assert "Bekräfta och spara" in response.get_data(as_text=True)
    assert contacts_reader.execute("select count(*) from participants").fetchone()[0] == 0

    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": fixed, "confirm": "yes"})
    assert response.status_code == 302
    rows = list(contacts_reader.query("select name, email, group_key from participants order by id"))
    assert rows == [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative"},
        {"name": "Bo", "email": "bo@example.se", "group_key": "manager"},
    ]
    # Importing the same list again: every row is a duplicate, nothing saved.
    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": fixed, "confirm": "yes"})
    assert response.status_code == 400
    assert contacts_reader.execute("select count(*) from participants").fetchone()[0] == 2


def test_import_ten_thousand_rows_through_the_page(coordinator_client, make_process, contacts_reader):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/import"
    token = csrf_from(coordinator_client, url)
    text = "\n".join(["e-post;grupp"] + [f"p{i}@example.se;sökande" for i in range(10_000)])
    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": text, "confirm": "yes"})
    assert response.status_code == 302
    assert contacts_reader.execute("select count(*) from participants").fetchone()[0] == 10_000


def test_garbage_upload_gives_a_message_not_a_500(coordinator_client, make_process):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/import"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(
        url, data={"csrf_token": token, "csv_file": (io.BytesIO(bytes(range(256)) * 4), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Det finns ett problem" in response.get_data(as_text=True)


def test_import_page_marks_duplicates_and_imports_the_rest(coordinator_client, make_process, contacts_reader, contacts_db):
    from collector.coordinator import participants as participant_store

    process_id = make_process()
    participant_store.add_participants(contacts_db, process_id, [{"name": "Old", "email": "old@example.se", "group_key": "manager"}])
    url = f"/coordinator/processes/{process_id}/import"
    token = csrf_from(coordinator_client, url)
    text = (
        "namn;e-post;grupp\nÅsa;asa@example.se;brukare\nÅsa igen;asa@example.se;brukare\nOld;old@example.se;chef\nBo;bo@example.se;chef\n"
    )
    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" not in page
    assert "Dubbletter: de här raderna hoppas över" in page
    assert "Samma e-postadress som rad 2." in page and "Redan deltagare i processen." in page
    assert "2 deltagare läggs till." in page and "Bekräfta och spara" in page
    response = coordinator_client.post(url, data={"csrf_token": token, "csv_text": text, "confirm": "yes"})
    assert response.status_code == 302
    emails = [r[0] for r in contacts_reader.execute("select email from participants order by id")]
    assert emails == ["old@example.se", "asa@example.se", "bo@example.se"]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 deltagare importerades." in page and "2 dubblettrader hoppades över." in page
