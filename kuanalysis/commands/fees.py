"""``kuanalysis fees``: allocate scenarios and write the fees CSV (a contract); with
``--svep`` a sweep over one variable, with ``--hogsta`` the largest value for which the
balance account lasts. Every message is Swedish; bad input exits 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError, print_input_error
from ..fees import whatif
from ..fees.balance import balance_overview
from ..fees.matrix import kommun_codes
from ..fees.projection import FEE_COLUMNS, allocate_scenario
from ..fees.scenarios import ScenarioLoader, _load_each, default_population
from ..paths import atomic_path, relative, reports_dir


def cli_fees(
    paths: list[str],
    out: str | None = None,
    svep: str | None = None,
    ar: int | None = None,
    hogsta: str | None = None,
    till: int | None = None,
    diagram: str | None = None,
) -> int:
    """``kuanalysis fees SCENARIO.yaml ... [--out FIL]``, or with one scenario
    ``--svep "POST=FRÅN..TILL/STEG" [--ar ÅR] [--out FIL] [--diagram FIL]`` or
    ``--hogsta POST --till ÅR``.

    Fees: writes the columns :data:`FEE_COLUMNS` (one line per scenario, year, post and
    municipality) to ``out`` (default ``reports/avgifter.csv``) through a temporary file
    renamed into place, and prints when each scenario's balance account runs out. Sweep:
    prints the table (tkr), writes it as CSV only to ``--out`` and draws it only to
    ``--diagram`` (PNG or SVG, by the file's suffix). Search: prints the
    answer and its check. Bad input (:class:`~kuanalysis.errors.InputError`): every message
    printed, exit 2, nothing written.
    """
    try:
        if svep is not None and hogsta is not None:
            raise InputError("ange antingen --svep eller --hogsta, inte båda")
        if (till is None) != (hogsta is None):
            raise InputError("--hogsta och --till anges tillsammans: --hogsta POST --till ÅR")
        if ar is not None and svep is None:
            raise InputError("--ar gäller bara --svep")
        if diagram is not None and svep is None:
            raise InputError("--diagram gäller bara --svep")
        if diagram is not None and Path(diagram).suffix.lower() not in DIAGRAM_FORMATS:
            raise InputError(f"--diagram {relative(diagram)}: filen ska sluta på .png eller .svg")
        population = default_population()
        loader = ScenarioLoader(population)
        scenarios, errors = _load_each(paths, loader)
        names = [s.name for s in scenarios]
        for name in sorted({n for n in names if names.count(n) > 1}):
            errors.append(f"scenariot {name!r} anges två gånger")
        if errors:
            raise InputError(errors)
        if svep is None and hogsta is None:
            return _fees(scenarios, loader, population, out)
        if len(scenarios) != 1:
            raise InputError(
                f"--{'svep' if svep else 'hogsta'} gäller ett scenario, fick {len(scenarios)}"
            )
        (scenario,) = scenarios
        matrix = loader.table(scenario.proposal_year)
        keys = {k: lbl for k, lbl in matrix.keys().items() if lbl in scenario.posts}
        if svep is not None:
            return _sweep(scenario, matrix, population, svep, ar, keys, out, diagram)
        # checked above: without --svep here, --hogsta is given, and --till with it
        assert hogsta is not None and till is not None
        return _largest(scenario, matrix, population, hogsta, till, keys)
    except InputError as exc:  # bad input; any other error is a fault in the code (exit 1)
        print_input_error(exc)
        return 2


def _fees(scenarios, loader: ScenarioLoader, population, out: str | None) -> int:
    frame = (
        pd.concat(
            [allocate_scenario(s, loader.table(s.proposal_year), population) for s in scenarios],
            ignore_index=True,
        )
        if scenarios
        else (pd.DataFrame(columns=FEE_COLUMNS))
    )
    target = Path(out) if out else reports_dir() / "avgifter.csv"
    with atomic_path(target) as tmp:
        # the contract: kommun_kod as text, fakturerad as true/false, år last
        frame.assign(fakturerad=frame["fakturerad"].map({True: "true", False: "false"})).to_csv(
            tmp, index=False, encoding="utf-8"
        )
    print(f"{len(frame)} rader ({len(scenarios)} scenarier) skrivna till {relative(target)}")
    if scenarios:
        _, summary = balance_overview(scenarios)
        for name, row in summary.iterrows():
            when = (
                f"tar slut {row['tar_slut']}"
                if row["tar_slut"] is not None
                else f"räcker till och med {row['sista_år']}"
            )
            print(f"  {name}: balanskontot {when}")
    return 0


#: The chart formats ``--diagram`` writes, by suffix (metadata without a date, so the same
#: sweep gives the same file).
DIAGRAM_FORMATS = {".png": {"Software": None}, ".svg": {"Date": None}}


def _sweep(scenario, matrix, population, text: str, year, keys, out, diagram=None) -> int:
    var, values = whatif.parse_sweep(text, scenario, keys)
    frame = whatif.sweep(scenario, matrix, population, var, values, year)
    names = {code: label for label, code in kommun_codes(matrix).items()}
    print(sweep_text(frame, var, scenario.name, names))
    if out:
        target = Path(out)
        csv = frame.assign(värde=[(v / 100 if var.is_uprating else v) for v in frame["värde"]])
        with atomic_path(target) as tmp:
            csv.to_csv(tmp, index=False, encoding="utf-8")
        print(f"{len(frame)} rader skrivna till {relative(target)}")
    if diagram:
        _draw_sweep(frame, var, Path(diagram))
    return 0


def _draw_sweep(frame: pd.DataFrame, var: whatif.Variable, target: Path) -> None:
    """The sweep's chart (:func:`kuanalysis.reports.charts.sweep`) written to ``target``."""
    import matplotlib

    matplotlib.use("Agg")  # a command, not a notebook: no window
    import matplotlib.pyplot as plt

    from ..reports import charts

    charts.style()
    ax = charts.sweep(frame, var.name, var.is_uprating)
    suffix = target.suffix.lower()
    with atomic_path(target) as tmp:
        ax.figure.savefig(tmp, format=suffix[1:], metadata=DIAGRAM_FORMATS[suffix])
    plt.close(ax.figure)
    print(f"Diagrammet skrivet till {relative(target)}")


def sweep_text(frame: pd.DataFrame, var: whatif.Variable, name: str, names: dict[str, str]) -> str:
    """The sweep as a plain-text Swedish table: tkr per municipality (``names``: code ->
    printed name), the balance at the end and the year it runs out."""
    year = int(frame["år"].iloc[0])
    last = int(frame["sista_år"].iloc[0])
    codes = [c for c in frame.columns if str(c).isdigit()]
    head = (
        [var.name if not var.is_uprating else "uppräkning per år"]
        + [names.get(c, c) for c in codes]
        + ["Summa", f"Balans {last}", "Tar slut"]
    )
    rows = []
    for _, r in frame.iterrows():
        rows.append(
            [var.text(int(r["värde"]))]
            + [_tkr(r[c]) for c in codes]
            + [
                _tkr(r["summa_kr"]),
                _tkr(r["balanskonto_kr"]),
                str(r["tar_slut"]) if r["tar_slut"] is not None else f"efter {last}",
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    lines = [
        f"Scenario {name}: fakturerat {year} per kommun, tkr, och "
        f"balanskontot, när {var.name} varierar",
        "",
    ]
    for row in [head] + rows:
        lines.append("  ".join(str(x).rjust(w) for x, w in zip(row, widths)))
    return "\n".join(lines)


def _tkr(x) -> str:
    return f"{round(float(x) / 1000):,}".replace(",", " ").replace("-", "\u2212")


def _largest(scenario, matrix, population, name: str, through: int, keys) -> int:
    var = whatif.variable(name, scenario, keys)
    answer = whatif.largest_value(scenario, matrix, population, var, through)
    what = "årlig uppräkning av alla poster" if var.is_uprating else f"belopp för {var.name}"
    if answer.independent:
        why = (
            "ingen post tas från balanskontot"
            if var.is_uprating
            else "posten tas inte från balanskontot"
        )
        print(
            f"Balanskontot beror inte på {var.name} i scenariot {scenario.name} ({why}): "
            f"det räcker till och med {through} med vilket värde som helst."
        )
        return 0
    if answer.value is None:
        print(
            f"Balanskontot räcker inte till och med {through} i scenariot {scenario.name}, "
            f"hur lågt värdet för {var.name} än är."
        )
        return 0
    print(
        f"Högsta {what} med balanskontot på minst 0 kr vid varje årsslut till och med "
        f"{through} (scenariot {scenario.name}): {var.text(answer.value)}."
    )
    if answer.value < 0:
        print(
            f"Det är en minskning: balanskontot räcker inte till och med {through} ens om "
            f"{'beloppen' if var.is_uprating else 'posten'} står still."
        )
    step = "0,01 procentenhet" if var.is_uprating else "1 kr"
    assert answer.closing is not None and answer.next_closing is not None  # set with a value
    print(
        f"Kontroll, med fördelningen räknad på nytt: med {var.text(answer.value)} är "
        f"balanskontot {_kr(answer.closing)} vid slutet av {through}; {step} mer ger "
        f"{_kr(answer.next_closing)} vid slutet av {answer.next_year}."
    )
    return 0


def _kr(x: int) -> str:
    return f"{x:,}".replace(",", " ").replace("-", "\u2212") + " kr"
