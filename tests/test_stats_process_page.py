"""Table 2 on the process page carries alpha with its interval, kappa, agreement and what they rest on."""

from __future__ import annotations

import re

import krippendorff
import numpy as np
import pytest

from datasette_plugins import agreement
from datasette_plugins.i18n import format_number
from tests.fixtures.datasette import TABLE_2
from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio


async def page(ds, lang="sv"):
    response = await ds.client.get(f"/-/medverkan/process/1?lang={lang}", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert response.status_code == 200
    return response.text


def table_2_triples():
    return [(a, r, v) for r, by_applicant in TABLE_2.items() for a, v in by_applicant.items()]


async def test_table_2_shows_interval_alpha_kappa_and_percent_agreement(ds):
    html = await page(ds)
    matrix = np.array([[TABLE_2[r][a] for a in sorted(TABLE_2["Brukare A"])] for r in sorted(TABLE_2)], dtype=float)
    interval = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert f"intervall {format_number(interval, 'sv', 3)}" in html
    section = html.split('id="agreement-h"')[1]
    kappa = agreement.fleiss_kappa(table_2_triples())
    share = agreement.percent_agreement(table_2_triples())
    assert f"<td>{format_number(kappa, 'sv', 3)}</td>" in section
    assert f"<td>{format_number(100 * share, 'sv', 1)} %</td>" in section
    low, high, _ = agreement.bootstrap_alpha(table_2_triples(), "ordinal")
    assert f"{format_number(low, 'sv', 3)} till {format_number(high, 'sv', 3)}" in section
    # Every statistic says how many raters and applicants it rests on.
    assert len(re.findall(rf"<td>{len(TABLE_2)}</td><td>{len(TABLE_2['Brukare A'])}</td>", section)) == 5
    assert "Bedömare som ingår: Brukare A, Brukare B, Brukare C" in section
    assert "färre än två bedömningar): inga" in section
    assert "1\u202f000 omdragningar" in section


async def test_a_negative_alpha_is_read_as_disagreement_beyond_chance(ds):
    assert agreement.screening_agreement(table_2_triples())["alphas"]["ordinal"] < 0
    assert "mer oeniga än slumpen" in await page(ds)
    assert "disagree more than chance" in await page(ds, "en")


async def test_canned_table_2_query_carries_interval_alpha_kappa_and_agreement(ds):
    response = await ds.client.get(
        "/medverkan/screening_table_2.json?process_id=1&_shape=objects", cookies=actor_cookie(ds, "eva", "evaluator")
    )
    assert response.status_code == 200
    row = response.json()["rows"][0]
    matrix = np.array([[TABLE_2[r][a] for a in sorted(TABLE_2["Brukare A"])] for r in sorted(TABLE_2)], dtype=float)
    assert row["alpha_interval"] == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval"))
    assert row["fleiss_kappa"] == pytest.approx(agreement.fleiss_kappa(table_2_triples()))
    assert row["percent_agreement"] == pytest.approx(agreement.percent_agreement(table_2_triples()))
