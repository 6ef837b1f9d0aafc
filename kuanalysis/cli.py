"""Command line: ``kuanalysis render|list|data|check|fees|import``.

The commands and their outputs are contracts other tools read: extend, never rename. Every
long option has a Swedish name (``--ut``, ``--jobb``, ``--felsok``, ``--hjalp``); the English
names it had first (``--out``, ``--jobs``, ``--debug``, ``--help``) still work.

Every command exits with 0 (done), 2 (bad input: any :class:`~kuanalysis.errors.InputError`,
printed as ``Fel: …`` lines naming the file, line or field, and every option argparse refuses,
as one ``Fel:`` line in Swedish, :class:`Parser`) or 1 (a fault in the code: one Swedish
paragraph without local paths; the traceback only with ``--felsok``). A path given with
``--ut`` or ``--diagram`` is checked (:func:`kuanalysis.paths.output`) before anything is
written.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from typing import NoReturn

from .errors import InputError, print_input_error

#: argparse's own messages (Python 3.11 to 3.13) and what a user reads instead.
_SWEDISH = [
    (
        r"argument KOMMANDO: invalid choice: '(.*)' \(choose from (.*)\)",
        "okänt kommando '{0}' (välj bland {1})",
    ),
    (r"argument (\S+): (.*)", "{0}: {1}"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "okänt val {0} (välj bland {1})"),
    (r"expected one argument", "väntade ett värde efter flaggan"),
    (r"expected at most one argument", "väntade högst ett värde"),
    (r"expected at least one argument", "väntade minst ett värde"),
    (r"expected (\d+) arguments?", "väntade {0} värden"),
    (r"invalid \S+ value: (.*)", "ogiltigt värde {0}"),
    (r"ignored explicit argument (.*)", "flaggan tar inget värde, fick {0}"),
    (r"not allowed with argument (.*)", "kan inte anges tillsammans med {0}"),
    (r"the following arguments are required: (.*)", "följande måste anges: {0}"),
    (r"unrecognized arguments: (.*)", "okända argument: {0}"),
    (r"ambiguous option: (\S+) could match (.*)", "flaggan {0} är tvetydig: den kan vara {1}"),
    (r"one of the arguments (.*) is required", "ett av argumenten {0} måste anges"),
]


def swedish(message: str) -> str:
    """An argparse error message in Swedish (our own messages, already Swedish, unchanged)."""
    for pattern, text in _SWEDISH:
        m = re.fullmatch(pattern, message, re.S)
        if m:
            parts = [g.replace("'", "") if "choose from" in pattern else g for g in m.groups()]
            if pattern.startswith("argument (") and parts:
                parts[-1] = swedish(parts[-1])
            return text.format(*parts)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse in Swedish: an option it refuses is one ``Fel:`` line on stderr and exit 2
    (no usage block, no English), the help's headings are Swedish and ``-h`` is also
    ``--hjalp``."""

    def __init__(self, *, add_help: bool = True, parents=(), **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        if add_help:
            self.add_argument(
                "-h",
                "--hjalp",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="visa den här hjälpen och avsluta",
            )
        for parent in parents:  # as argparse adds them, after the headings are Swedish
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str) -> NoReturn:
        print(f"Fel: {swedish(message)}", file=sys.stderr)
        self.exit(2)


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"väntade NAMN=VÄRDE, fick {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value


def _whole(text: str, least: int, expected: str, most: int | None = None) -> int:
    """An option's integer, in the tables' number grammar (``int()`` takes "٣" and "３")."""
    from .data.numbers import NumberTextError, typed_number

    try:
        value = typed_number(text, sign=False)
    except NumberTextError as e:
        value, reason = None, f" ({e.reason})" if e.reason else ""
    else:
        reason = ""
    if value is None or value < least or (most is not None and value > most):
        raise argparse.ArgumentTypeError(f"väntade {expected}, fick {text!r}{reason}")
    return value


