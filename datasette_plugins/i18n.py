"""Interface strings for the Datasette pages, Swedish first.

Datasette has no gettext machinery of its own, so the few strings of our
pages live here: English msgid -> Swedish. ``?lang=en`` switches to English.
"""

from __future__ import annotations

SWEDISH = {
    "Compare two groups": "Jämför två grupper",
    "Compare": "Jämför",
    "p method": "p-metod",
    "exact": "exakt",
    "asymptotic": "asymptotisk",
    "p is exact (all ways to split the answers between the two groups, ties included) when n A × n B is at most "
    "400, otherwise from the normal approximation with tie correction.": (
        "p är exakt (alla sätt att fördela svaren mellan de två grupperna, lika värden medräknade) när n A × n B är "
        "högst 400, annars från normalapproximationen med korrektion för lika värden."
    ),
    "Statement": "Påstående",
    "Both groups need answers.": "Båda grupperna behöver svar.",
    "Mann-Whitney U test per statement, two-sided, \"don't know\" left out. r is the effect size (about 0.1 "
    "small, 0.3 medium, 0.5 large); with few respondents even a large difference can be chance.": (
        "Mann–Whitneys U-test per påstående, tvåsidigt, ”vet inte” utelämnat. r är effektstorleken (ungefär 0,1 "
        "liten, 0,3 medel, 0,5 stor); med få svarande kan även en stor skillnad vara slump."
    ),
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
    "Agree (4-5)": "Instämmer (4–5)",
    "Agree": "Instämmer",
    "Research file for SPSS with labels and missing codes (.sav)": "Forskningsfil för SPSS med etiketter och koder för bortfall (.sav)",
    "Research file for Stata with labels and missing codes (.dta)": "Forskningsfil för Stata med etiketter och koder för bortfall (.dta)",
    "Don't know": "Vet inte",
    "fewer than {k}": "färre än {k}",
    "Share who agree per theme and group (4–5 on the scale, % of everyone who answered)": (
        "Andel som instämmer per tema och grupp (4–5 på skalan, % av alla som svarade)"
    ),
    "Theme": "Tema",
    "Agree, %": "Instämmer, %",
    "Shares of answers on the 1-5 scale; \"don't know\" is left out.": "Andelar av svaren på skalan 1–5; ”vet inte” räknas inte.",
    "Groups with fewer than {k} answers in a process are left out of every figure, totals included, so no figure "
    "can be worked back to them.": (
        "Grupper med färre än {k} svar i en rekrytering utelämnas ur alla siffror, även summorna, så att ingen "
        "siffra kan räknas fram ur dem."
    ),
    "No answers yet.": "Inga svar ännu.",
    "Screening of the qualified applicants (Table 2)": "Brukarrepresentanternas urval (Tabell 2)",
    "1 = yes, 2 = yes with reservation, 3 = doubtful, 4 = no": "1 = ja, 2 = ja med reservation, 3 = tveksam, 4 = nej",
    "Applicant": "Sökande",
    "Rater": "Bedömare",
    "Krippendorff's alpha": "Krippendorffs alfa",
    "interval": "intervall",
    "Agreement among the representatives": "Överensstämmelse mellan brukarrepresentanterna",
    "Statistic": "Mått",
    "Value": "Värde",
    "95 % confidence interval": "95 % konfidensintervall",
    "Raters": "Bedömare",
    "Applicants": "Sökande",
    "What it means": "Vad det betyder",
    "to": "till",
    "none": "inga",
    "Fleiss' kappa": "Fleiss kappa",
    "Percent agreement": "Andel överensstämmelse",
    "Raters used": "Bedömare som ingår",
    "Applicants left out (fewer than two ratings)": "Sökande som utelämnats (färre än två bedömningar)",
    "Like alpha, nominal: 0 is chance level, 1 full agreement, below 0 disagreement beyond chance.": (
        "Som alfa, nominal: 0 är slumpens nivå, 1 full överensstämmelse, under 0 mer oenighet än slumpen ger."
    ),
    "Share of rater pairs giving an applicant the same value; not corrected for chance.": (
        "Andel par av bedömare som gav en sökande samma värde; inte korrigerad för slump."
    ),
    "Alpha of 0.8 or more can be relied on, 0.667 to 0.8 allows tentative conclusions (Krippendorff 2004). The "
    "interval is a percentile bootstrap: {n} resamples of the applicants with replacement, the same seed on "
    "every load.": (
        "Ett alfa på 0,8 eller mer går att lita på, 0,667–0,8 räcker för försiktiga slutsatser (Krippendorff 2004). "
        "Intervallet är ett percentil-bootstrapintervall: {n} omdragningar av de sökande med återläggning, samma "
        "startvärde vid varje visning."
    ),
    "Alpha cannot be computed: the raters used only one value, or too few units have two ratings.": (
        "Alfa kan inte beräknas: bedömarna använde bara ett värde, eller för få sökande har två bedömningar."
    ),
    "Below zero: the raters disagree more than chance would make them.": "Under noll: bedömarna är mer oeniga än slumpen skulle göra dem.",
    "Below 0.667: agreement too weak to rely on (Krippendorff's lowest threshold for tentative conclusions).": (
        "Under 0,667: för svag överensstämmelse att lita på (Krippendorffs lägsta gräns för försiktiga slutsatser)."
    ),
    "Between 0.667 and 0.8: enough only for tentative conclusions.": "Mellan 0,667 och 0,8: räcker bara för försiktiga slutsatser.",
    "0.8 or above: the raters agree reliably.": "0,8 eller mer: bedömarna är tillförlitligt eniga.",
    "ordinal": "ordinal",
    "nominal": "nominal",
    "not computable": "kan inte beräknas",
    "Finalists ranked by each party": "Slutkandidaternas rangordning per part",
    "Party": "Part",
    "Kendall's W": "Kendalls W",
    "{m} parties, {n} finalists": "{m} parter, {n} slutkandidater",
    "Ranked only some finalists (the others count as tied last)": (
        "Rangordnade bara några slutkandidater (de övriga räknas som delad sista plats)"
    ),
    "not": "inte",
    "Every party ranked every finalist.": "Varje part rangordnade alla slutkandidater.",
    "W is 0 when the parties' rankings are unrelated and 1 when they all rank alike.": (
        "W är 0 när parternas rangordningar saknar samband och 1 när alla rangordnar lika."
    ),
    "Rank": "Rang",
    "Responses by group": "Svar per grupp",
    "Response rates need invitation counts, which only the collector holds: see the coordinator's process page.": (
        "Svarsfrekvenser kräver antal inbjudna, som bara insamlingsverktyget har: se samordnarens sida för "
        "rekryteringen."
    ),
    "Search free-text answers": "Sök i fritextsvar",
    "Search": "Sök",
    "Words to search for": "Ord att söka efter",
    "Question": "Fråga",
    "Answer": "Svar",
    "No matches.": "Inga träffar.",
    "Finds other forms of a word and compounds: “återkopplingen” also finds “återkoppling” and “återkopplingar”, "
    "“representant” also finds “brukarrepresentanten”.": (
        "Hittar andra former av ett ord och sammansättningar: ”återkopplingen” hittar också ”återkoppling” och "
        "”återkopplingar”, ”representant” hittar också ”brukarrepresentanten”."
    ),
    "New answers enter the search in batches (usually within a day), so the very newest may not be found yet.": (
        "Nya svar läggs in i sökningen i omgångar (oftast inom ett dygn), så de allra senaste kan saknas här ännu."
    ),
    "All groups": "Alla grupper",
    "All themes": "Alla teman",
    "{n} answers found": "{n} svar hittades",
    "1 answer found": "1 svar hittades",
    "Searched for": "Sökte efter",
    "“{word}” as {stem} (word forms in the answers: {count})": "”{word}” som {stem} (ordformer i svaren: {count})",
    "Showing {first}–{last}.": "Visar {first}–{last}.",
    "Pages of hits": "Sidor med träffar",
    "Previous page": "Föregående sida",
    "Write at least one word (letters or digits).": "Skriv minst ett ord (bokstäver eller siffror).",
    "“{word}” is part of too many words to search for: write more of it.": (
        "”{word}” ingår i för många ord för att söka på: skriv mer av ordet."
    ),
    "No answer has a word like “{word}”.": "Inget svar har något ord som liknar ”{word}”.",
    "Only the first {n} words were searched for.": "Bara de {n} första orden söktes.",
    "Exports": "Export",
    "Instrument": "Formulär",
    "Version": "Version",
    "Data as codes (CSV, one row per response, answers as numbers)": "Data som koder (CSV, en rad per svar, svaren som siffror)",
    "Data with answer labels (CSV, one row per response, answers as words)": "Data med svarsetiketter (CSV, en rad per svar, svaren i ord)",
    "Data as codes for Swedish Excel (semicolons, decimal comma)": "Data som koder för svenska Excel (semikolon, decimalkomma)",
    "Data with answer labels for Swedish Excel (semicolons)": "Data med svarsetiketter för svenska Excel (semikolon)",
    "Codebook to read in the browser: every question, its codes, missing codes and when it is asked (HTML)": (
        "Kodbok att läsa i webbläsaren: varje fråga, dess koder, koder för bortfall och när frågan ställs (HTML)"
    ),
    "Codebook as Markdown": "Kodbok som Markdown",
    "Codebook as CSV": "Kodbok som CSV",
    "Codebook as CSV for Swedish Excel": "Kodbok som CSV för svenska Excel",
    "SPSS syntax that reads the data CSV with every label and missing code (.sps)": (
        "SPSS-syntax som läser data-CSV:n med alla etiketter och koder för bortfall (.sps)"
    ),
    "R script that reads the data CSV with ordered factors, don't know as NA (.R)": (
        "R-skript som läser data-CSV:n med ordnade faktorer och ”vet inte” som NA (.R)"
    ),
    (
        "Every file of a questionnaire version has one row per response, the process code, department and year "
        "on every row, and a random response key drawn anew for each download (two downloads cannot be joined on "
        "it). Each CSV comes in two dialects: comma-separated UTF-8 for R, SPSS, Stata and pandas, and semicolons "
        "with decimal comma for Swedish Excel."
    ): (
        "Varje fil för en formulärversion har en rad per svar, rekryteringens kod, förvaltning och år på varje rad "
        "och en slumpad svarsnyckel som dras på nytt vid varje nedladdning (två nedladdningar kan inte kopplas ihop "
        "på den). Varje CSV finns i två varianter: kommaseparerad UTF-8 för R, SPSS, Stata och pandas, och med "
        "semikolon och decimalkomma för svenska Excel."
    ),
    "Sign in": "Logga in",
    "Sign in to see the evaluation data.": "Logga in för att se utvärderingsdata.",
    "Sign in with your staff account": "Logga in med ditt personalkonto",
    "Language": "Språk",
    "Chart": "Diagram",
    "The same figures as a table follow the chart.": "Samma siffror finns i tabellen efter diagrammet.",
    "There is no such row: the address is not a row of this table.": (
        "Det finns ingen sådan rad: adressen är inte en rad i den här tabellen."
    ),
    "Not found.": "Hittades inte.",
    "Evaluation": "Utvärdering",
    "Unknown process.": "Okänd rekrytering.",
    "Raw data and SQL": "Rådata och SQL",
}

