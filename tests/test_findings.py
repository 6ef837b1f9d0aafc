import pytest

from kuanalysis.checks.findings import Finding, status_counts


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
