"""Time a 10 000-row participant CSV import through the coordinator page
(cp1252, semicolons: preview, then confirm). Run: python bench/csv_import.py"""
import io
import sys
import tempfile
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from collector import create_app
from collector.coordinator import processes
from collector.coordinator import users
from collector.db import connect
from collector.migrations import init_databases
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in

d = tempfile.mkdtemp()
s, c = d + "/m.db", d + "/c.db"
init_databases(s, c)
S, C = connect(s), connect(c)
S["departments"].insert({"key": "so", "name_sv": "So", "name_en": "So"})
pid = processes.create_process(S, {"code": "X", "post_title": "P", "department": "so"})
users.add_user(C, "coord", "a long enough password", "coordinator", department="so")
app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": s, "CONTACTS_DATABASE": c, "RATELIMIT_ENABLED": False})
client = app.test_client()
sign_in(client, "coord", "a long enough password")
url = f"/coordinator/processes/{pid}/import"
token = csrf_from(client, url)
text = "\n".join(["namn;e-post;grupp"] + [f"Person {i};p{i}@example.se;sökande" for i in range(10_000)]).encode("cp1252")
t0 = time.perf_counter()
r = client.post(url, data={"csrf_token": token, "csv_file": (io.BytesIO(text), "x.csv")}, content_type="multipart/form-data")
t1 = time.perf_counter()
r2 = client.post(url, data={"csrf_token": token, "csv_text": text.decode("cp1252"), "confirm": "yes"})
t2 = time.perf_counter()
print(
    f"preview {r.status_code} {t1-t0:.2f} s; confirm {r2.status_code} {t2-t1:.2f} s; "
    f"rows {C.execute('select count(*) from participants').fetchone()[0]}"
)
