"""The registry of rules: for each rule id, what it checks, how a reader is told, its logic.

Every finding names a rule id from :data:`RULES`; everything said about a finding comes from
here: the ``check`` text of the ``kuanalysis check`` CSV (a contract), the phrase that says
what the expected figure is, the sentence that says what must hold, the status logic and the
precision its tolerance is computed from. Code decides by rule id, never by these texts.

Status logic (``logic``):

- ``equal``: the reported figure must equal the expected one; exact -> no finding, within
  rounding -> ``avrundning``, beyond -> ``avvikelse``; a blank reported figure whose expected
  value is beyond rounding of zero -> ``saknas`` (with the implied value).
- ``at_most``: the reported figure must not exceed the expected one; beyond rounding ->
  ``avvikelse``, otherwise no finding.
- ``reading``: not a comparison; the finding states a reading the reader must know about
  (``oklar``).

Precision (``precision``): ``printed`` (half a unit in the last printed place of each figure),
``allocated`` (whole units split by largest remainder: each within one unit of its quota) or
``allocated_twice`` (an allocated figure rounded once more: within one and a half units).
See :mod:`kuanalysis.tolerance` (:data:`~kuanalysis.tolerance.UNIT_ERRORS`); :func:`halves` gives
the half-units of cells as a rule counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .. import tolerance

#: The statuses each status logic can give (see the module docstring).
LOGIC_STATUSES = {
    "equal": frozenset({"avrundning", "avvikelse", "saknas"}),
    "at_most": frozenset({"avvikelse"}),
    "reading": frozenset({"oklar"}),
}


@dataclass(frozen=True)
class Rule:
    """One rule of the reconciliation.

    Attributes
    ----------
    id : str
        Stable slug; the ``rule`` column of the findings CSV.
    check : str or callable
        The ``check`` text of the CSV: a ``str.format`` template over the finding's
        ``params``, or a function of them.
    basis : str or callable
        What the expected figure is, as a phrase in an explanation ("summan av delarna").
    sentence : str
        What must hold, in one plain-Swedish sentence (overviews, glossary).
    logic : str
        ``equal``, ``at_most`` or ``reading``.
    precision : str
        ``printed``, ``allocated`` or ``allocated_twice``.
    says : callable, optional
        For a reading: what a report says about the finding, a function of its ``params``
        (without it, the column and :attr:`sentence`).
    """

    id: str
    check: str | Callable[[Mapping], str]
    basis: str | Callable[[Mapping], str]
    sentence: str
    logic: str = "equal"
    precision: str = "printed"
    says: Callable[[Mapping], str] | None = None

    def check_text(self, params: Mapping) -> str:
        return self.check(params) if callable(self.check) else self.check.format_map(params)

    def basis_text(self, params: Mapping) -> str:
        return self.basis(params) if callable(self.basis) else self.basis.format_map(params)


def _blanks(params: Mapping) -> str:
    names = params.get("blank_columns") or []
    return f" (tomma: {', '.join(names)} = 0)" if names else ""


def _blank_basis(params: Mapping) -> str:
    names = params.get("blank_columns") or []
    return f" (med tom {', '.join(names)} räknad som inget)" if names else ""


_TREATMENT_CHECK = {
    "inkl": "kolumnsumma (inkl. nettoraden)",
    "exkl": "kolumnsumma (exkl. nettoraden)",
}
_TREATMENT_BASIS = {"inkl": " inklusive härav-raden", "exkl": " utan härav-raden"}


def _cells(params: Mapping) -> str:
    """The cells a claim or cross-check is compared with, as the CSV names them."""
    return " + ".join(f"{t}: {r} / {c}" for t, r, c in params["against"])


def _cells_basis(params: Mapping) -> str:
    cells = " + ".join(f"{t}: {r}, {c}" for t, r, c in params["against"])
    return f"tabellen {cells} (omräknat till {params['unit']})"


_SUM_OF_PARTS = "summan av delarna"
#: Why an area cannot be followed from one period to the next (rule continuity_mapping).
_MAPPING_PROBLEM = {
    "unmapped": "området finns inte i den andra perioden och saknas i mappningen",
    "unknown": "mappningen nämner området, men tabellen har inget sådant område",
    "twice": "mappningen nämner området mer än en gång",
}
_NOT_ABOVE = "den överordnade raden, som delposterna inte kan överstiga"

_RULES = [
    # -- fund statements (kind fund_statement) --------------------------------------------
    Rule(
        "fund_disponibla",
        lambda p: "disponibla = ingående balans + erhållna" + _blanks(p),
        lambda p: "radens ingående balans plus erhållna medel" + _blank_basis(p),
        "Disponibla medel ska vara ingående balans plus erhållna medel, rad för rad.",
    ),
    Rule(
        "fund_kvarvarande",
        lambda p: "kvarvarande = disponibla - utfall - utbetalt - överförda" + _blanks(p),
        lambda p: (
            "radens disponibla medel minus utfall, utbetalt och överförda medel" + _blank_basis(p)
        ),
        "Kvarvarande medel ska vara disponibla medel minus utfall, utbetalt och överförda "
        "medel, rad för rad.",
    ),
    Rule(
        "fund_column_total",
        lambda p: _TREATMENT_CHECK.get(p.get("treatment", ""), "kolumnsumma"),
        lambda p: "summan av raderna ovan" + _TREATMENT_BASIS.get(p.get("treatment", ""), ""),
        "Summaraden ska vara summan av områdena (med eller utan härav-raden, som tabellen "
        "själv räknar).",
    ),
    Rule(
        "fund_statliga",
        "varav statliga <= kvarvarande",
        "radens kvarvarande medel, som statliga medel inte kan överstiga",
        "Kvarvarande statliga medel kan inte vara mer än kvarvarande medel.",
        logic="at_most",
    ),
    # -- share tables (kind share_table) --------------------------------------------------
    Rule(
        "share_parts_100",
        "delarna = 100 %",
        "100 %, som delarna ska bli tillsammans",
        "Kommunernas, statens och övrigas andelar ska tillsammans bli 100 %.",
    ),
    Rule(
        "share_sum_of_parts",
        "andel = summan av delarna",
        _SUM_OF_PARTS,
        "En delsumma ska vara summan av sina delar.",
    ),
    Rule(
        "share_total_100", "summa = 100 %", "100 %", "Summaradens andel av utfallet ska vara 100 %."
    ),
    # -- amount tables (kind amount_table) ------------------------------------------------
    Rule(
        "amount_total",
        "summa = summan av delarna",
        _SUM_OF_PARTS,
        "Summaraden ska vara summan av delarna.",
    ),
    Rule(
        "amount_subparts_sum",
        "summa = summan av delposterna",
        _SUM_OF_PARTS,
        "En rad som räknar upp sina delposter ska vara deras summa.",
    ),
    Rule(
        "amount_subparts_not_above",
        "delposterna <= överordnad rad",
        _NOT_ABOVE,
        "Varav-poster kan tillsammans inte vara mer än raden de hör till.",
        logic="at_most",
    ),
    # -- amounts per municipality (kind amount_by_kommun) ---------------------------------
    Rule(
        "column_total",
        "kolumnsumma",
        "summan av raderna ovan",
        "Summaraden ska vara summan av kommunerna, kolumn för kolumn.",
    ),
    # -- budget follow-up (kind budget_followup) ------------------------------------------
    Rule(
        "budget_avvikelse",
        lambda p: "avvikelse = utfall - budget" if p["sign"] > 0 else "avvikelse = budget - utfall",
        lambda p: (
            "kontrollen ”avvikelse = utfall - budget”"
            if p["sign"] > 0
            else "kontrollen ”avvikelse = budget - utfall”"
        ),
        "Avvikelsen ska vara skillnaden mellan utfall och budget.",
    ),
    Rule(
        "budget_total",
        "summa = summan av posterna",
        _SUM_OF_PARTS,
        "Summaraden ska vara summan av posterna, i varje kolumn.",
    ),
    Rule(
        "budget_subitems_not_above",
        "varav-poster <= överordnad post",
        _NOT_ABOVE,
        "Varav-poster kan tillsammans inte vara mer än posten de hör till.",
        logic="at_most",
    ),
    # -- between tables and periods -------------------------------------------------------
    Rule(
        "claim",
        lambda p: f"påstående mot {_cells(p)} ({p['unit']})",
        _cells_basis,
        "Ett belopp i löptexten ska stämma med tabellen, med den noggrannhet texten anger.",
    ),
    Rule(
        "cross_check",
        lambda p: f"korskontroll mot {_cells(p)} ({p['unit']})",
        _cells_basis,
        "Ett belopp som två tabeller båda trycker ska vara detsamma i båda.",
    ),
    Rule(
        "continuity",
        "kontinuitet",
        "kvarvarande medel vid föregående periods slut",
        "Ingående balans ska vara föregående periods kvarvarande medel, område för område.",
    ),
    Rule(
        "continuity_mapping",
        lambda p: f"kontinuitet kunde inte stämmas av: {_MAPPING_PROBLEM[p['problem']]}",
        "mappningen mellan perioderna",
        "Ett område kan inte följas från föregående period: det finns bara i den ena perioden "
        "och mappningsfilen säger inte vad det blev (eller nämner ett område som inte finns).",
        logic="reading",
        says=lambda p: (
            f"Området ”{p['area']}” i {p['in']}: {_MAPPING_PROBLEM[p['problem']]}, så dess "
            f"ingående balans kan inte stämmas av mot föregående period. Skriv i {p['file']} "
            f"vad området blev eller kom ifrån (se README.md, ”Lägga till nästa period”)."
        ),
    ),
    Rule(
        "continuity_missing_period",
        lambda p: f"kontinuitet kunde inte stämmas av: {p['previous']} saknas",
        "föregående periods kvarvarande medel",
        "Föregående period finns inte i källtabellerna, så periodens ingående balans kan inte "
        "stämmas av.",
        logic="reading",
        says=lambda p: (
            f"{p['previous']} finns inte i data/raw: ingående balans {p['year']} kan inte "
            f"stämmas av."
        ),
    ),
    Rule(
        "cross_check_unavailable",
        lambda p: f"korskontroll kunde inte göras: {p['missing']}",
        "den motsvarande cellen i föregående period",
        "En korskontroll som föregående period fick kunde inte göras, eftersom en rad eller "
        "tabell den gäller saknas i den nya perioden.",
        logic="reading",
        says=lambda p: (
            f"Korskontrollen av ”{p['row']}” mot {p['against']} (som {p['like']} fick i "
            f"föregående period) kunde inte göras: {p['missing']}."
        ),
    ),
    # -- readings -------------------------------------------------------------------------
    Rule(
        "ambiguity",
        lambda p: f"oklar läsning: {p.get('placed', '')}".strip(),
        "den läsning som går ihop med summorna",
        "Textutdraget ur källan kan läsas på mer än ett sätt; avskriften anger vilket val "
        "som gjorts.",
        logic="reading",
    ),
    # -- fee matrix (kind fee_matrix) -----------------------------------------------------
    Rule(
        "fee_not_summed",
        "summa_utan_post",
        "kolumnen Summa",
        "Posten står i tabellen men ingår inte i kolumnen Summa: den faktureras alltså inte "
        "enligt förslaget, och tabellen säger inte vem som betalar den.",
        logic="reading",
    ),
    Rule(
        "fee_summa_reading",
        lambda p: (
            f"summa_annan_lasning: utan {', '.join(p['instead'])} i stället för "
            f"{', '.join(p['chosen'])}"
        ),
        lambda p: f"kolumnen Summa utan {', '.join(p['chosen'])}",
        "Kolumnen Summa går ihop lika väl med två olika val av poster som inte summeras; "
        "rapporten anger vilket val den bygger på.",
        logic="reading",
        precision="allocated",
    ),
    Rule(
        "fee_blank_cell",
        "saknad_cell",
        "postens summarad minus de andra kommunernas belopp",
        "Cellen är tom, men postens summarad visar att kommunen borde ha ett belopp.",
    ),
    Rule(
        "fee_row_total",
        "radsumma",
        "summan av de poster som ingår i Summa",
        "Kommunens Summa skiljer sig från summan av de poster som ingår i den.",
    ),
    Rule(
        "fee_column_total",
        "kolumnsumma",
        "summan av kommunernas belopp",
        "Postens summarad skiljer sig från summan av kommunernas belopp.",
    ),
    Rule(
        "fee_cell",
        "fel_cell",
        "rad- och kolumnsummorna",
        "Cellens fel förklarar både kommunens Summa och postens summarad: båda går ihop om "
        "cellen rättas.",
    ),
    Rule(
        "fee_share",
        "andel_mot_nyckel",
        lambda p: (
            "nyckeln i de andra posterna med samma fördelning ("
            + ", ".join(x for x in p.get("group", []))
            + ")"
        ),
        "Kommunens belopp följer inte nyckeln som de andra posterna med samma fördelning "
        "har, fast alla summor går ihop.",
        precision="allocated_twice",
    ),
    Rule(
        "fee_share_unclear",
        "andel_oklar",
        lambda p: "den andra postens belopp",
        "Två poster med samma fördelning ger kommunen olika andel; tabellen visar inte vilket "
        "av de två beloppen som är fel.",
        logic="reading",
        precision="allocated_twice",
    ),
    Rule(
        "fee_own_key",
        "egen_nyckel",
        "postens egen fördelning",
        "Posten fördelas med en egen nyckel som varken följer någon annan post eller "
        "folkmängden; den kan inte kontrolleras mot något annat i tabellen.",
        logic="reading",
        precision="allocated_twice",
    ),
    Rule(
        "fee_same_key",
        "samma_nyckel",
        "beloppet i posten med samma summa och nyckel",
        "Två poster med samma totalbelopp och samma fördelningsnyckel ger kommunen olika belopp.",
        precision="allocated",
    ),
]

#: Rule id -> :class:`Rule`.
RULES: dict[str, Rule] = {r.id: r for r in _RULES}


@dataclass(frozen=True)
class Status:
    """How a status is named: in the CSV, in headings, with its mark, and what it means."""

    id: str
    heading: str
    label: str
    symbol: str
    meaning: str
    one: str
    many: str


#: Status id -> :class:`Status`, in reading order (strongest first for marking a cell).
STATUSES: dict[str, Status] = {
    s.id: s
    for s in [
        Status(
            "avvikelse",
            "Avvikelser",
            "avvikelse",
            "✖",
            "fel som inte förklaras av avrundning",
            "avvikelse",
            "avvikelser",
        ),
        Status(
            "avrundning",
            "Avrundning",
            "avrundning",
            "≈",
            "skillnaden ryms i avrundningen, inget fel",
            "avrundningsskillnad",
            "avrundningsskillnader",
        ),
        Status(
            "saknas",
            "Saknas",
            "saknas",
            "○",
            "tomt i källan, men tabellens samband ger ett värde",
            "cell som saknas (tom, men med ett beräknat värde)",
            "celler som saknas (tomma, men med beräknade värden)",
        ),
        Status(
            "oklar",
            "Oklar läsning",
            "oklar",
            "?",
            "oklart, behöver förklaras",
            "oklar läsning",
            "oklara läsningar",
        ),
    ]
}

#: Which status wins when several findings mark one cell (lower = stronger).
PRIORITY = {"avvikelse": 0, "saknas": 1, "oklar": 2, "avrundning": 3}


def halves(rule: str, cells, unit: str | None = None) -> list[float]:
    """The half-units of ``cells`` (printed, non-blank) at the precision of ``rule``."""
    return tolerance.halves(RULES[rule].precision, cells, unit)