# Datasette's own chrome, as the overridden templates in
# datasette_plugins/templates/ ask for it (kept here with our pages' strings:
# one place for every Swedish word on the Datasette side).
SWEDISH.update({
    "Home": "Start",
    "Menu": "Meny",
    "Log out": "Logga ut",
    "Switch language": "Byt språk",
    "Table actions": "Tabellåtgärder",
    "view": "vy",
    "row": "rad",
    "rows": "rader",
    "{n} rows": "{n} rader",
    "1 row": "1 rad",
    "Search:": "Sök:",
    "Search in this table": "Sök i tabellen",
    "- remove filter -": "– ta bort filtret –",
    "- column -": "– kolumn –",
    "Filter column": "Filtrera på kolumn",
    "Filter condition": "Villkor",
    "Filter value": "Värde att filtrera på",
    "Filter {n}: column": "Filter {n}: kolumn",
    "Filter {n}: condition": "Filter {n}: villkor",
    "Filter {n}: value": "Filter {n}: värde",
    "Sort...": "Sortera …",
    "Sort by {column}": "Sortera på {column}",
    "Sort rows": "Sortera raderna",
    "descending": "fallande",
    "Apply": "Använd filtren",
    "Filters": "Filter",
    "remove": "ta bort",
    "{n} extra where clauses": "{n} extra where-villkor",
    "View and edit SQL": "Visa och redigera SQL",
    "Download": "Ladda ner",
    "This table as CSV (comma-separated UTF-8 for R, pandas and SPSS; these rows only)": (
        "Tabellen som CSV (kommaseparerad UTF-8 för R, pandas och SPSS; bara de här raderna)"
    ),
    "This table as CSV for Swedish Excel (semicolons, decimal comma; these rows only)": (
        "Tabellen som CSV för svenska Excel (semikolon, decimalkomma; bara de här raderna)"
    ),
    "This result as CSV (comma-separated UTF-8 for R, pandas and SPSS)": (
        "Resultatet som CSV (kommaseparerad UTF-8 för R, pandas och SPSS)"
    ),
    "This result as CSV for Swedish Excel (semicolons, decimal comma)": (
        "Resultatet som CSV för svenska Excel (semikolon, decimalkomma)"
    ),
    "for Swedish Excel (semicolons, decimal comma)": "för svenska Excel (semikolon, decimalkomma)",
    "This table as JSON (for programs)": "Tabellen som JSON (för program)",
    "This result as JSON (for programs)": "Resultatet som JSON (för program)",
    "This row as JSON (for programs)": "Raden som JSON (för program)",
    "Suggested facets:": "Föreslagna fasetter:",
    "Facets": "Fasetter",
    "Remove the facet {name}": "Ta bort fasetten {name}",
    "Remove the filter {value}": "Ta bort filtret {value}",
    "Show all values": "Visa alla värden",
    "These facets timed out:": "De här fasetterna tog för lång tid:",
    "Next page": "Nästa sida",
    "Advanced export": "Avancerad export",
    "JSON shape:": "JSON-form:",
    "default": "standard",
    "array": "lista",
    "newline-delimited": "en rad per post",
    "object": "objekt",
    "CSV options:": "CSV-val:",
    "download file": "ladda ner som fil",
    "expand labels": "visa etiketter",
    "stream all rows": "alla rader",
    "Export CSV": "Exportera CSV",
    "0 records": "0 rader",
    "0 results": "0 resultat",
    "Table definition (SQL)": "Tabellens definition (SQL)",
    "View definition (SQL)": "Vyns definition (SQL)",
    "Links from other tables": "Länkar från andra tabeller",
    "from {column} in {table}": "från {column} i {table}",
    "Custom SQL query": "Egen SQL-fråga",
    "returning {n} rows": "som gav {n} rader",
    "returning more than {n} rows": "som gav mer än {n} rader",
    "SQL query": "SQL-fråga",
    "Query parameters": "Frågans parametrar",
    "Run SQL": "Kör SQL",
    "Edit SQL": "Redigera SQL",
    "hide": "dölj",
    "show": "visa",
    "Queries": "Färdiga frågor",
    "Tables": "Tabeller",
    "Views": "Vyer",
    "hidden": "dold",
    "Many rows": "Många rader",
    "... and {n} hidden tables": "… och {n} dolda tabeller",
    "Columns": "Kolumner",
    "Powered by": "Drivs med",
    "Queries took {ms} ms": "Frågorna tog {ms} ms",
    "Data license:": "Datalicens:",
    "Data source:": "Datakälla:",
    "About:": "Om:",
    "Rows of the table": "Tabellens rader",
    "Query result": "Frågans resultat",
    "Error {status}": "Fel {status}",
    "Page not found": "Sidan finns inte",
    "There is no page at this address. It may have moved, or the link may be mistyped.": (
        "Det finns ingen sida på den här adressen. Den kan ha flyttats, eller så är länken felskriven."
    ),
    "No access": "Ingen behörighet",
    "Your account does not give access to this page. Ask the evaluation's administrator if you need it.": (
        "Ditt konto ger inte tillgång till den här sidan. Fråga utvärderingens administratör om du behöver den."
    ),
    "Something went wrong": "Något gick fel",
    "Back to the start page": "Tillbaka till startsidan",
    "What Datasette said:": "Datasettes meddelande:",
    "Column descriptions": "Kolumnernas beskrivningar",
    # Start pages (landing.py).
    "What each group thinks": "Vad varje grupp tycker",
    "How the people who took part in recruitments with service-user involvement answered, theme by theme: the "
    "share who agree (4 or 5 on the five-point scale) of everyone who answered the theme's statements. The same "
    "figures follow each chart as a table.": (
        "Så svarade de som deltog i rekryteringar med brukarmedverkan, tema för tema: andelen som instämmer (4 eller "
        "5 på den femgradiga skalan) av alla som svarade på temats påståenden. Samma siffror står i en tabell efter "
        "varje diagram."
    ),
    "On this page": "På den här sidan",
    "In short: share who agree per theme and group": "I korthet: andel som instämmer per tema och grupp",
    "Per cent who agree (4 or 5) of everyone in the group who answered the theme. – = too few answers to show.": (
        "Procent som instämmer (4 eller 5) av alla i gruppen som svarade på temat. – = för få svar för att visa."
    ),
    "Theme by theme": "Tema för tema",
    "What is not shown, and why": "Det som inte visas, och varför",
    "Latest processes": "Senaste rekryteringarna",
    "Every statement, group by group": "Varje påstående, grupp för grupp",
    "share who agree per group, %": "andel som instämmer per grupp, %",
    "Left out here for too few answers:": "Utelämnade här för att de har för få svar:",
    "No group is left out of the figures on this page.": "Ingen grupp är utelämnad ur siffrorna på den här sidan.",
    "Shown without their processes with too few answers:": "Visas utan de rekryteringar där de har för få svar:",
    "Your account sees every figure, small groups included.": "Ditt konto ser alla siffror, även små grupper.",
    "Answers \"don't know\" count among those who answered but not among those who agree.": (
        "Svaret ”vet inte” räknas bland dem som svarade men inte bland dem som instämmer."
    ),
    "opened": "öppnad",
    "No processes yet.": "Inga rekryteringar ännu.",
    "Being planned": "Planeras",
    "Collecting answers": "Samlar in svar",
    "Closed": "Avslutad",
    "Evaluation: the ways in": "Utvärderingen: vägar in",
    "Everything in the evaluation data, one click away. Answers are anonymous; the served database holds no "
    "names, email addresses or links.": (
        "Allt i utvärderingsdata, ett klick bort. Svaren är anonyma; databasen innehåller inga namn, e-postadresser "
        "eller länkar."
    ),
    "Every core statement, group by group, as charts with their figures; theme indexes; two groups compared.": (
        "Varje kärnpåstående, grupp för grupp, som diagram med siffrorna; temaindex; jämförelse av två grupper."
    ),
    "Each recruitment: responses by group, the representatives' screening (Table 2) and the finalists' ranking.": (
        "Varje rekrytering: svar per grupp, brukarrepresentanternas urval (Tabell 2) och rangordningen av "
        "slutkandidaterna."
    ),
    "Influence": "Inflytande",
    "How the representatives' screening and ranking compare with the other parties', process by process.": (
        "Hur brukarrepresentanternas bedömningar och rangordning står sig mot de andra parternas, rekrytering för "
        "rekrytering."
    ),
    "Find words, in any of their forms, in what respondents wrote in their own words; by process, group and theme.": (
        "Hitta ord, i alla deras former, i det de svarande skrev med egna ord; per rekrytering, grupp och tema."
    ),
    "Data for SPSS, R or Excel, one row per response, with codebooks.": "Data för SPSS, R eller Excel, en rad per svar, med kodböcker.",
    "Codebook": "Kodbok",
    "Every question of every questionnaire version, with its theme and codes.": "Varje fråga i varje formulärversion, med tema och koder.",
    "Every table and view, with filters, facets and your own SQL queries.": (
        "Alla tabeller och vyer, med filter, fasetter och egna SQL-frågor."
    ),
    "Screening and ranking in {code}": "Urval och rangordning i {code}",
    # Datasette's filter conditions (datasette.filters.Filters.lookups()).
    "contains": "innehåller",
    "ends with": "slutar med",
    "starts with": "börjar med",
    "like": "liknar (like)",
    "not like": "liknar inte (not like)",
    "glob": "mönster (glob)",
    "in": "är någon av",
    "not in": "är ingen av",
    "array contains": "listan innehåller",
    "array does not contain": "listan innehåller inte",
    "date": "datum",
    "is null": "saknar värde",
    "is not null": "har ett värde",
    "is blank": "är tom",
    "is not blank": "är inte tom",
})

