"""Validation of a sidecar on its own: fields, kind, column keys, row roles, kommun codes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable

from . import kinds as schema


def _check_code(code, where: str) -> list[str]:
    if isinstance(code, int):  # YAML reads 0604 as the octal number 388
        return [
            f"{where}: kommunkoden {code} är ett tal i YAML; skriv den som text, "
            f't.ex. kommun_kod: "0604"'
        ]
    code = str(code)
    if re.fullmatch(r"\d{1,3}", code):
        return [f"{where}: kommunkoden {code} saknar inledande nolla, väntade {code.zfill(4)}"]
    if not schema.KOMMUN_KOD.match(code):
        return [f'{where}: kommunkoden "{code}" är inte fyra siffror']
    return []


def _check_lineage(meta: dict, side: str) -> list[str]:
    """``like`` (the table this one was imported like) and ``export`` (the file it came from)."""
    errors = []
    if "like" in meta and not (
        isinstance(meta["like"], str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", meta["like"])
    ):
        errors.append(f"{side}: like ska vara namnet på en tabell, t.ex. delar-2024-t2-4-1")
    export = meta.get("export")
    if "export" in meta:
        if not isinstance(export, dict) or not {"file", "sha256"} <= set(export):
            errors.append(
                f"{side}: export ska vara {{file, sheet, header_row, sha256}} (filen tabellen "
                f"importerades från)"
            )
        else:
            errors += [
                f"{side}: export: okänt fält {str(k)[:40]}"
                for k in export
                if k not in schema.EXPORT_FIELDS
            ]
    for r in meta.get("rows") or []:
        if isinstance(r, dict) and "like" in r and not isinstance(r["like"], str):
            errors.append(f'{side}: raden "{r.get("label")}": like ska vara en radrubrik (text)')
    return errors


def _check_meta(meta: dict, stem: str) -> tuple[list[str], schema.Kind | None]:
    """Faults of the sidecar on its own (fields, kind, keys, roles, codes): one validator per
    part of the sidecar, each given the kind (None when unknown)."""
    side = f"{stem}.yaml"
    errors, kind = _check_fields(meta, stem, side)
    errors += _check_lineage(meta, side)
    errors += _check_columns(meta, side, kind)
    rows = meta.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        if "rows" in meta:
            errors.append(f"{side}: rows ska vara en lista av {{label, role}}")
        rows = []
    errors += _check_row_labels(rows, side)
    known = {r.get("label") for r in rows if isinstance(r.get("label"), Hashable)}
    codes: dict[str, str] = {}
    for r in rows:
        errors += _check_row(r, side, kind, meta.get("kind"), known, codes)
    if kind is not None:
        errors += _check_total_last(rows, side)
    return errors, kind


def _check_fields(meta: dict, stem: str, side: str) -> tuple[list[str], schema.Kind | None]:
    """The sidecar's own fields: required, known, table name, unit, kind, avvikelse."""
    errors = [f"{side}: fältet {f} saknas" for f in schema.REQUIRED_FIELDS if f not in meta]
    errors += [
        f"{side}: okänt fält {f}"
        for f in meta
        if f not in schema.REQUIRED_FIELDS + schema.OPTIONAL_FIELDS
    ]
    if "table" in meta and meta["table"] != stem:
        errors.append(f'{side}: table är "{meta["table"]}" men filen heter {stem}')
    if "unit" in meta and meta["unit"] not in schema.UNITS:
        errors.append(f'{side}: okänd enhet "{meta["unit"]}" (tillåtna: {", ".join(schema.UNITS)})')
    kind = schema.KINDS.get(meta["kind"]) if "kind" in meta else None
    if "kind" in meta and kind is None:
        errors.append(
            f'{side}: okänd tabelltyp (kind) "{meta["kind"]}" (tillåtna: {", ".join(schema.KINDS)})'
        )
    if kind is not None:
        errors += [
            f"{side}: fältet {f} saknas (krävs för {meta['kind']})"
            for f in kind.extra_required
            if f not in meta
        ]
    if "avvikelse" in meta and meta["avvikelse"] not in schema.AVVIKELSE:
        errors.append(
            f'{side}: avvikelse "{meta["avvikelse"]}" ska vara en av {", ".join(schema.AVVIKELSE)}'
        )
    return errors, kind


