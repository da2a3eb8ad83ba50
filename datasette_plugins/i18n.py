"""Interface strings for the Datasette pages, Swedish first.

Datasette has no gettext machinery of its own, so the few strings of our
pages live here: English msgid -> Swedish. ``?lang=en`` switches to English.
"""

from __future__ import annotations

SWEDISH = {
    "Compare two groups": "Jämför två grupper",
    "Compare": "Jämför",
    "Statement": "Påstående",
    "Both groups need answers.": "Båda grupperna behöver svar.",
    "Mann-Whitney U test per statement, two-sided, \"don't know\" left out. r is the effect size (about 0.1 small, 0.3 medium, 0.5 large); with few respondents even a large difference can be chance.": "Mann–Whitneys U-test per påstående, tvåsidigt, ”vet inte” utelämnat. r är effektstorleken (ungefär 0,1 liten, 0,3 medel, 0,5 stor); med få svarande kan även en stor skillnad vara slump.",
    "Attitudes": "Attityder",
    "Attitudes by respondent group": "Attityder per svarsgrupp",
    "Process": "Rekrytering",
    "Processes": "Rekryteringar",
    "All processes": "Alla rekryteringar",
    "Show": "Visa",
    "Group": "Grupp",
    "Respondents": "Svarande",
    "Total": "Totalt",
    "Total of the groups shown": "Summa för visade grupper",
    "Mean": "Medelvärde",
    "Median": "Median",
    "Agree": "Instämmer",
    "Don't know": "Vet inte",
    "fewer than {k}": "färre än {k}",
    "Strongly disagree": "Instämmer inte alls",
    "Disagree": "Instämmer inte",
    "Neither": "Varken eller",
    "Strongly agree": "Instämmer helt",
    "Theme index by group (0 = all disagree strongly, 100 = all agree strongly)": "Temaindex per grupp (0 = alla instämmer inte alls, 100 = alla instämmer helt)",
    "Theme": "Tema",
    "Index": "Index",
    "Shares of answers on the 1-5 scale; \"don't know\" is left out.": "Andelar av svaren på skalan 1–5; ”vet inte” räknas inte.",
    "Groups with fewer than {k} answers in a process are left out of every figure, totals included, so no figure can be worked back to them.": "Grupper med färre än {k} svar i en rekrytering utelämnas ur alla siffror, även summorna, så att ingen siffra kan räknas fram ur dem.",
    "No answers yet.": "Inga svar ännu.",
    "Screening of the qualified applicants (Table 2)": "Brukarrepresentanternas urval (Tabell 2)",
    "1 = yes, 2 = yes with reservation, 3 = doubtful, 4 = no": "1 = ja, 2 = ja med reservation, 3 = tveksam, 4 = nej",
    "Applicant": "Sökande",
    "Rater": "Bedömare",
    "Krippendorff's alpha": "Krippendorffs alfa",
    "ordinal": "ordinal",
    "nominal": "nominal",
    "not computable": "kan inte beräknas",
    "Finalists ranked by each party": "Slutkandidaternas rangordning per part",
    "Party": "Part",
    "Kendall's W": "Kendalls W",
    "Rank": "Rang",
    "Responses by group": "Svar per grupp",
    "Response rates need invitation counts, which only the collector holds: see the coordinator's process page.": "Svarsfrekvenser kräver antal inbjudna, som bara insamlingsverktyget har: se samordnarens sida för rekryteringen.",
    "Search free-text answers": "Sök i fritextsvar",
    "Search": "Sök",
    "Words to search for": "Ord att söka efter",
    "Question": "Fråga",
    "Answer": "Svar",
    "No matches.": "Inga träffar.",
    "The search could not be understood. Use plain words.": "Sökningen gick inte att tolka. Använd vanliga ord.",
    "Exports": "Export",
    "Instrument": "Formulär",
    "Version": "Version",
    "Data (CSV, one row per response)": "Data (CSV, en rad per svar)",
    "Codebook (CSV)": "Kodbok (CSV)",
    "Codebook (Markdown)": "Kodbok (Markdown)",
    "SPSS syntax": "SPSS-syntax",
    "R labels": "R-etiketter",
    "Sign in": "Logga in",
    "Sign in to see the evaluation data.": "Logga in för att se utvärderingsdata.",
    "Sign in with your staff account": "Logga in med ditt personalkonto",
    "You do not have access to this page.": "Du har inte behörighet till den här sidan.",
    "Demo mode: open without sign-in on this computer only. Synthetic data.": "Demoläge: öppet utan inloggning, bara på den här datorn. Syntetiska data.",
    "Language": "Språk",
    "Chart": "Diagram",
    "The same figures as a table follow the chart.": "Samma siffror finns i tabellen efter diagrammet.",
    "Unknown process.": "Okänd rekrytering.",
    "There is no such row: the address is not a row of this table.": "Det finns ingen sådan rad: adressen är inte en rad i den här tabellen.",
    "Not found.": "Hittades inte.",
    "Evaluation": "Utvärdering",
    "Raw data and SQL": "Rådata och SQL",
}


def translator(lang: str):
    """A gettext-like function for ``lang`` ("sv" or "en")."""

    def gettext(msgid: str, **values) -> str:
        text = msgid if lang == "en" else SWEDISH.get(msgid, msgid)
        return text.format(**values) if values else text

    return gettext


def language(request) -> str:
    """``?lang=en`` or the ``medverkan_lang`` cookie; Swedish otherwise."""
    lang = request.args.get("lang") or request.cookies.get("medverkan_lang") or "sv"
    return "en" if lang == "en" else "sv"