# Charts in words and printing (charts.py, response rates on the process page,
# the print header in medverkan_page.html).
SWEDISH.update({
    "No figures to show.": "Inga siffror att visa.",
    "{n} bars.": "{n} staplar.",
    "One bar.": "En stapel.",
    "Highest: {label}, {value}.": "Högst: {label}, {value}.",
    "Lowest: {label}, {value}.": "Lägst: {label}, {value}.",
    "no figure": "ingen siffra",
    "Shares of the answers on the scale from 1 (disagree) to 5 (agree), row by row.": (
        "Andelar av svaren på skalan från 1 (instämmer inte) till 5 (instämmer), rad för rad."
    ),
    "Rating per applicant and rater: 1 = yes, 2 = yes with reservation, 3 = doubtful, 4 = no, – = not rated.": (
        "Bedömning per sökande och bedömare: 1 = ja, 2 = ja med reservation, 3 = tveksam, 4 = nej, – = ej bedömd."
    ),
    "Response rates": "Svarsfrekvens",
    "Response rate per group, %": "Svarsfrekvens per grupp, %",
    "Invited": "Inbjudna",
    "Answered": "Har svarat",
    "Withdrawn": "Återtagna",
    "Response rate": "Svarsfrekvens",
    "Invitations sent and answered per group, as on the coordinator's process page; a group without invitations has "
    "no rate.": (
        "Skickade och besvarade inbjudningar per grupp, som på samordnarens sida för rekryteringen; en grupp utan "
        "inbjudningar har ingen svarsfrekvens."
    ),
    "No invitations are recorded for this process (none sent yet, or removed when the process was purged).": (
        "Inga inbjudningar finns för den här rekryteringen (inga skickade ännu, eller borttagna när rekryteringen "
        "rensades)."
    ),
    "Figures as of {date}": "Siffror per {date}",
})


