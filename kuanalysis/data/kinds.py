"""What each table kind looks like: its column keys, row roles and sidecar fields.

The kinds are described for people in ``data/raw/README.md``; this module is the same list in
a form :mod:`kuanalysis.data.sidecar` can check a sidecar against. Keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Units a table or a row may have.
UNITS = ("kr", "tkr", "mnkr", "%", "antal")

#: Suffixes a printed figure may carry; each must agree with the cell's unit.
SUFFIXES = ("mnkr", "tkr", "kr", "%")

#: Sidecar fields every table must have / may have.
REQUIRED_FIELDS = (
    "table",
    "document",
    "heading",
    "unit",
    "kind",
    "label_column",
    "columns",
    "rows",
)
OPTIONAL_FIELDS = (
    "document_title",
    "period",
    "notes",
    "ambiguities",
    "avvikelse",
    "like",
    "export",
)
#: The fields of ``export``: where an imported table's figures came from.
EXPORT_FIELDS = ("file", "sheet", "header_row", "sha256")

ROW_FIELDS = ("label", "role", "kommun_kod", "unit", "parent", "parts", "note", "like")
COLUMN_FIELDS = ("label", "key", "role", "note")
COLUMN_ROLES = ("value", "total", "text")

#: A slug: lower case ASCII letters, digits and underscores (the key of a fee_matrix post).
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Kind:
    """The shape of one table kind.

    Text columns (role ``text``, e.g. claims' ``period``/``avser``/``citat``, a printed
    ``kommentar``, a ``kommun_kod``) may have any slug key in every kind; they are never parsed.

    Attributes
    ----------
    keys : tuple of str
        Allowed keys of figure columns (empty when ``key_pattern`` decides).
    key_pattern : re.Pattern or None
        Allowed keys given as a pattern (one column per post or per year).
    roles : tuple of str
        Allowed row roles.
    needs_code : tuple of str
        Row roles that must carry a ``kommun_kod``.
    extra_required : tuple of str
        Sidecar fields this kind needs beyond :data:`REQUIRED_FIELDS`.
    row_fields : tuple of str
        Row fields this kind allows beyond :data:`ROW_FIELDS`.
    """

    keys: tuple[str, ...] = ()
    key_pattern: re.Pattern | None = None
    roles: tuple[str, ...] = ()
    needs_code: tuple[str, ...] = ()
    extra_required: tuple[str, ...] = ()
    row_fields: tuple[str, ...] = ()
    #: Row role -> the row field it needs (a subitem needs its parent, a subtotal its parts).
    role_needs: dict = field(default_factory=dict)

    def allows_key(self, key: str) -> bool:
        """Whether ``key`` may name a figure column of this kind."""
        if key in self.keys:
            return True
        return bool(self.key_pattern and self.key_pattern.match(key))


KINDS: dict[str, Kind] = {
    "fund_statement": Kind(
        keys=(
            "ib",
            "erhallna",
            "disponibla",
            "budget",
            "utfall",
            "utbetalt",
            "overforda",
            "kvarvarande",
            "varav_statliga",
            "okand",
        ),
        roles=("area", "netting", "total", "memo"),
        # each fund statement is a period (a close or a tertial): its report needs the dates
        extra_required=("period",),
    ),
    "fee_matrix": Kind(
        key_pattern=SLUG,
        roles=("kommun", "total"),
        needs_code=("kommun",),
    ),
    "share_table": Kind(
        keys=("andel_av_utfall", "kommunerna", "staten", "ovriga"),
        roles=("area", "subtotal", "total"),
        role_needs={"subtotal": "parts"},
    ),
    "amount_table": Kind(
        keys=("belopp",),
        roles=("part", "subpart", "total", "item"),
        role_needs={"subpart": "parent"},
    ),
    "amount_by_kommun": Kind(
        key_pattern=re.compile(r"^ar_\d{4}$"),
        roles=("kommun", "total"),
        needs_code=("kommun",),
    ),
    "budget_followup": Kind(
        keys=("utfall", "budget", "avvikelse", "utfall_foregaende_ar"),
        roles=("item", "subitem", "total"),
        extra_required=("avvikelse",),
        role_needs={"subitem": "parent"},
    ),
    "claims": Kind(
        keys=("belopp",),
        roles=("claim",),
        # kind_of_claim (amount, share, ...) and targets (list of {table, row, column}: the
        # table cells the claim should agree with) are used by the reconciliation.
        row_fields=("kind_of_claim", "targets"),
    ),
    "population": Kind(
        key_pattern=re.compile(r"^befolkning_\d{4}_12_31$"),
        roles=("kommun",),
        needs_code=("kommun",),
    ),
}

#: Allowed values of the budget_followup field ``avvikelse``.
AVVIKELSE = ("budget_minus_utfall", "utfall_minus_budget")

#: A municipality code: four digits, kept as text ("0604").
KOMMUN_KOD = re.compile(r"^\d{4}$")