def _check_columns(meta: dict, side: str, kind: schema.Kind | None) -> list[str]:
    """Each column: a text label used once, known fields, a role, a key the kind allows."""
    errors = []
    columns = meta.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
        if "columns" in meta:
            errors.append(f"{side}: columns ska vara en lista av {{label, key}}")
        columns = []
    seen_keys = set()
    seen_labels = {meta.get("label_column")}
    for c in columns:
        label = c.get("label", "?")
        w = f'{side}: kolumn "{label}"'
        if "label" in c and not isinstance(label, str):
            errors.append(f"{w}: label ska vara text (skriv den inom citattecken)")
        elif label in seen_labels:
            errors.append(
                f"{w}: rubriken förekommer två gånger; varje kolumn behöver en egen rubrik"
            )
        seen_labels.add(label)
        errors += [f"{w}: okänt fält {f}" for f in c if f not in schema.COLUMN_FIELDS]
        if "label" not in c:
            errors.append(f"{side}: en kolumn saknar label")
        role = c.get("role", "value")
        if role not in schema.COLUMN_ROLES:
            errors.append(f'{w}: okänd kolumnroll "{role}"')
        key = c.get("key")
        if key is None:
            errors.append(f"{w}: key saknas")
        elif key in seen_keys:
            errors.append(f'{w}: nyckeln "{key}" förekommer två gånger')
        elif kind is not None:
            ok = bool(schema.SLUG.match(key)) if role == "text" else kind.allows_key(key)
            if not ok:
                errors.append(f'{w}: okänd nyckel "{key}" för {meta["kind"]}')
        seen_keys.add(key)
    return errors


def _check_row_labels(rows: list[dict], side: str) -> list[str]:
    """Row labels: text, each used once."""
    labels = [r.get("label") for r in rows]
    counts = Counter(x if isinstance(x, Hashable) else repr(x) for x in labels)
    errors = [
        f'{side}: raden "{label}" förekommer två gånger'
        for label in sorted((x for x, n in counts.items() if n > 1), key=str)
    ]
    return errors + [
        f'{side}: raden "{label}": label ska vara text (skriv den inom citattecken)'
        for label in labels
        if label is not None and not isinstance(label, str)
    ]


def _check_row(
    r: dict, side: str, kind: schema.Kind | None, kind_name, known: set, codes: dict[str, str]
) -> list[str]:
    """One row: known fields, a role of its kind, unit, its kommun code (unique: ``codes``
    collects them), what its role needs, parent and parts among the rows."""
    errors = []
    label = r.get("label", "?")
    w = f'{side}: raden "{label}"'
    errors += [
        f"{w}: okänt fält {f}"
        for f in r
        if f not in schema.ROW_FIELDS + (kind.row_fields if kind else ())
    ]
    if "label" not in r:
        errors.append(f"{side}: en rad saknar label")
    role = r.get("role")
    if role is None:
        errors.append(f"{w}: role saknas")
    elif kind is not None and role not in kind.roles:
        errors.append(
            f'{w}: okänd radroll "{role}" för {kind_name} (tillåtna: {", ".join(kind.roles)})'
        )
    if "unit" in r and r["unit"] not in schema.UNITS:
        errors.append(f'{w}: okänd enhet "{r["unit"]}"')
    if kind is not None and role in kind.needs_code and "kommun_kod" not in r:
        errors.append(f"{w}: kommun_kod saknas")
    if "kommun_kod" in r:
        code_errors = _check_code(r["kommun_kod"], w)
        errors += code_errors
        if not code_errors and r["kommun_kod"] in codes:
            errors.append(
                f"{w}: kommunkoden {r['kommun_kod']} finns redan på raden "
                f'"{codes[r["kommun_kod"]]}"'
            )
        if not code_errors:
            codes[r["kommun_kod"]] = label
    need = kind.role_needs.get(role) if kind is not None else None
    if need and need not in r:
        errors.append(f"{w}: {need} saknas (krävs för rollen {role})")
    if "parent" in r and r["parent"] not in known:
        errors.append(f'{w}: parent "{r["parent"]}" är ingen rad i tabellen')
    return errors + [
        f'{w}: del "{p}" i parts är ingen rad i tabellen'
        for p in r.get("parts", []) or []
        if p not in known
    ]


def _check_total_last(rows: list[dict], side: str) -> list[str]:
    """A total row: at most one, and last among the rows that are not memo rows."""
    labels = [r.get("label") for r in rows]
    totals = [i for i, r in enumerate(rows) if r.get("role") == "total"]
    non_memo = [i for i, r in enumerate(rows) if r.get("role") != "memo"]
    if len(totals) > 1:
        return [
            f"{side}: flera summarader ({', '.join(str(labels[i]) for i in totals)}); "
            f"högst en är tillåten"
        ]
    if totals and totals[0] != non_memo[-1]:
        return [
            f'{side}: summaraden "{labels[totals[0]]}" står inte sist '
            f"(bara memo-rader får stå efter summan)"
        ]
    return []
