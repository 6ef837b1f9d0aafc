"""The reconciliation: rules by table kind, rules between tables, one runner, findings as data.

``tolerance`` (what rounding explains) -> rules per kind (``fund``, ``shares``, ``amounts``,
``budget``, ``fee_matrix``), between tables (``crosstable``, ``continuity``), readings
(``ambiguities``) -> ``runner.run`` -> :class:`Finding` objects whose texts come from the
registry in ``rules``.
"""

from .findings import Finding, Findings
from .rules import RULES, STATUSES
from .runner import run, select

__all__ = ["Finding", "Findings", "RULES", "STATUSES", "run", "select"]
