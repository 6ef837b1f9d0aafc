"""Helpers for the rendering tests: scratch notebooks with markdown cells, tags and metadata."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

FIXED_TIME = "2024-10-25 08:00"


def notebook(
    path: Path,
    *cells,
    params: str = "x = 1  # x",
    title: str = "Prov",
    metadata: dict | None = None,
) -> None:
    """Write a notebook: ``# title``, a parameters cell, then ``cells``.

    A cell is code (a string) or a tuple ``("md" | "code", source, [tags])``.
    """
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.update(metadata or {})
    nb.cells = [
        nbf.v4.new_markdown_cell(f"# {title}"),
        nbf.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
    ]
    for c in cells:
        kind, source, tags = (*(("code", c) if isinstance(c, str) else c), [])[:3]
        new = nbf.v4.new_markdown_cell if kind == "md" else nbf.v4.new_code_cell
        nb.cells.append(new(source, metadata={"tags": tags} if tags else {}))
    for i, c in enumerate(nb.cells):
        c.id = f"c{i}"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(nb, path)


def leftovers(folder: Path) -> list[str]:
    """Temporary files of :func:`kuanalysis.paths.atomic_path` (``.<stem>-<random><suffix>``)
    left anywhere under ``folder``; the index lock file is not one."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob(".*")
        if p.is_file() and p.name != ".index.lock"
    )
