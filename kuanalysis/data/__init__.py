"""The source tables: reading, the number grammar, table kinds, sidecars, the Table itself.

``data/raw`` -> :func:`load_table` / :func:`load_folder` / :func:`load_all` -> :class:`Table`.
"""

from ..errors import DataError
from .load import load_all, load_folder, load_table
from .table import Table

__all__ = ["DataError", "Table", "load_all", "load_folder", "load_table"]