def _jobs(text: str) -> int:
    from .render.forkserver import WORKERS_PER_CORE, max_workers

    most = max_workers()
    per_core = {1: "en", 2: "två"}.get(WORKERS_PER_CORE, str(WORKERS_PER_CORE))
    return _whole(text, 1, f"ett heltal från 1 till {most} (högst {per_core} per kärna)", most)


def _year(text: str) -> int:
    return _whole(text, 1, "ett årtal, t.ex. 2027")


def build_parser() -> argparse.ArgumentParser:
    # --debug works before or after the command name
    common = Parser(add_help=False)
    common.add_argument(
        "--felsok",
        "--debug",
        dest="debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="visa hela felspåret när ett fel i programmet stoppar kommandot",
    )
    p = Parser(
        prog="kuanalysis",
        parents=[common],
        description="Avstämning och rapporter för Kommunal utveckling i Jönköpings län.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="KOMMANDO", title="kommandon")

    _render_options(sub, common)
    sub.add_parser(
        "list", parents=[common], help="visa rapporterna med parametrar, standardvärden och typer"
    )

    d = sub.add_parser(
        "data", parents=[common], help="läs och validera alla källtabeller, skriv tables.csv"
    )
    d.add_argument(
        "--ut", "--out", dest="out", default=None, metavar="MAPP", help="standard: data/processed"
    )

    c = sub.add_parser(
        "check", parents=[common], help="stäm av alla tabeller, skriv avvikelser som CSV"
    )
    c.add_argument(
        "--ut",
        "--out",
        dest="out",
        default=None,
        metavar="FIL",
        help="standard: reports/avstamning.csv",
    )

    _fees_options(sub, common)
    _import_options(sub, common)
    return p


def _render_options(sub, common) -> None:
    r = sub.add_parser(
        "render",
        parents=[common],
        help="kör anteckningsböcker och skriv HTML-rapporter till reports/",
    )
    r.add_argument("names", nargs="*", metavar="NAMN", help="rapporter (alla om inga anges)")
    r.add_argument(
        "-p",
        "--parameter",
        action="append",
        type=_key_value,
        default=[],
        metavar="NAMN=VÄRDE",
        help="sätt en parameter (kan upprepas)",
    )
    r.add_argument(
        "--jobb",
        "--jobs",
        "-j",
        dest="jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="parallella processer (standard: en per kärna; högst två per kärna)",
    )
    r.add_argument(
        "--ut",
        "--out",
        dest="out",
        default=None,
        metavar="MAPP",
        help="mapp för rapporterna (standard: reports/)",
    )
    r.add_argument(
        "--tidpunkt",
        default=None,
        help="tidpunkt som skrivs i rapporterna, t.ex. '2024-10-25 08:00' (ger identiska filer)",
    )
    r.add_argument(
        "--alla",
        action="store_true",
        help="rendera alla rapporter, även de vars indata inte ändrats",
    )


def _fees_options(sub, common) -> None:
    f = sub.add_parser(
        "fees",
        parents=[common],
        help="fördela avgifterna år för år enligt ett eller flera "
        "scenarier; svep och högsta värde för ett scenario",
    )
    f.add_argument("scenarios", nargs="+", metavar="SCENARIO.yaml")
    f.add_argument(
        "--ut",
        "--out",
        dest="out",
        default=None,
        metavar="FIL",
        help="CSV-fil (standard: reports/avgifter.csv; med --svep skrivs svepet bara hit)",
    )
    f.add_argument(
        "--svep",
        default=None,
        metavar="POST=FRÅN..TILL/STEG",
        help="variera en posts belopp (kr) eller uppräkning (%%, t.ex. "
        "uppräkning=0..5/0,5) och visa kostnad per kommun och balanskontot",
    )
    f.add_argument(
        "--ar",
        type=_year,
        default=None,
        metavar="ÅR",
        help="med --svep: året vars avgifter visas (standard: första året; för uppräkning sista)",
    )
    f.add_argument(
        "--diagram",
        default=None,
        metavar="FIL",
        help="med --svep: diagrammet över svepet som PNG- eller SVG-fil (efter filens ändelse)",
    )
    f.add_argument(
        "--hogsta",
        default=None,
        metavar="POST",
        help="högsta belopp för POST (eller uppräkning) med balanskontot ≥ 0 till och med --till",
    )
    f.add_argument(
        "--till",
        type=_year,
        default=None,
        metavar="ÅR",
        help="med --hogsta: året balanskontot ska räcka till och med",
    )


def _import_options(sub, common) -> None:
    i = sub.add_parser(
        "import",
        parents=[common],
        help="läs en export (xlsx/csv) uppställd som förra periodens tabell eller tabeller "
        "och skriv dem som nya tabeller i data/raw",
    )
    i.add_argument(
        "file",
        metavar="FIL",
        help="exporten: en .xlsx-fil, en .csv-fil eller en mapp med csv-filer",
    )
    i.add_argument(
        "--som",
        "--like",
        dest="like",
        required=True,
        metavar="FÖREGÅENDE",
        help="tabellen i data/raw som filen är uppställd som, eller en periods tabeller "
        "med deras gemensamma början (t.ex. delar-2024-t2)",
    )
    i.add_argument(
        "--period", required=True, metavar="START/SLUT", help="perioden som ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD"
    )
    i.add_argument(
        "--tabell",
        "--table",
        dest="table",
        default=None,
        metavar="NY",
        help="den nya tabellens namn (en tabell; standard: FÖREGÅENDEs namn med den nya perioden)",
    )
    i.add_argument(
        "--dokument",
        "--document",
        dest="document",
        default=None,
        metavar="TEXT",
        help="källdokumentet (standard: exportfilens namn)",
    )
    i.add_argument(
        "--mapp",
        default=None,
        metavar="NAMN",
        help="mappen i data/raw (standard: periodens mapp eller en ny)",
    )
    i.add_argument(
        "--bekrafta",
        action="store_true",
        help="ta med nya, omdöpta och saknade rader, kolumner och tabeller som listats",
    )


#: What each command writes with --out: a folder or a file.
_OUT_KIND = {"render": "dir", "data": "dir", "check": "file", "fees": "file"}


def _dispatch(args) -> int:
    out = getattr(args, "out", None)
    if out is not None:
        from .paths import output

        out = str(output(out, _OUT_KIND[args.command], "--ut"))
    diagram = getattr(args, "diagram", None)
    if diagram is not None:
        from .paths import output

        diagram = str(output(diagram, "file", "--diagram"))
    if args.command == "render":
        from .render import command_line

        return command_line(
            args.names,
            dict(args.parameter),
            jobs=args.jobs,
            out_dir=out,
            generated_at=args.tidpunkt,
            everything=args.alla,
        )
    if args.command == "list":
        from .render import describe

        print(describe())
        return 0
    if args.command == "data":
        from .data.tidy import cli_data

        return cli_data(out)
    if args.command == "check":
        from .commands.check import cli_check

        return cli_check(out)
    if args.command == "import":
        from .data.importer import cli_import

        return cli_import(
            args.file,
            like=args.like,
            table=args.table,
            period=args.period,
            document=args.document,
            folder=args.mapp,
            confirm=args.bekrafta,
        )
    from .commands.fees import cli_fees

    return cli_fees(
        args.scenarios,
        out,
        svep=args.svep,
        ar=args.ar,
        hogsta=args.hogsta,
        till=args.till,
        diagram=diagram,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except InputError as e:
        print_input_error(e)
        return 2
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - a fault in the code: one paragraph, not a traceback
        from .paths import local_paths_removed

        if getattr(args, "debug", False):
            traceback.print_exc()
        print(
            f"Ett fel i programmet (inte i indata) stoppade kommandot {args.command}: "
            f"{local_paths_removed(f'{type(e).__name__}: {e}')}. Kör kommandot igen med "
            f"--felsok för att se var felet uppstod, och rapportera det till den som underhåller "
            f"kuanalysis.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