# The influence page ("did it matter?", influence_page.py).
SWEDISH.update({
    "Did it matter?": "Spelade det roll?",
    "What became of the applicants the service-user representatives said yes to, how the appointed applicant was "
    "ranked by each party, and how far the representatives' ranking agreed with each other party's, next to the "
    "representatives' own sense of influence.": (
        "Vad som hände med de sökande som brukarrepresentanterna sa ja till, hur den som fick tjänsten rangordnades "
        "av varje part och hur väl brukarnas rangordning stämde med de andra parternas, bredvid brukarnas egen "
        "upplevelse av inflytande."
    ),
    "\"Said yes to\": more than half of the representatives who rated the applicant gave 1 (yes) or 2 (yes with "
    "reservation) in the screening.": (
        "”Sa ja till”: mer än hälften av de brukarrepresentanter som bedömde den sökande gav 1 (ja) eller 2 (ja med "
        "reservation) i urvalet."
    ),
    "Kendall's W runs from 0 (no agreement) to 1 (the same order), per pair of parties over the finalists both "
    "ranked.": (
        "Kendalls W går från 0 (ingen samstämmighet) till 1 (samma ordning), per par av parter över de "
        "slutkandidater båda rangordnade."
    ),
    "Over all processes": "Över alla rekryteringar",
    "Shown when at least {k} processes have screening or ranking data, so that no figure is one process's own "
    "outcome.": (
        "Visas när minst {k} rekryteringar har urvals- eller rangordningsdata, så att ingen siffra är en enskild "
        "rekryterings utfall."
    ),
    "No screening or ranking data yet.": "Inga urvals- eller rangordningsdata ännu.",
    "Processes with data": "Rekryteringar med data",
    "Includes synthetic data.": "Innehåller syntetiska data.",
    "The representatives' answers include synthetic data.": "Brukarnas svar innehåller syntetiska data.",
    "synthetic data": "syntetiska data",
    "real": "verkliga",
    "Data": "Data",
    "Counts from 1 to {m} are not shown.": "Antal från 1 till {m} visas inte.",
    "What became of the applicants the representatives said yes to": "Vad som hände med de sökande brukarna sa ja till",
    "Applicants": "Sökande",
    "Number": "Antal",
    "Said yes to by the representatives": "Brukarna sa ja till",
    "Went to interview": "Gick till intervju",
    "Reached the final round": "Kom till slutomgången",
    "Were appointed": "Fick tjänsten",
    "Appointed": "Fick tjänsten",
    "The appointed applicant's mean rank with each party": "Medelrang för den som fick tjänsten, per part",
    "The appointed applicant's rank with each party": "Rang för den som fick tjänsten, per part",
    "Mean rank": "Medelrang",
    "Mean agreement with the representatives (Kendall's W)": "Genomsnittlig samstämmighet med brukarna (Kendalls W)",
    "Agreement with the representatives (Kendall's W)": "Samstämmighet med brukarna (Kendalls W)",
    "Finalists compared": "Jämförda slutkandidater",
    "No ranking by the representatives: agreement cannot be computed.": (
        "Brukarna har ingen rangordning: samstämmigheten kan inte beräknas."
    ),
    "The representatives' own sense of influence": "Brukarnas egen upplevelse av inflytande",
    "Process by process": "Rekrytering för rekrytering",
    "Parties that ranked in fewer than {k} processes are not shown": "Parter som rangordnade i färre än {k} rekryteringar visas inte",
    "Did it matter? Influence in this process": "Spelade det roll? Inflytandet i den här rekryteringen",
})

