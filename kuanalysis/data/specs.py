"""Specification files beside the tables: continuity mappings between periods
(``data/raw/kontinuitet/*.yaml``) and cross-checks within a period
(``data/raw/<folder>/korskontroller*.yaml``). They are data, read like the tables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import paths, yamlfile
from ..errors import SpecError
from ..provenance import Source, source


@dataclass(frozen=True)
class Spec:
    """A specification: its content and its file (path and SHA-256; None when implied)."""

    data: dict
    source: Source | None

    @property
    def path(self) -> str:
        """The file, relative to the project ("" for a mapping implied by the data)."""
        return self.source.path if self.source is not None else ""


def read_spec(path: str | os.PathLike) -> Spec:
    """Read one mapping or cross-check file.

    Raises
    ------
    SpecError
        When the file cannot be read as a YAML mapping (the message names the file).
    """
    path = Path(path)
    data = yamlfile.load(path, SpecError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecError(f"{paths.relative(path)}: väntade en YAML-mappning")
    return Spec(data, source(path))


def spec_files(raw: str | os.PathLike) -> tuple[list[Path], list[Path]]:
    """The continuity mappings and the cross-check files under a raw data folder."""
    raw = Path(raw)
    folder = raw / "kontinuitet"
    continuity = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return continuity, sorted(raw.glob("*/korskontroller*.yaml"))
