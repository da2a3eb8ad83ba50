"""DDI-Codebook 2.5 XML for an SND bundle, written with the standard library.

No maintained DDI writer exists on PyPI, and the format is small enough to
write directly. Elements follow the order of the DDI-Codebook 2.5 schema
(``codebook.xsd``): ``docDscr``, ``stdyDscr`` (``citation`` with the
required ``titlStmt/titl``, ``stdyInfo``, ``method``, ``dataAccs``), one
``fileDscr`` per wide table and ``dataDscr`` with one ``var`` per column:
``labl``, ``qstn/qstnLit``, ``universe`` (the skip condition: who was asked),
``catgry`` (value labels; ``missing="Y"`` on missing codes) and
``varFormat``. Everything in it is public documentation: no personal data,
no process codes, no dates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from research.bundle_tables import Table

NAMESPACE = "ddi:codebook:2_5"
SCHEMA_LOCATION = "ddi:codebook:2_5 http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _title(parent, text: str) -> None:
    citation = _sub(parent, "citation")
    _sub(_sub(citation, "titlStmt"), "titl", text)
    return citation


def _study(root, report: dict, tables: list[Table]) -> None:
    study = _sub(root, "stdyDscr")
    citation = _sub(study, "citation")
    statement = _sub(citation, "titlStmt")
    _sub(statement, "titl", f"Medverkan: brukarmedverkan vid rekrytering, {report['municipality']}")
    _sub(statement, "parTitl", f"Medverkan: service-user involvement in recruitment, {report['municipality']}")
    _sub(_sub(citation, "rspStmt"), "AuthEnty", report["municipality"])
    info = _sub(study, "stdyInfo")
    subject = _sub(info, "subject")
    for word in ("service-user involvement", "recruitment", "social services", "brukarmedverkan"):
        _sub(subject, "keyword", word)
    _sub(info, "abstract", (
        "Role-specific questionnaires answered by service-user representatives, candidates, managers, union "
        "representatives and hired persons (six-month follow-up) about recruitments where service users took part."
    ))
    summary = _sub(info, "sumDscr")
    _sub(summary, "nation", "Sverige / Sweden", abbr="SE")
    _sub(summary, "geogCover", report["municipality"])
    _sub(summary, "anlyUnit", "Individual (one questionnaire response)")
    _sub(summary, "universe", "Participants in recruitment processes with service-user involvement")
    _sub(summary, "dataKind", "Survey data")
    method = _sub(study, "method")
    collection = _sub(method, "dataColl")
    _sub(collection, "collMode", "Self-administered web questionnaire from a personal link")
    _sub(method, "notes", (
        f"De-identified for open access: recruitment processes replaced by strata ({report['level']}); "
        f"every published cell of stratum x respondent group has at least k={report['k']} responses; "
        f"{report['suppressed']} responses in smaller cells were left out. Response keys are drawn for this "
        "deposit only (no link to any register). Free-text, integer, screening and ranking answers are not "
        "published. No dates."
    ))
    access = _sub(study, "dataAccs")
    _sub(_sub(access, "useStmt"), "conditions", "Fully anonymised; open access (CC BY 4.0).")


def _files(root, tables: list[Table]) -> dict[str, str]:
    ids = {}
    for number, table in enumerate([t for t in tables if t.variables], start=1):
        file_id = f"F{number}"
        ids[table.name] = file_id
        described = _sub(root, "fileDscr", ID=file_id)
        text = _sub(described, "fileTxt")
        _sub(text, "fileName", f"data/{table.name}.csv")
        _sub(text, "fileCont", table.title)
        dimensions = _sub(text, "dimensns")
        _sub(dimensions, "caseQnty", len(table.rows))
        _sub(dimensions, "varQnty", len(table.fields))
        _sub(text, "fileType", "text/csv")
    return ids


META = {
    "response_key": ("Svarets nyckel i denna deposition / Response key in this deposit", "character"),
    "stratum_id": ("Stratum (se strata.csv) / Stratum (see strata.csv)", "numeric"),
    "group_key": ("Svarsgrupp / Respondent group", "character"),
}


def _variables(root, tables: list[Table], file_ids: dict[str, str]) -> None:
    data = _sub(root, "dataDscr")
    number = 0
    for table in tables:
        if table.name not in file_ids:
            continue
        for name, (label, kind) in META.items():
            number += 1
            var = _sub(data, "var", ID=f"V{number}", name=name, files=file_ids[table.name], intrvl="discrete")
            _sub(var, "labl", label)
            _sub(var, "varFormat", type=kind, schema="other")
        for variable in table.variables:
            number += 1
            var = _sub(data, "var", ID=f"V{number}", name=variable.name, files=file_ids[table.name], intrvl="discrete")
            _sub(var, "labl", f"{variable.label_sv} / {variable.label_en}"[:1000])
            _sub(_sub(var, "qstn"), "qstnLit", variable.label_sv)
            if variable.condition:
                values = ", ".join(str(v) for v in variable.condition["values"])
                _sub(var, "universe", f"Asked only if {variable.condition['question']} in ({values}); else empty")
            for value, (sv, en) in sorted(variable.labels.items()):
                attributes = {"missing": "Y"} if value in variable.missing else {}
                category = _sub(var, "catgry", **attributes)
                _sub(category, "catValu", value)
                _sub(category, "labl", f"{sv} / {en}")
            _sub(var, "varFormat", type="numeric", schema="other")


def ddi_codebook(tables: list[Table], report: dict) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(
        f"{{{NAMESPACE}}}codeBook",
        {"version": "2.5", "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation": SCHEMA_LOCATION},
    )
    doc = _sub(root, "docDscr")
    _title(doc, f"DDI-Codebook: Medverkan, {report['municipality']}")
    _study(root, report, tables)
    file_ids = _files(root, tables)
    _variables(root, tables, file_ids)
    for element in root.iter():
        if not element.tag.startswith("{"):
            element.tag = f"{{{NAMESPACE}}}{element.tag}"
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
