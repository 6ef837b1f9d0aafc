import pytest

from kuanalysis.checks.findings import Finding, status_counts
from kuanalysis.checks.rules import RULES


def _f(doc, status):
    return Finding("fund_disponibla", doc, "t", "r", "c", 1.0, 2.0, -1.0, status, "x.csv:2")


def test_status_counts_lists_clean_documents_with_zeros():
    counts = status_counts(
        [_f("a.txt", "avvikelse"), _f("a.txt", "avvikelse"), _f("a.txt", "saknas")],
        {"a.txt": "Dokument A", "b.txt": "Dokument B"},
    )
    assert counts.loc["Dokument A"].tolist() == [2, 0, 1, 0]
    assert counts.loc["Dokument B"].tolist() == [0, 0, 0, 0]
    assert list(counts.columns) == ["Avvikelser", "Avrundning", "Saknas", "Oklar läsning"]


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="okänd status"):
        _f("a.txt", "fel")


def test_a_status_its_rule_cannot_give_is_refused():
    # fund_disponibla compares (equal): never oklar; ambiguity states a reading: only oklar;
    # an at_most rule gives avvikelse only
    with pytest.raises(ValueError, match="kan inte ge status 'oklar'"):
        _f("a.txt", "oklar")
    reading = Finding("ambiguity", "a.txt", "t", "r", "c", None, None, None, "oklar", "x")
    assert reading.status == "oklar"
    with pytest.raises(ValueError, match="kan inte ge status 'avvikelse'"):
        Finding("ambiguity", "a.txt", "t", "r", "c", 1.0, 2.0, -1.0, "avvikelse", "x")
    at_most = next(r for r in RULES.values() if r.logic == "at_most")
    with pytest.raises(ValueError, match="kan inte ge status 'avrundning'"):
        Finding(at_most.id, "a.txt", "t", "r", "c", 1.0, 1.2, -0.2, "avrundning", "x")
