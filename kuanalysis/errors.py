"""The two kinds of failure a user can meet, and the exit code each gives.

- :class:`InputError` (exit 2): the input is wrong (a raw table, a sidecar, a scenario file,
  a parameter, a path). The message names the file, line and field, in Swedish.
- Anything else (exit 1): a fault in the code. The command prints one paragraph, and a
  traceback only with ``--debug``.

Every error the package raises on purpose for bad input is a subclass of :class:`InputError`;
commands decide the exit code by the exception's type, never by its text.
"""

from __future__ import annotations

import sys


class InputError(ValueError):
    """Bad input; ``errors`` lists every fault found, one message each."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


#: Most faults printed; a file with thousands of faults says how many more there are.
MAX_SHOWN = 50


def print_input_error(error: InputError, heading: str | None = None) -> None:
    """Print bad input as every command does, on stderr: an optional heading line, then one
    ``Fel: ...`` line per fault, the first :data:`MAX_SHOWN` of them and then one line
    ``... och N fel till``."""
    if heading:
        print(heading, file=sys.stderr)
    for message in error.errors[:MAX_SHOWN]:
        print(f"Fel: {message}", file=sys.stderr)
    if len(error.errors) > MAX_SHOWN:
        print(f"... och {len(error.errors) - MAX_SHOWN} fel till", file=sys.stderr)


class DataError(InputError):
    """Faults in a raw table or its sidecar."""


class SpecError(InputError):
    """A continuity mapping or cross-check file does not fit the tables it names."""


class ScenarioError(InputError):
    """Faults in one or more scenario files."""

    @property
    def messages(self) -> list[str]:
        return self.errors


class ParameterError(InputError):
    """A report parameter that does not fit the notebook."""


class PathError(InputError):
    """A path outside what a command may read or write."""


class ArgumentError(InputError):
    """A command-line option that does not fit (a malformed range, an unknown post)."""
