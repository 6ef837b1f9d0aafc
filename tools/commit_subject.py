"""commit-msg hook (pre-commit): a commit's subject line is at most 72 characters, with the
detail in the body after a blank line. Usage: ``python3 tools/commit_subject.py MSGFILE``."""

from __future__ import annotations

import sys
from pathlib import Path

#: The most characters a subject line may have.
MAX_SUBJECT = 72


def fault(message: str) -> str | None:
    """What is wrong with a commit message's subject, or None."""
    lines = [line for line in message.splitlines() if not line.startswith("#")]
    subject = lines[0].rstrip() if lines else ""
    if not subject:
        return "Ämnesraden är tom."
    if len(subject) > MAX_SUBJECT:
        return (
            f"Ämnesraden har {len(subject)} tecken, högst {MAX_SUBJECT}: skriv detaljerna i "
            f"meddelandets kropp, efter en tom rad."
        )
    if len(lines) > 1 and lines[1].strip():
        return "Raden efter ämnesraden ska vara tom; detaljerna kommer efter den."
    return None


def main(argv: list[str]) -> int:
    problem = fault(Path(argv[1]).read_text(encoding="utf-8"))
    if problem:
        print(f"Fel: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
