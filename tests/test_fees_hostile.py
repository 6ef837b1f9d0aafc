"""Hostile input on the fee side, end to end through ``kuanalysis render``: a municipality
renamed to a script tag, a scenario file named like an image tag with a description that
holds an image tag and a formula, and kommun codes that do not fit.

Only the command line and ``kuanalysis.paths`` are used, so the same tests run against any
version of the package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from kuanalysis.paths import project_root

SCRIPT = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
FORMULA = '=WEBSERVICE("https://evil.example/")'
DESCRIPTION = f'{FORMULA} <img src="https://evil.example/x.png">'


def kuanalysis(*args, root=None):
    env = {**os.environ}
    if root is not None:
        env["KUANALYSIS_ROOT"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "kuanalysis", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=project_root(),
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The fee reports rendered from a copy of the project with hostile names (Jönköping
    renamed; one more scenario) for the 2025 fee report and Jönköping's kommunblad."""
    src, root = project_root(), tmp_path_factory.mktemp("fientlig")
    for rel in [
        "notebooks/avgifter.ipynb",
        "notebooks/kommunblad.ipynb",
        "data/raw/000-pks-2024/finansiering-2025.csv",
        "data/raw/000-pks-2024/finansiering-2025.yaml",
        "data/raw/referens",
        "data/raw/002-pks-2016",
        "scenarios/forslag-2025.yaml",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        copy = shutil.copytree if (src / rel).is_dir() else shutil.copy
        copy(src / rel, root / rel)
    for name in ("finansiering-2025.csv", "finansiering-2025.yaml"):
        f = root / "data/raw/000-pks-2024" / name
        text = f.read_text(encoding="utf-8")
        text = text.replace("{label: Jönköping,", f'{{label: "{SCRIPT}",')
        f.write_text(text.replace("\nJönköping,", f"\n{SCRIPT},"), encoding="utf-8")
    avtal = (src / "scenarios/avtal.yaml").read_text(encoding="utf-8")
    avtal = re.sub(r"(?m)^beskrivning: .*$", "beskrivning: '" + DESCRIPTION + "'", avtal)
    (root / "scenarios" / f"{IMG_NAME}.yaml").write_text(avtal, encoding="utf-8")
    out = root / "ut"
    proc = kuanalysis(
        "render",
        "avgifter",
        "kommunblad",
        "-p",
        "kommuner=0680",
        "--out",
        str(out),
        "--tidpunkt",
        "2024-10-25 08:00",
        root=root,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def _pages(out):
    return {
        "avgifter-2025": (out / "avgifter-2025.html").read_text(encoding="utf-8"),
        "kommunblad": (out / "kommunblad/2025/0680-script-alert-1-script.html").read_text(
            encoding="utf-8"
        ),
    }


@pytest.mark.parametrize("page", ["avgifter-2025", "kommunblad"])
def test_names_and_descriptions_appear_as_text(hostile, page):
    text = _pages(hostile)[page]
    assert "<script" not in text.lower()
    # the only images are the charts, embedded as data
    assert all(
        re.search(r'src="data:image/png;base64,', tag) for tag in re.findall(r"<img[^>]*>", text)
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    if page == "kommunblad":  # the fee report lists descriptions too, the sheet in a sentence
        assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt; kommun (kommunkod 0680)</h2>" in text
    assert re.search(r'&lt;img src=("|&quot;)https://evil\.example/x\.png("|&quot;)&gt;', text)


def test_workbook_keeps_the_formula_as_text(hostile):
    from openpyxl import load_workbook

    wb = load_workbook(hostile / "avgifter-2025.xlsx")
    cell = wb[IMG_NAME]["A2"]
    assert (cell.value, cell.data_type) == (DESCRIPTION, "s")
    with zipfile.ZipFile(hostile / "avgifter-2025.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


@pytest.mark.parametrize(
    "parameter, message",
    [
        ("kommuner=9999", "kommunkoden 9999 finns inte"),
        ("kommuner=680", "fyra siffror som text"),
        ("kommuner=0604,9999", "kommunkoden 9999 finns inte"),
    ],
)
def test_codes_that_do_not_fit_are_refused(tmp_path, parameter, message):
    proc = kuanalysis("render", "kommunblad", "-p", parameter, "--out", str(tmp_path / "ut"))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("Fel: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "ut").exists()  # refused before anything ran
