"""Packaging: environment.yml in step with pyproject.toml, the lock file pins everything."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = data["dependencies"] + data["optional-dependencies"]["test"]
    return data, dict(_split(r) for r in reqs)


def test_environment_yml_matches_pyproject():
    data, wanted = _pyproject()
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str) and d != "pip")
    python = conda.pop("python")
    assert python == data["requires-python"]
    assert conda == wanted


def test_lock_pins_every_dependency_exactly():
    _, wanted = _pyproject()
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pins = dict(_split(line) for line in lines)
    assert all(spec.startswith("==") for spec in pins.values()), "every line must pin with =="
    missing = set(wanted) - set(pins)
    assert not missing, f"lock file lacks {sorted(missing)}"
    assert "kuanalysis" not in pins


def test_makefile_installs_from_lock_and_ci_runs_make_test():
    make = (ROOT / "Makefile").read_text()
    assert "-r requirements.lock" in make
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make reports" in readme and "make test" in readme


def test_one_version_in_the_package_its_metadata_and_the_changelog():
    """The version the reports print (kuanalysis.__version__) is the package's, and the
    changelog's newest section is that release, with a date."""
    import kuanalysis

    data, _ = _pyproject()
    assert kuanalysis.__version__ == data["version"] == "0.2.0"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## (\S+) \((.+)\)$", changelog, re.M)
    assert newest is not None
    assert newest[1] == data["version"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", newest[2])


def test_no_file_names_a_path_outside_the_repository():
    """No tracked text file cites an absolute local path (a home folder, /work, a drive)."""
    import subprocess

    files = subprocess.run(
        ["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    # a folder of a machine followed by a name in it (a home folder, /work, a Windows user)
    local = re.compile(r"(?<![\w.:/])(/home|/root|/work|/Users|[A-Z]:\\Users)[/\\]\w")
    found = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".xlsx", ".png", ".pdf"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}: {m[0]}" for m in local.finditer(text)]
    assert found == []


def test_the_modules_the_suite_orders_and_marks_are_there():
    """conftest's lists name test modules that exist: a renamed module would otherwise lose
    its mark (slow) or its place (longest first) without a word."""
    from conftest import LONGEST_FIRST, SLOW_MODULES

    there = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    assert set(SLOW_MODULES) <= there
    assert set(LONGEST_FIRST) <= there
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
