"""The commit-msg hook: subjects of at most 72 characters, the detail in the body."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import yaml
from conftest import ROOT

SCRIPT = ROOT / "tools" / "commit_subject.py"
_spec = importlib.util.spec_from_file_location("commit_subject", SCRIPT)
assert _spec is not None and _spec.loader is not None
commit_subject = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(commit_subject)


def test_a_subject_of_72_characters_passes_and_73_fails():
    assert commit_subject.fault("a" * 72 + "\n\nDetaljer.\n") is None
    assert "73 tecken" in commit_subject.fault("a" * 73 + "\n")


def test_the_body_comes_after_a_blank_line_and_comments_are_ignored():
    assert commit_subject.fault("Ämne\n\nKropp\n# en kommentar från git\n") is None
    assert commit_subject.fault("# bara en kommentar\nÄmne\n") is None
    assert "tom" in commit_subject.fault("Ämne\nKropp direkt under\n")
    assert "tom" in commit_subject.fault("\n\nKropp\n")


def test_the_hook_refuses_a_long_subject_with_exit_1(tmp_path):
    msg = tmp_path / "COMMIT_EDITMSG"
    msg.write_text("Ämne som säger allt på en rad " * 4 + "\n")  # 4 × 30 characters, less a space
    proc = subprocess.run([sys.executable, SCRIPT, msg], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.startswith("Fel: Ämnesraden har 119 tecken")
    msg.write_text("Kort ämne\n\nDetaljerna här.\n")
    assert subprocess.run([sys.executable, SCRIPT, msg]).returncode == 0


def test_pre_commit_installs_it_as_a_commit_msg_hook():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert "commit-msg" in config["default_install_hook_types"]
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert hooks["commit-subject"]["stages"] == ["commit-msg"]
    assert hooks["commit-subject"]["entry"] == "python3 tools/commit_subject.py"
