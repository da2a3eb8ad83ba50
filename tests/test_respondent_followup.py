"""The hired person's six-month follow-up link works after the process has closed."""

from collector.invitations import create_invitation


def test_followup_link_opens_after_the_process_closed_but_ordinary_links_do_not(client, survey):
    ordinary = survey.invite()
    survey.served.execute("update processes set status = 'closed' where id = ?", [survey.process_id])
    followup = create_invitation(survey.contacts, survey.process_id, "hired_followup", is_followup=True)

    assert client.get(f"/s/{ordinary}").status_code == 410
    opened = client.get(f"/s/{followup}")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith("/svar")
