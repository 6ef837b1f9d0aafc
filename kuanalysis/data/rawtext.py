"""The text of the files ``kuanalysis import`` writes into ``data/raw``: a table as CSV and its
sidecar as YAML, in the style of the hand-written ones (one column or row per line)."""

from __future__ import annotations

import csv
import io
import json
import re

_PLAIN = re.compile(r"^[a-z][a-z0-9_-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
#: Fields whose values are identifiers, written without quotes.
_IDENTIFIERS = ("table", "kind", "unit", "key", "role", "avvikelse", "kind_of_claim", "like")


def _scalar(value, key: str | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if key in _IDENTIFIERS and _PLAIN.match(text) and text not in _YAML_WORDS:
        return text
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )  # a JSON string is a YAML double-quoted scalar


def _flow(value, key: str | None = None) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, key)


def sidecar_text(meta: dict) -> str:
    """The sidecar as YAML in the style of ``data/raw``: one column or row per line, every
    text in double quotes except identifiers (table, kind, unit, keys and roles)."""
    lines = []
    for key, value in meta.items():
        if isinstance(value, list) and value:
            lines.append(f"{key}:")
            lines += [f"  - {_flow(v)}" for v in value]
        else:
            lines.append(f"{key}: {_flow(value, key)}")
    return "\n".join(lines) + "\n"


def table_text(header: list[str], rows: list[list[str]]) -> str:
    """The table as CSV in the format of ``data/raw/README.md`` (comma, one header line)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()
