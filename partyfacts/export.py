"""Exports for researchers: articles, quantities and officials as CSV, JSON Lines or
Parquet with stable column names, and a datapackage.json describing every column (from
the record schemas), so a dataset can be published as it is; or the articles with their
facts as spans, for spaCy (a DocBin) or for review in Label Studio (tasks and config)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .query import connect_readonly
from .schemas import Article, Official, QuantityFact
from .schemas.vocabulary import APPROXES, CATEGORIES, EVENTS, RATINGS, SCOPES, STATUSES, UNITS

TABULAR = ("csv", "jsonl", "parquet")
FORMATS = (*TABULAR, "spacy", "label-studio")
SPACY_FILE = "articles.spacy"

# column -> (type, description); descriptions of record fields come from the schemas
_EXTRA = {
    "id": ("integer", "Row id, stable within one database."),
    "article_id": ("integer", "The article the row belongs to (articles.id)."),
    "province": ("string", "Province named as of the article's date."),
    "province_current": ("string", "That territory's province today (after the 2025 merger)."),
    "rules_version": ("string", "Version of the extraction rules that produced the row."),
    "first_seen": ("datetime", "When the article was first stored (UTC)."),
    "updated_at": ("datetime", "When the article or its facts were last written (UTC)."),
    "name_key": ("string", "The name case-folded, for grouping."),
}
TABLES: dict[str, tuple[type, list[str]]] = {
    "articles": (Article, ["id", "key", "url", "canonical_url", "doc", "site", "title", "published", "author",
                           "province", "province_current", "content_hash", "rules_version", "first_seen",
                           "updated_at", "lead", "text"]),
    "quantities": (QuantityFact, ["id", "article_id", "value", "unit", "category", "event", "rating", "status",
                                  "approx", "year", "period_start", "as_of", "subject", "scope", "unit_name",
                                  "of_total", "province", "text", "sentence", "start", "end", "sentence_start", "sentence_end",
                                  "rules_version"]),
    "officials": (Official, ["id", "article_id", "name", "titles", "honorific", "province", "mentions",
                             "sentence", "start", "end", "sentence_start", "sentence_end", "rules_version"]),
}  # fmt: skip
_ENUMS = {"unit": UNITS, "category": CATEGORIES, "event": EVENTS, "rating": RATINGS, "status": STATUSES,
          "approx": APPROXES, "scope": SCOPES}  # fmt: skip
_TYPES = {
    "integer": "integer",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "array": "array",
}


def _field(model: type, column: str) -> dict[str, Any]:
    if column in _EXTRA:
        kind, description = _EXTRA[column]
        return {"name": column, "type": kind, "description": description}
    schema = model.model_json_schema()
    prop = schema["properties"].get(column, {})
    options = prop.get("anyOf", [prop])
    kinds = [o.get("type") for o in options if o.get("type") and o.get("type") != "null"]
    fmt = next((o.get("format") for o in options if o.get("format")), None)
    kind = "date" if fmt == "date" else _TYPES.get(kinds[0] if kinds else "string", "string")
    if "number" in kinds:
        kind = "number"  # int | float: a number
    field = {
        "name": column,
        "type": kind,
        "description": prop.get("description") or column.replace("_", " "),
    }
    if column in _ENUMS:
        field["constraints"] = {"enum": list(_ENUMS[column])}
    return field


def datapackage(fmt: str) -> dict[str, Any]:
    resources = []
    for table, (model, columns) in TABLES.items():
        fields = [_field(model, c) for c in columns]
        resource = {
            "name": table,
            "path": f"{table}.{fmt}",
            "format": fmt,
            "schema": {"fields": fields, "primaryKey": "id"},
        }
        if table != "articles":
            resource["schema"]["foreignKeys"] = [
                {"fields": "article_id", "reference": {"resource": "articles", "fields": "id"}}
            ]
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "partyfacts",
        "title": "Facts about party building from Vietnamese provincial news",
        "description": "Quantities and officials extracted from articles, each with its evidence "
        "(sentence and character offsets) and the rules version that produced it.",
        "version": __version__,
        "resources": resources,
    }


@dataclass
class Exported:
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    removed: list[str] = field(default_factory=list)  # our files of an earlier export
    files: dict[str, str] = field(default_factory=dict)  # what -> file name written


def our_files(directory: Path) -> list[Path]:
    """The files an earlier export wrote here, in any format: they are replaced, so that no
    stale table sits beside the new data package. Other files are left alone."""
    from . import review

    names = {f"{table}.{fmt}" for table in TABLES for fmt in TABULAR}
    names |= {"datapackage.json", SPACY_FILE, *review.FILES}
    return sorted(p for p in directory.iterdir() if p.name in names and p.is_file())


def export(
    db_path: str | Path, directory: str | Path, fmt: str = "csv", lock_timeout: float = 60.0
) -> Exported:
    """Write the three tables and datapackage.json into ``directory``, after removing the
    files of an earlier export there; returns row counts and what was removed."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    directory = Path(directory)
    conn = connect_readonly(db_path, lock_timeout)  # a bad database changes nothing here
    directory.mkdir(parents=True, exist_ok=True)
    result = Exported()
    for old in our_files(directory):
        old.unlink()
        result.removed.append(old.name)
    if fmt == "spacy":
        result.counts["articles"] = _docbin(conn, directory / SPACY_FILE)
        result.files["articles"] = SPACY_FILE
        return result
    if fmt == "label-studio":
        from . import review

        result.counts["tasks"] = review.export(conn, directory)
        result.files["tasks"] = review.TASKS
        result.files["labeling config"] = review.CONFIG
        return result
    package = datapackage(fmt)
    counts = result.counts
    for resource in package["resources"]:
        table = resource["name"]
        columns = [f["name"] for f in resource["schema"]["fields"]]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = [dict(r) for r in conn.execute(f"SELECT {quoted} FROM {table} ORDER BY id")]
        for row in rows:
            if "titles" in row and isinstance(row["titles"], str):
                row["titles"] = json.loads(row["titles"])
            for key in ("value", "of_total"):  # stored as REAL; 1154.0 reads better as 1154
                if isinstance(row.get(key), float) and row[key].is_integer():
                    row[key] = int(row[key])
        path = directory / resource["path"]
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                                     for k, v in row.items()})  # fmt: skip
        elif fmt == "jsonl":
            with path.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            _parquet(path, rows, resource["schema"]["fields"])
        counts[table] = len(rows)
        result.files[table] = resource["path"]
    result.files["datapackage"] = "datapackage.json"
    (directory / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return result


def _docbin(conn, path: Path) -> int:
    """Every stored article as a spaCy Doc with its stored facts as spans (``party_facts``,
    ``officials``, and both under ``sc`` for a span categorizer); returns the count."""
    from spacy.tokens import DocBin

    from . import spacy_component

    nlp = spacy_component.blank()
    docs = DocBin(attrs=["ORTH", "SPACY"], store_user_data=True)
    n = 0
    for article in conn.execute("SELECT * FROM articles ORDER BY id").fetchall():
        docs.add(spacy_component.doc_from_store(nlp, conn, article))
        n += 1
    path.write_bytes(docs.to_bytes())
    return n


def _parquet(path: Path, rows: list[dict], fields: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"integer": pa.int64(), "number": pa.float64(), "array": pa.list_(pa.string())}
    schema = pa.schema([(f["name"], types.get(f["type"], pa.string())) for f in fields])
    table = pa.Table.from_pylist(
        [{k: (str(v) if v is not None and schema.field(k).type == pa.string() else v) for k, v in r.items()} for r in rows],
        schema=schema,
    )  # fmt: skip
    pq.write_table(table, path)
