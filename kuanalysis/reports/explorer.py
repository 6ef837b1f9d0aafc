"""The fee explorer for JupyterLab (``notebooks/utforska-avgifter.ipynb``): pick a scenario
to start from, change post amounts, keys, the yearly uprating and the last year, and see at
once what each municipality pays per year, the difference against the proposal and how long
the balance account lasts; sweep one variable; save the choice as a scenario file.

:class:`Explorer` holds the data (one loader, every scenario and printed proposal) and the
functions the widgets call: :meth:`Explorer.scenario` (a :class:`Choice` as a scenario, no
file read), :meth:`Explorer.view` (the tables as markup), :meth:`Explorer.sweep_view`
(a sweep as a table and a chart), :meth:`Explorer.save` (a valid scenario file, never
overwriting). :func:`widget` only wires ipywidgets to them. Exploring never publishes: only
:meth:`Explorer.save` writes, and only into the scenario folder.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import InputError, ScenarioError
from ..fees import whatif
from ..fees.balance import project_balance
from ..fees.keys import PRINTED_KEY, population_frame
from ..fees.matrix import kommun_codes
from ..fees.model import Scenario
from ..fees.projection import FeeModel
from ..fees.proposals import unstated
from ..fees.scenariofile import Changes, PostChange, population_key, scenario_text
from ..fees.scenarios import ScenarioLoader, base_name, load_scenarios
from . import charts, fmt, html
from .feetables import assumptions

#: A scenario's file name: what ``utgår_från`` can name.
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}$")


@dataclass(frozen=True)
class Choice:
    """What the user has set: the scenario started from (a name from
    :meth:`Explorer.names`), the last year, the uprating of the posts without their own
    (hundredths of a per cent, None = the base's), and per post an amount (kr) and a key
    (``tryckt``, a population key ``befolkning_ÅÅÅÅ_12_31``, or the base's own); a post
    missing from ``amounts`` or ``keys`` keeps what it has in the base."""

    base: str
    last_year: int | None = None
    uprating_bp: int | None = None
    amounts: dict = field(default_factory=dict, hash=False)
    keys: dict = field(default_factory=dict, hash=False)


def check(parameters) -> None:
    """The renderer's check before anything runs (notebook metadata ``check``): the scenario
    folder loads, or its faults stop the run (exit 2)."""
    Explorer.load(parameters.get("scenarier", "scenarios"))


class Explorer:
    """The scenarios to start from and what a choice gives (the functions behind the widgets).

    Parameters
    ----------
    folder : str or Path
        The scenario folder (read, and written by :meth:`save`).
    loader : ScenarioLoader, optional
        Default: the proposals in ``data/raw`` and the reference population.
    """

    def __init__(self, folder: str | os.PathLike, loader: ScenarioLoader | None = None):
        from ..fees.scenarios import default_population

        self.folder = Path(folder)
        self.loader = loader or ScenarioLoader(default_population())
        self.population = self.loader.population
        self.dates = sorted(population_frame(self.population).columns)
        self.bases: dict[str, Scenario] = {}
        self._proposal_cache: dict = {}
        for year in self.loader.years():
            printed = self.loader.printed(year)
            if not unstated(printed):
                self.bases[printed.name] = printed
        for s in load_scenarios(self.folder, self.loader):
            self.bases[s.name] = s

    @classmethod
    def load(cls, scenarier: str = "scenarios") -> Explorer:
        """The explorer on a scenario folder relative to the project (a notebook parameter)."""
        root = paths.project_root()
        paths.project_input(scenarier, "parametern scenarier")
        if not (root / scenarier).is_dir():
            raise InputError(f"parametern scenarier: {scenarier} är ingen mapp i projektet")
        return cls(root / scenarier)

    @property
    def inputs(self) -> list:
        """Everything the explorer read, for a page's provenance."""
        return [
            self.population,
            *(self.loader.table(y) for y in self.loader.years()),
            list(self.bases.values()),
        ]

    def names(self) -> list[str]:
        """The scenarios one can start from: the printed proposals, then the files by name."""
        return list(self.bases)

    def default(self) -> str:
        """The newest proposal scenario (``forslag-<år>``), else the first name."""
        years = self.loader.years()
        for year in reversed(years):
            if base_name(year) in self.bases:
                return base_name(year)
        return self.names()[0]

    def proposal(self, base: Scenario) -> Scenario:
        """What a scenario is compared with: ``forslag-<år>`` of its year, else the printed."""
        year = base.proposal_year
        named = self.bases.get(base_name(year)) if year is not None else None
        return named or self.loader.printed(year)

    def start(self, name: str) -> Choice:
        """The choice that is the scenario ``name`` unchanged."""
        base = self.bases[name]
        return Choice(
            name,
            base.years[-1] if base.years else None,
            base.uprating_bp,
            {p: s.total for p, s in base.posts.items()},
            {p: s.key for p, s in base.posts.items()},
        )

    def scenario(self, choice: Choice, name: str = "utforskat", description: str = "") -> Scenario:
        """``choice`` as a scenario (no file is read or written).

        Raises
        ------
        InputError
            An amount that is not whole kronor ≥ 0, a last year before the proposal's, an
            unknown key.
        """
        base = self.bases[choice.base]
        faults = []
        posts = dict(base.posts)
        for post, amount in choice.amounts.items():
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                faults.append(f"{post}: beloppet ska vara hela kronor, minst 0, fick {amount!r}")
            elif amount != posts[post].total:
                posts[post] = dataclasses.replace(posts[post], total=amount)
        for post, key in choice.keys.items():
            if key != posts[post].key:
                if not (key == PRINTED_KEY or key in self.dates):
                    faults.append(f"{post}: okänd nyckel {key!r}")
                else:
                    posts[post] = dataclasses.replace(posts[post], key=key)
        years = base.years
        if choice.last_year is not None and years and choice.last_year != years[-1]:
            if choice.last_year < years[0]:
                faults.append(f"sista året kan inte vara före {years[0]}")
            else:
                years = tuple(range(years[0], choice.last_year + 1))
        uprating = base.uprating_bp if choice.uprating_bp is None else choice.uprating_bp
        if faults:
            raise InputError(faults)
        # as in a file: the uprating applies to every post without its own
        return dataclasses.replace(
            base,
            name=name,
            description=description,
            posts=posts,
            years=years,
            uprating_bp=uprating,
            path="",
            source=None,
            base=base.name,
            chain=tuple(base.sources),
        )

    # -- what the view shows ----------------------------------------------------------------

    def frames(self, choice: Choice) -> dict:
        """The view's figures: ``per_kommun`` (invoiced kr per municipality and year, then
        Summa), ``skillnad`` (the first year against the proposal per municipality: the
        proposal, this choice, the difference), ``balanskonto`` (per year: opening, in, out,
        posts taken, closing) and ``scenario`` (the choice as a scenario)."""
        s = self.scenario(choice)
        matrix = self.loader.table(s.proposal_year)
        per = _per_kommun(FeeModel.of(s, matrix, self.population))
        proposal = self.proposal(self.bases[choice.base])
        first = s.horizon[0]
        key = (proposal.name, first)
        if key not in self._proposal_cache:
            one = dataclasses.replace(proposal, years=(first,))
            self._proposal_cache[key] = _per_kommun(FeeModel.of(one, matrix, self.population))
        base_per = self._proposal_cache[key][first]
        diff = pd.DataFrame({proposal.name: base_per, "Detta val": per[first]})
        diff["Skillnad"] = diff["Detta val"] - diff[proposal.name]
        balance, _ = project_balance(s)
        return {
            "per_kommun": per,
            "skillnad": diff,
            "balanskonto": balance.set_index("år"),
            "scenario": s,
        }

    def view(self, choice: Choice) -> html.Markup:
        """The three tables of a choice, and its assumptions in a sentence."""
        f = self.frames(choice)
        s = f["scenario"]
        per = f["per_kommun"].copy()
        per.columns = [str(c) for c in per.columns]
        _, year = project_balance(s)
        bal = f["balanskonto"].rename(
            columns={
                "ingående_kr": "Ingående",
                "insättningar_kr": "Insättningar",
                "uttag_kr": "Uttag",
                "från_balanskontot_kr": "Poster från balanskontot",
                "utgående_kr": "Utgående",
            }
        )
        bal.index = [str(y) for y in bal.index]
        bal.index.name = "År"
        runway = (
            f"Balanskontot tar slut {year}."
            if year is not None
            else f"Balanskontot räcker till och med {s.horizon[-1]}."
        )
        return html.join(
            [
                html.paragraph([assumptions(s), runway], box=True),
                html.table(
                    per,
                    id="utforska-per-kommun",
                    formats={c: fmt.kr for c in per.columns},
                    caption="Fakturerat per kommun och år, kronor",
                ),
                html.table(
                    f["skillnad"],
                    id="utforska-skillnad",
                    formats={
                        c: (_signed if c == "Skillnad" else fmt.kr) for c in f["skillnad"].columns
                    },
                    caption=f"{s.horizon[0]}: detta val mot förslaget per kommun, kronor",
                ),
                html.table(
                    bal,
                    id="utforska-balanskonto",
                    formats={c: fmt.kr for c in bal.columns},
                    caption="Balanskontot år för år, kronor",
                ),
            ]
        )

    def sweep_frame(
        self, choice: Choice, variable: str, values: list[int], year: int | None = None
    ) -> pd.DataFrame:
        """:func:`kuanalysis.fees.whatif.sweep` on the choice, with municipality names."""
        s = self.scenario(choice)
        matrix = self.loader.table(s.proposal_year)
        var = whatif.variable(variable, s)
        frame = whatif.sweep(s, matrix, self.population, var, values, year)
        names = {code: label for label, code in kommun_codes(matrix).items()}
        return frame.rename(columns=names)

    def sweep_view(self, choice: Choice, variable: str, values: list[int], year: int | None = None):
        """A sweep as a table (markup) and a chart (the balance at the end against the value,
        the invoiced total on a second panel)."""
        frame = self.sweep_frame(choice, variable, values, year)
        var = whatif.Variable(variable)
        last = int(frame["sista_år"].iloc[0])
        shown = frame.drop(columns=["år", "sista_år"]).set_index("värde")
        shown.index = [_value_text(var, int(v)) for v in shown.index]
        shown.index.name = variable
        shown["tar_slut"] = [
            str(y) if y is not None else f"inte före {last + 1}" for y in shown["tar_slut"]
        ]
        shown = shown.rename(
            columns={
                "summa_kr": "Summa",
                "balanskonto_kr": f"Balans {last}",
                "tar_slut": "Tar slut",
            }
        )
        table = html.table(
            shown,
            id="utforska-svep",
            # thousands without a unit in the cells, so 16 columns fit an A4 page
            formats={c: _thousands for c in shown.columns if c != "Tar slut"},
            caption=f"Fakturerat {int(frame['år'].iloc[0])} per kommun och "
            f"balanskontot när {variable} varierar, tusental kronor (tkr)",
        )
        return table, charts.sweep(frame, variable, var.is_uprating)

    def largest(self, choice: Choice, variable: str, through: int) -> html.Markup:
        """The largest value of ``variable`` for which the balance lasts through ``through``,
        in a sentence."""
        s = self.scenario(choice)
        matrix = self.loader.table(s.proposal_year)
        var = whatif.variable(variable, s)
        a = whatif.largest_value(s, matrix, self.population, var, through)
        if a.independent:
            text = f"Balanskontot beror inte på {variable} i det här valet."
        elif a.value is None:
            text = f"Balanskontot räcker inte till och med {through}, hur lågt värdet än är."
        else:
            text = (
                f"Högsta värde för {variable} med balanskontot på minst 0 kr till och med "
                f"{through}: {_value_text(var, a.value)} (kontrollerat: ett steg mer ger "
                f"{fmt.kr(a.next_closing)} vid slutet av {a.next_year})."
            )
            if a.value < 0:
                text += (
                    f" Det är en minskning: balanskontot räcker inte till och med {through} "
                    "ens utan uppräkning."
                )
        return html.paragraph([text], box=True)

    # -- saving -----------------------------------------------------------------------------

    def changes(self, choice: Choice) -> Changes:
        """What ``choice`` changes against the scenario it starts from (for a file)."""
        base = self.bases[choice.base]
        posts = {}
        for post, spec in base.posts.items():
            amount = choice.amounts.get(post, spec.total)
            key = choice.keys.get(post, spec.key)
            if amount != spec.total or key != spec.key:
                posts[post] = PostChange(
                    amount=amount if amount != spec.total else None,
                    key=key if key != spec.key else None,
                )
        years = None
        if choice.last_year is not None and base.years and choice.last_year != base.years[-1]:
            years = (base.years[0], choice.last_year)
        uprating = (
            choice.uprating_bp
            if choice.uprating_bp is not None and choice.uprating_bp != base.uprating_bp
            else None
        )
        return Changes(years=years, uprating_bp=uprating, posts=posts)

    def save(self, choice: Choice, name: str, description: str) -> Path:
        """Write ``choice`` as ``<folder>/<name>.yaml`` (starting from its base) and return it.

        The file is checked by reading it back as ``kuanalysis fees`` would before it is
        put in place; an existing file is never overwritten.

        Raises
        ------
        InputError
            A name too long for the file system or with a slash
            (:func:`kuanalysis.paths.name_fault`), a name that is not a plain file name
            (a–z, 0–9, - and _), an empty description,
            a name that is taken, or a file that would not read back; a folder under
            ``data/raw`` (:func:`kuanalysis.paths.output`).
        """
        name = str(name).strip()
        description = " ".join(str(description).split())
        faults = []
        fault = paths.name_fault(name, ".yaml", self.folder)  # before the file system sees it
        if fault is not None:
            faults.append(f"Namn: {fault}")
        elif not NAME.match(name):
            faults.append(
                f"namnet {name!r} ska vara små bokstäver a–z, siffror, - och _ "
                "(det blir filens namn)"
            )
        if not description:
            faults.append("skriv en beskrivning: en mening om vad scenariot visar")
        if faults:
            raise InputError(faults)
        target = paths.output(self.folder / f"{name}.yaml", "file", "Namn")  # not in data/raw
        if target.exists() or name in self.bases:
            raise InputError(f"{paths.relative(target)} finns redan; välj ett annat namn")
        self.scenario(choice)  # amounts and keys are valid
        base = self.bases[choice.base]
        # a file starts from another file by its name, from the printed proposal by
        # "förslaget <år>" (the printed scenario's name)
        text = scenario_text(description, base.name, self.changes(choice))
        tmp = self.folder / f".{name}.yaml.tmp"  # not *.yaml: never read as a scenario
        tmp.write_text("# Sparad från utforska-avgifter.\n" + text, encoding="utf-8")
        try:
            fresh = ScenarioLoader(
                self.population, {y: self.loader.table(y) for y in self.loader.years()}
            )
            try:
                checked = fresh.load(tmp)
            except ScenarioError as exc:
                raise InputError(
                    ["den sparade filen gick inte att läsa tillbaka:", *exc.errors]
                ) from None
            os.link(tmp, target)  # fails if the name was taken
        except FileExistsError:
            raise InputError(f"{paths.relative(target)} finns redan; välj ett annat namn") from None
        finally:
            tmp.unlink(missing_ok=True)
        self.bases[name] = dataclasses.replace(checked, name=name, path=paths.relative(target))
        return target


def _per_kommun(model: FeeModel) -> pd.DataFrame:
    """Invoiced kr per municipality (rows, the proposal's order, then Summa) and year."""
    billed = model.invoiced_per_kommun(model.allocate(model.totals()))  # years x codes
    order = [model.codes.index(c) for c in model.order]
    frame = pd.DataFrame(
        billed[:, order].T, index=[model.names[c] for c in model.order], columns=model.years
    )
    frame.loc["Summa"] = frame.sum()
    frame.index.name = "Kommun"
    return frame


def _thousands(kr) -> str:
    """Kronor shown in thousands, no unit (the caption gives it)."""
    return fmt.number(kr / 1000)


def _value_text(var: whatif.Variable, value: int) -> str:
    """A swept value as readers read it: ``2 625 000 kr`` or ``2,5 %``."""
    if var.is_uprating:
        return fmt.percent(value / 100, 2 if value % 100 else 0)
    return fmt.kr(value)


def _signed(x) -> str:
    return fmt.kr(x, sign=True)


def summary(explorer: Explorer) -> str:
    """The explorer's page in one line for the reader's index."""
    n = len(explorer.names())
    return f"{fmt.number(n)} förslag och scenarier att utgå från; som app med make utforska"


def snapshot(explorer: Explorer, choice: Choice | None = None) -> html.Markup:
    """The view of a choice (default: the default scenario unchanged), for a static page."""
    return explorer.view(choice or explorer.start(explorer.default()))


def sweep_variable(explorer: Explorer, choice: Choice) -> str:
    """What a sweep varies by default: the first post the scenario takes from the balance
    account (its amount matters for the runway), else the uprating."""
    s = explorer.bases[choice.base]
    return next((p for p, spec in s.posts.items() if spec.from_balance), whatif.UPRATING)


def default_values(explorer: Explorer, choice: Choice, variable: str) -> list[int]:
    """21 values for a sweep: 0 to twice the post's amount, or 0 to 10 % (every 0,5 %)."""
    if variable == whatif.UPRATING:
        return list(range(0, 1001, 50))
    top = max(2 * int(choice.amounts.get(variable, 0)), 20)
    step = -(-top // 20)
    return list(range(0, step * 20 + 1, step))


def default_sweep(explorer: Explorer):
    """The sweep the page shows: :func:`sweep_variable` over :func:`default_values` for the
    default scenario, as (table, chart)."""
    choice = explorer.start(explorer.default())
    variable = sweep_variable(explorer, choice)
    return explorer.sweep_view(choice, variable, default_values(explorer, choice, variable))


def default_largest(explorer: Explorer) -> html.Markup:
    """The largest value of :func:`sweep_variable` for which the balance account lasts
    through the default scenario's last year."""
    choice = explorer.start(explorer.default())
    if choice.last_year is None:  # a proposal that does not say its year: no years to count
        raise InputError(
            f"scenariot {choice.base} har inga år (förslaget säger inte vilket år det gäller)"
        )
    return explorer.largest(choice, sweep_variable(explorer, choice), choice.last_year)


# -- amounts as Swedes type them, the scenario list, publishing ------------------------------

#: A typed amount: digits in groups of three separated by a space (a no-break or narrow
#: no-break space too), or digits alone; ``kr`` after it may be written.
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:\s*kr)?$")
#: A typed percentage: an optional minus (also U+2212), digits, at most two decimals after
#: a decimal comma; ``%`` after it may be written.
_PERCENT = re.compile(r"^([-\u2212]?)(\d{1,4})(?:,(\d{1,2}))?(?:\s*%)?$")


def format_amount(kr: int) -> str:
    """An amount as the fields show it: ``9000000`` -> ``"9 000 000"`` (no-break spaces)."""
    return fmt.number(int(kr))


def parse_amount(text, what: str = "beloppet") -> int:
    """A typed amount in whole kronor, read strictly: ``"9 000 000"``, ``"9000000"`` and
    ``"9 000 000 kr"`` give 9000000.

    Raises
    ------
    InputError
        A Swedish ``Fel:`` sentence naming the field and what to write, for anything else
        (``"9 00 000"``, ``"9.000.000"``, ``"9,5"``, ``"-1"``, ``""``).
    """
    typed = str(text).strip()
    if not _AMOUNT.match(typed):
        raise InputError(
            f"Fel: {what} ”{typed}” är inget belopp i hela kronor; skriv siffror med "
            "mellanslag mellan tusentalen, t.ex. 9 000 000"
        )
    return int(re.sub(r"\D", "", typed))


def format_percent(bp: int) -> str:
    """Hundredths of a per cent as the field shows them: ``250`` -> ``"2,5"``."""
    return fmt.number(bp / 100, 2 if bp % 100 and bp % 10 else (1 if bp % 100 else 0))


def parse_percent(text, what: str = "uppräkningen") -> int:
    """A typed percentage in hundredths of a per cent: ``"2,5"`` -> 250, ``"−1"`` -> -100.

    Raises
    ------
    InputError
        A Swedish ``Fel:`` sentence for anything else (``"2.5"``, ``"2,555"``, ``""``).
    """
    typed = str(text).strip()
    m = _PERCENT.match(typed)
    if not m:
        raise InputError(
            f"Fel: {what} ”{typed}” är ingen procentsats; skriv t.ex. 2 eller 2,5 "
            "(decimalkomma, högst två decimaler)"
        )
    bp = int(m[2]) * 100 + int((m[3] or "0").ljust(2, "0"))
    return -bp if m[1] else bp


def scenario_list(explorer: Explorer) -> html.Markup:
    """The scenario files in the explorer's folder: file name and description, by name."""
    files = sorted((s for s in explorer.bases.values() if s.path), key=lambda s: Path(s.path).name)
    if not files:
        return html.paragraph([f"Mappen {_folder_text(explorer)} har inga scenarier ännu."])
    return html.join(
        [
            html.element("p", f"Scenarier i mappen {_folder_text(explorer)}:"),
            html.items(f"{Path(s.path).name}: {s.description}" for s in files),
        ]
    )


def _folder_text(explorer: Explorer) -> str:
    return _shown(explorer.folder)


def _shown(path: Path) -> str:
    """A path relative to the project root (as Voilà serves files), else as it is."""
    try:
        return Path(path).resolve().relative_to(paths.project_root()).as_posix()
    except ValueError:
        return str(path)


def saved_text(path: Path) -> str:
    """What the user is told after saving: the file's name and the folder it is in."""
    return (
        f"Sparat som {path.name} i mappen {_shown(path.parent)} "
        f"({path.parent}). Scenariot kommer med i avgiftsrapporten när du publicerar."
    )


#: The reports the Publicera button renders: those that read the scenarios.
PUBLISHED = ("avgifter", "kommunblad")


def publish(render, out_dir: Path | None = None) -> tuple[bool, list[str], list[tuple[str, str]]]:
    """Render the fee reports and the kommunblad (only those whose inputs changed) with
    ``render`` (:func:`kuanalysis.render.render`: the renderer and its lock) and say where
    they are.

    Returns
    -------
    (bool, list of str, list of (str, str))
        Whether every report was rendered or unchanged; the renderer's lines (its summary,
        and each failure's paragraph); and the links to show: (text, path relative to the
        output folder's parent), the fee reports first, then the kommunblad by year.
    """
    import contextlib
    import io
    import json

    out = Path(out_dir) if out_dir is not None else paths.reports_dir()
    lines: list[str] = []
    failures = io.StringIO()
    with contextlib.redirect_stderr(failures):
        code = render(list(PUBLISHED), out_dir=out, echo=lines.append)
    said = [lines[-1]] if lines else []
    said += [p.strip() for p in failures.getvalue().split("\n\n") if p.strip()]
    try:
        state = json.loads((out / "_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    good = [e for e in state.values() if e.get("report") in PUBLISHED and e.get("sha256")]
    good.sort(key=lambda e: e["output"])
    good.sort(key=lambda e: e.get("sort", ""), reverse=True)  # newest first (stable)
    good.sort(key=lambda e: e["report"] != "avgifter")  # the fee reports first
    links = [
        ((e.get("summary") or {}).get("label") or e["title"], _shown(out / e["output"]))
        for e in good
    ]
    return code == 0, said, links


#: Labels in full, never "Uppräknin…".
_FULL = {"description_width": "initial"}


def widget(explorer: Explorer, render=None, files_href: str = "voila/files/"):
    """The explorer as ipywidgets: a form on the left, the view below, a sweep, a save
    button, the list of scenarios and, when ``render`` is given
    (:func:`kuanalysis.render.render`), a Publicera button. Returns the top widget.

    Amounts are typed and shown with Swedish thousand separators (``9 000 000``) and read
    strictly (:func:`parse_amount`); a bad one is said in the widget with ``Fel:``. Links
    to published reports start with ``files_href`` (Voilà serves the project's files there).
    """
    import ipywidgets as w

    form = _Form(explorer, w)
    sweep_rows, through = _sweep_rows(explorer, form, w)
    parts = [
        w.HBox([form.base, form.last, form.uprating]),
        w.VBox(form.rows),
        form.view,
        *sweep_rows,
        _save_row(explorer, form, w),
        form.status,
        form.scenarios,
    ]
    if render is not None:
        parts += _publish_rows(render, files_href, w)
    form.fill(form.state["choice"])
    through.value = form.last.value
    form.refresh()
    return w.VBox(parts)


class _Form:
    """The scenario form: start from, last year, uprating, an amount and a key per post; the
    view of the choice below it, the status line and the list of scenarios."""

    def __init__(self, explorer: Explorer, w):
        self.explorer = explorer
        self.state: dict = {"choice": explorer.start(explorer.default()), "quiet": False}
        self.base = w.Dropdown(
            options=explorer.names(),
            value=self.state["choice"].base,
            description="Utgå från",
            style=_FULL,
        )
        self.last = w.BoundedIntText(description="Sista år", min=1900, max=2200, style=_FULL)
        self.uprating = w.Text(
            description="Uppräkning per år, %", style=_FULL, layout=w.Layout(width="16em")
        )
        # None: the post keeps the key it has in the scenario started from (maybe weights)
        key_options = [("som utgångsläget", None), ("tryckt", PRINTED_KEY)] + [
            (population_key(d), d) for d in explorer.dates
        ]
        self.amounts: dict = {}
        self.keys: dict = {}
        self.rows = []
        for post in explorer.bases[self.state["choice"].base].posts:
            self.amounts[post] = w.Text(continuous_update=False, layout=w.Layout(width="11em"))
            self.keys[post] = w.Dropdown(options=key_options, layout=w.Layout(width="16em"))
            self.rows.append(
                w.HBox(
                    [
                        w.Label(post, layout=w.Layout(width="20em")),
                        self.amounts[post],
                        self.keys[post],
                    ]
                )
            )
        self.view = w.HTML()
        self.status = w.HTML()
        self.scenarios = w.HTML(str(scenario_list(explorer)))
        self.base.observe(self.rebase, names="value")
        for control in [self.last, self.uprating, *self.amounts.values(), *self.keys.values()]:
            control.observe(self.refresh, names="value")

    def say(self, texts) -> None:
        self.status.value = str(html.paragraph(list(texts), box=True))

    def fill(self, choice: Choice) -> None:
        self.state["quiet"] = True
        try:
            self.last.value = choice.last_year or self.last.value
            self.uprating.value = format_percent(choice.uprating_bp or 0)
            for post in self.amounts:
                self.amounts[post].value = format_amount(choice.amounts.get(post, 0))
                self.keys[post].value = None
        finally:
            self.state["quiet"] = False

    def current(self) -> Choice:
        """The form as a choice; InputError (with ``Fel:``) for a field that does not read."""
        faults, typed = [], {}
        for post, field_ in self.amounts.items():
            try:
                typed[post] = parse_amount(field_.value, f"beloppet för {post}")
            except InputError as exc:
                faults += exc.errors
        try:
            bp = parse_percent(self.uprating.value)
        except InputError as exc:
            faults += exc.errors
        if faults:
            raise InputError(faults)
        return Choice(
            self.base.value,
            int(self.last.value),
            bp,
            typed,
            {p: k.value for p, k in self.keys.items() if k.value is not None},
        )

    def refresh(self, _=None) -> None:
        if self.state["quiet"]:
            return
        try:
            self.state["choice"] = self.current()
            self.view.value = str(self.explorer.view(self.state["choice"]))
            self.status.value = ""
        except InputError as exc:
            self.say(exc.errors)
        except ValueError as exc:
            self.say([f"Fel: {exc}"])

    def rebase(self, change) -> None:
        if self.state["quiet"]:
            return
        self.fill(self.explorer.start(change["new"]))
        self.refresh()

    def listed_again(self) -> None:
        """A saved file joins the list; the choice on screen stays as it is."""
        chosen, self.state["quiet"] = self.base.value, True
        try:
            self.base.options = self.explorer.names()
            self.base.value = chosen
        finally:
            self.state["quiet"] = False
        self.scenarios.value = str(scenario_list(self.explorer))


def _save_row(explorer: Explorer, form: _Form, w):
    """Name, description and the button that saves the form as a scenario file."""
    name = w.Text(description="Namn", style=_FULL)
    description = w.Text(description="Beskrivning", style=_FULL, layout=w.Layout(width="40em"))
    save = w.Button(description="Spara som scenario", layout=w.Layout(width="auto"))

    def on_save(_) -> None:
        try:
            path = explorer.save(form.current(), name.value, description.value)
            form.listed_again()
            form.say([saved_text(path)])
        except InputError as exc:
            form.say(exc.errors)
        except OSError as exc:  # a folder that cannot be written: said here, not lost in a log
            form.say([f"Fel: det gick inte att spara: {exc.strerror or exc}"])

    save.on_click(on_save)
    return w.HBox([name, description, save])


def _sweep_rows(explorer: Explorer, form: _Form, w):
    """The sweep (one variable over a range) and the largest value that keeps the balance
    account: two rows of fields and buttons and the output below; and the year field."""
    variable = w.Dropdown(options=[whatif.UPRATING, *form.amounts], description="Svep", style=_FULL)
    start, stop, step = (
        w.Text(description=d, style=_FULL, layout=w.Layout(width="14em"))
        for d in ("Från", "Till", "Steg")
    )
    through = w.BoundedIntText(description="Räcka till och med", min=1900, max=2200, style=_FULL)
    sweep_button = w.Button(description="Visa svep", layout=w.Layout(width="auto"))
    largest_button = w.Button(description="Högsta värde", layout=w.Layout(width="auto"))
    sweep_out = w.Output()

    def sweep_defaults(change=None) -> None:
        if variable.value == whatif.UPRATING:
            start.value, stop.value, step.value = "0", "10", "0,5"
        else:
            start.value, stop.value, step.value = (
                "0",
                format_amount(9_000_000),
                format_amount(500_000),
            )

    variable.observe(sweep_defaults, names="value")
    sweep_defaults()

    def values() -> list[int]:
        read = parse_percent if variable.value == whatif.UPRATING else parse_amount
        lo, hi, st = (read(x.value, f"svepets {x.description}") for x in (start, stop, step))
        if st <= 0 or lo > hi or (hi - lo) // st + 1 > whatif.MAX_VALUES:
            raise InputError(
                f"Fel: svepet: Från ≤ Till, Steg > 0 och högst {whatif.MAX_VALUES} värden"
            )
        return list(range(lo, hi + 1, st))

    def on_sweep(_) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        sweep_out.clear_output()
        with sweep_out:
            try:
                table, ax = explorer.sweep_view(form.current(), variable.value, values())
                display(ax.figure)
                plt.close(ax.figure)
                html.show(table)
            except InputError as exc:
                html.show(html.paragraph(exc.errors, box=True))

    def on_largest(_) -> None:
        sweep_out.clear_output()
        with sweep_out:
            try:
                html.show(explorer.largest(form.current(), variable.value, int(through.value)))
            except InputError as exc:
                html.show(html.paragraph(exc.errors, box=True))

    sweep_button.on_click(on_sweep)
    largest_button.on_click(on_largest)
    rows = [
        w.HBox([variable, start, stop, step]),
        w.HBox([through, sweep_button, largest_button]),
        sweep_out,
    ]
    return rows, through


def _publish_rows(render, files_href: str, w) -> list:
    """A sentence, the Publicera button and where its result is said (links to the reports)."""
    publish_button = w.Button(
        description="Publicera",
        tooltip="Rendera avgiftsrapporten och kommunbladen med de sparade scenarierna",
        button_style="primary",
        layout=w.Layout(width="auto"),
    )
    published = w.HTML()

    def on_publish(_) -> None:
        publish_button.disabled = True
        published.value = str(html.paragraph(["Publicerar … (en halv minut eller två)"]))
        try:
            ok, said, links = publish(render)
        except InputError as exc:
            published.value = str(html.paragraph(exc.errors, box=True))
            return
        finally:
            publish_button.disabled = False
        items = [html.link(files_href + path, text) for text, path in links]
        published.value = str(
            html.join(
                [
                    html.paragraph(
                        said if ok else ["Fel: publiceringen misslyckades.", *said], box=True
                    ),
                    html.element("p", "Uppdaterade rapporter:") if items else "",
                    html.items(items) if items else "",
                ]
            )
        )

    publish_button.on_click(on_publish)
    intro = html.paragraph(
        [
            "Publicera renderar avgiftsrapporten och kommunbladen på nytt med scenarierna i "
            "mappen (bara det som har ändrats). Ingenting publiceras utan att du klickar."
        ]
    )
    return [w.HTML(str(intro)), publish_button, published]


def show(explorer: Explorer, render=None) -> None:
    """Display the widgets (with a Publicera button when ``render`` is given: the notebook
    passes :func:`kuanalysis.render.render`); where no widget can be drawn (a rendered page)
    a sentence says how to start the explorer."""
    from IPython.display import display

    ui = widget(explorer, render)
    bundle = ui._repr_mimebundle_()
    bundle["text/html"] = str(
        html.paragraph(
            [
                "Reglagen visas när utforskaren körs som app (make utforska) "
                "eller i JupyterLab (make lab)."
            ]
        )
    )
    bundle["text/plain"] = "Utforskaren: reglagen visas i appen (make utforska) och i JupyterLab."
    display(bundle, raw=True)
