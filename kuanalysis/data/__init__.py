"""The source tables: reading, the number grammar, table kinds, sidecars, the Table itself.

``data/raw`` -> :func:`load_table` / :func:`load_folder` / :func:`load_all` -> :class:`Table`.

The names below load on first use: importing one of the package's light modules (the number
grammar, the periods) does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..errors import DataError
    from .load import load_all, load_folder, load_table
    from .table import Table

__all__ = ["DataError", "Table", "load_all", "load_folder", "load_table"]

_WHERE = {
    "DataError": "..errors",
    "Table": ".table",
    "load_all": ".load",
    "load_folder": ".load",
    "load_table": ".load",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