# Filters by department, year and post level; trends over the years (issue 12 part 7).
SWEDISH.update({
    "Trends": "Trender",
    "Trends over the years": "Utveckling över åren",
    "Department": "Förvaltning",
    "All departments": "Alla förvaltningar",
    "Year the recruitment opened": "År då rekryteringen öppnades",
    "All years": "Alla år",
    "Level of the post": "Tjänstens nivå",
    "All levels": "Alla nivåer",
    "A filter value that is not on offer was left out: every value is shown for it.": (
        "Ett filtervärde som inte finns att välja utelämnades: alla värden visas för det."
    ),
    "Under a filter a group's answers from a process count only when they are at least {k}, or in the batches of "
    "at least {k} that the unfiltered figures release; so no combination of filters can single out a small group.": (
        "Med ett filter räknas en grupps svar från en rekrytering bara när de är minst {k}, eller i de omgångar om "
        "minst {k} som siffrorna utan filter släpper; så kan ingen kombination av filter peka ut en liten grupp."
    ),
    "A chosen process is shown on its own; the filters apply when all processes are shown.": (
        "En vald rekrytering visas för sig; filtren gäller när alla rekryteringar visas."
    ),
    "For every core statement, the share of each group who agree (4–5 on the scale, of those who answered 1–5), "
    "by the year the recruitment opened.": (
        "För varje kärnpåstående andelen i varje grupp som instämmer (4–5 på skalan, av dem som svarade 1–5), "
        "efter året då rekryteringen öppnades."
    ),
    "A year's figure for a group is shown only when at least {k} answered and no option has fewer than {k} answers "
    "that would otherwise show; otherwise the line has a gap and the table says why.": (
        "En grupps siffra för ett år visas bara när minst {k} har svarat och inget svarsalternativ som annars skulle "
        "synas har färre än {k} svar; annars har linjen ett uppehåll och tabellen säger varför."
    ),
    "share who agree (4–5) by year": "andel som instämmer (4–5) per år",
    "* Some answers of the group were left out that year (a small group not yet released in a batch of at least "
    "{k}).": (
        "* En del av gruppens svar det året är utelämnade (en liten grupp som ännu inte släppts i en omgång om minst "
        "{k})."
    ),
    "not shown: too few answers per option": "visas inte: för få svar per svarsalternativ",
    "not shown: \"don't know\" merged": "visas inte: ”vet inte” sammanslaget",
    "no answers on the 1–5 scale": "inga svar på skalan 1–5",
    "Every core statement, group by group, year by year; by department and level of the post.": (
        "Varje kärnpåstående, grupp för grupp, år för år; per förvaltning och tjänstens nivå."
    ),
})


NARROW_NO_BREAK_SPACE = "\u202f"  # a thin space that never breaks a figure in two


def format_p(value, lang: str = "sv") -> str:
    """A p-value with three decimals, but "< 0,001" below 0.0005: never "0,000", which reads as impossible."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if value < 0.0005:
        return "< " + format_number(0.001, lang, 3)
    return format_number(value, lang, 3)


def format_number(value, lang: str = "sv", decimals: int | None = None) -> str:
    """A figure as the reader writes it: 12 345,6 in Swedish, 12,345.6 in English.

    Anything that is not a number (text, None, a link) comes back unchanged,
    so templates can pass every cell through it.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if decimals is None:
        decimals = 0 if isinstance(value, int) or float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", NARROW_NO_BREAK_SPACE).replace(".", ",").replace("-", "\u2212")


def theme_label(key: str | None, lang: str = "sv") -> str:
    """A theme's name ("Tillit …") instead of its key ("trust").

    The names live with the questionnaire definitions (forms.definitions.THEMES);
    imported when first needed, never when Datasette loads the plugin, and
    the key itself is shown if forms is not installed next to Datasette.
    """
    if not key or key == "-":
        return "–"
    try:
        from forms.definitions import THEMES
    except ImportError:  # Datasette on a host without the questionnaire package
        return key
    names = THEMES.get(key)
    return names.get(lang, names["sv"]) if names else key


# Synthetic (invented) values: the notices and the toggle (synthetic.py, templates/_synthetic.html).
SWEDISH.update({
    "Synthetic data: this figure includes invented (demo) values.": (
        "Syntetiska data: figuren innehåller påhittade värden (demo)."
    ),
    "Synthetic (invented) values are included and marked.": "Syntetiska (påhittade) värden är medräknade och markerade.",
    "Synthetic (invented) values are left out.": "Syntetiska (påhittade) värden är utelämnade.",
    "Show without synthetic values": "Visa utan syntetiska värden",
    "Show with synthetic values": "Visa med syntetiska värden",
    "Synthetic": "Syntetiskt",
    "partly synthetic": "delvis syntetisk",
    "The files include synthetic responses (column is_synthetic = 1).": (
        "Filerna innehåller syntetiska svar (kolumnen is_synthetic = 1)."
    ),
    "Demo mode: open without sign-in on this computer only. Figures with invented values are marked where they "
    "are shown.": (
        "Demoläge: öppet utan inloggning, bara på den här datorn. Siffror med påhittade värden är markerade där de "
        "visas."
    ),
    "The appointed applicant is invented (not in the documents).": (
        "Vem som fick tjänsten är påhittat (står inte i dokumenten)."
    ),
})


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
