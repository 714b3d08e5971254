"""The differential-diagnosis matrix: its data, its ranking, its figure and its app."""

from __future__ import annotations

import csv
import io
import itertools

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import differential
from widgets.data import DATA_DIR, DataError, citation, parse_rows

FILE = "data/differential.csv"
BACK_MOUSE = "Back mouse (episacral lipoma)"
SCN = "Superior cluneal nerve entrapment"
MCN = "Middle cluneal nerve entrapment"
ICPS = "Iliac crest pain syndrome (trigger point)"
TEACHING = "general clinical teaching"

# Keys the dossier lists as NOT confirmed (section 3): never to be cited.
UNCONFIRMED = {"chiba2016", "trescot2016_ch51", "scn_rfa_46"}


def _lines() -> list[str]:
    return (DATA_DIR / "differential.csv").read_text(encoding="utf-8").splitlines()


def _parse(lines: list[str]) -> list[differential.CellRow]:
    rows = parse_rows("\n".join(lines) + "\n", differential.CellRow, FILE)
    return differential.complete(rows, FILE)


def _replace(lines: list[str], line: int, **cells: str) -> list[str]:
    """Copy of ``lines`` with file line ``line`` (header = 1) changed in some cells."""
    changed = list(lines)
    names = next(csv.reader([changed[0]]))
    row = next(csv.reader([changed[line - 1]]))
    for column, value in cells.items():
        row[names.index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row)
    changed[line - 1] = buffer.getvalue()
    return changed


def _cell(rows, condition, feature):
    (row,) = [r for r in rows if r.condition == condition and r.feature == feature]
    return row


# ----------------------------------------------------------------------------- data


def test_load_gives_one_row_per_cell():
    rows = differential.load()
    assert len(rows) == len(differential.CONDITIONS) * len(differential.FEATURES)
    assert len({(r.condition, r.feature) for r in rows}) == len(rows)
    assert len(differential.CONDITIONS) >= 11
    assert 8 <= len(differential.FEATURES) <= 12


def test_basis_matches_source_in_every_row():
    for row in differential.load():
        if row.basis == differential.CITED:
            assert row.source, row
        else:
            assert row.basis == TEACHING
            assert row.source is None, row


def test_no_unconfirmed_reference_is_cited():
    keys = {key for row in differential.load() if row.source for key in row.source}
    assert not keys & UNCONFIRMED


def test_numbers_in_notes_match_the_dossier():
    rows = differential.load()
    # Kuniya 2014: tender point 70 mm from the midline; 113 of 834 met the criteria;
    # 96 of 113 (85%) improved by > 20 mm; leg symptoms in 54 (48%, printed as 49%).
    crest = _cell(rows, SCN, "crest_point")
    assert {"kuniya2014", "maigne1991"} <= set(crest.source)
    assert "70 mm" in crest.note and "113 of 834" in crest.note
    assert "7 cm" in crest.note  # Maigne & Maigne 1991
    assert "96 of 113 (85%)" in _cell(rows, SCN, "injection").note
    leg = _cell(rows, SCN, "thigh_only")
    assert "54 of 113 (48%; printed as 49%)" in leg.note and "47–84%" in leg.note  # Isu 2018 range
    assert "82%" in _cell(rows, MCN, "thigh_only").note
    assert "21 of 50" in _cell(rows, MCN, "crest_point").note  # Fujihara 2021
    # Motyka 2000: 31 of 35 (89%) lasting relief; lower-leg pain in 37%.
    injection = _cell(rows, BACK_MOUSE, "injection")
    assert "motyka2000" in injection.source
    assert "31 of 35 (89%)" in injection.note
    assert "37%" in _cell(rows, BACK_MOUSE, "thigh_only").note
    # Wollgast & Afeman 1961: seldom crosses the knee.
    assert "wollgast1961" in _cell(rows, BACK_MOUSE, "thigh_only").source
    # Collée 1991: ICPS in 41% of 204; RCT day-14 pain 30.5 vs 43.8, improved 52% vs 30%.
    assert "41% of 204" in _cell(rows, ICPS, "crest_point").note
    trial = _cell(rows, ICPS, "injection")
    assert trial.source == ("collee1991rct",)
    assert "30.5 vs 43.8" in trial.note and "52% vs 30%" in trial.note
    assert trial.level == "possible"


def test_expected_levels_for_key_cells():
    rows = differential.load()
    assert _cell(rows, BACK_MOUSE, "psis_nodule").level == "typical"
    assert _cell(rows, "Liposarcoma", "big_deep").level == "typical"
    assert _cell(rows, "Epidermoid (sebaceous) cyst", "punctum").level == "typical"
    assert _cell(rows, "Lumbar hernia (Petit or Grynfeltt)", "cough_bulge").level == "typical"
    assert _cell(rows, "Lumbar radiculopathy", "below_knee").level == "typical"
    gtps = _cell(rows, "Greater trochanteric pain syndrome", "trochanter")
    assert set(gtps.source) == {"collee1990", "speers2017gtps"}


def test_numbers_from_chapter_three_references():
    rows = differential.load()
    # Eastley et al. 2016 (BMJ): lump larger than a golf ball (4.3 cm) or growing.
    sarcoma = _cell(rows, "Liposarcoma", "big_deep")
    assert sarcoma.source == ("eastley2016sarcoma",) and "4.3 cm" in sarcoma.note
    # van Steensel et al. 2018: incarceration in 30.8% of primary lumbar hernias.
    assert "30.8%" in _cell(rows, "Lumbar hernia (Petit or Grynfeltt)", "tender_lump").note
    # Szadek et al. 2009: 18 studies; thigh thrust, compression, >= 3 positive tests.
    sij = _cell(rows, "Sacroiliac joint pain", "si_tests")
    assert sij.source == ("szadek2009sij",) and "18 studies" in sij.note


# ---------------------------------------------------------------------- broken rows


def test_real_file_parses_through_the_same_path():
    assert _parse(_lines()) == differential.load()


@pytest.mark.parametrize(
    ("line", "cells", "field", "reason"),
    [
        (2, {"source": ""}, "source", "basis is 'cited' but no source is given"),
        (4, {"source": "curtis1993"}, "source", f"basis is '{TEACHING}', so source must be"),
        (6, {"level": "likely"}, "level", "'likely' is not one of"),
        (3, {"basis": "textbook"}, "basis", "'textbook' is not one of"),
        (2, {"source": "curtis1993;chiba2016"}, "source", "cites ['chiba2016']"),
        (5, {"condition": "Gout"}, "condition", "'Gout' is not one of"),
        (5, {"feature": "fever"}, "feature", "'fever' is not one of"),
    ],
)
def test_broken_rows_name_line_and_field(line, cells, field, reason):
    with pytest.raises(DataError) as error:
        _parse(_replace(_lines(), line, **cells))
    message = str(error.value)
    assert message.startswith(f"{FILE}, line {line}, field '{field}': "), message
    assert reason in message


def test_every_broken_row_is_reported_at_once():
    lines = _replace(_replace(_lines(), 3, level="likely"), 7, basis="textbook")
    with pytest.raises(DataError) as error:
        _parse(lines)
    message = str(error.value)
    assert f"{FILE}, line 3, field 'level'" in message
    assert f"{FILE}, line 7, field 'basis'" in message


def test_a_cell_given_twice_is_refused():
    lines = _lines()
    condition, feature = next(csv.reader([lines[1]]))[:2]
    repeated = _replace(lines, 4, condition=condition, feature=feature)
    with pytest.raises(DataError, match=rf"{FILE}, line 4, field 'feature': .*repeats line 2"):
        _parse(repeated)


def test_a_missing_cell_is_named():
    lines = _lines()
    condition, feature = next(csv.reader([lines[-1]]))[:2]
    with pytest.raises(DataError) as error:
        _parse(lines[:-1])
    message = str(error.value)
    assert message.startswith(f"{FILE}: no row for condition {condition!r}")
    assert f"feature {feature!r}" in message and "(1 cells missing)" in message


# -------------------------------------------------------------------------- ranking


@pytest.mark.parametrize(
    ("findings", "first"),
    [
        (["psis_nodule"], BACK_MOUSE),
        (["psis_nodule", "tender_lump"], BACK_MOUSE),
        (["big_deep"], "Liposarcoma"),
        (["punctum"], "Epidermoid (sebaceous) cyst"),
        (["cough_bulge"], "Lumbar hernia (Petit or Grynfeltt)"),
        (["crest_point", "injection"], SCN),
        (["below_knee"], "Lumbar radiculopathy"),
        (["si_tests"], "Sacroiliac joint pain"),
        (["trochanter"], "Greater trochanteric pain syndrome"),
    ],
)
def test_rank_puts_the_expected_condition_first(findings, first):
    ranking = differential.rank(findings)
    assert ranking[0][0] == first
    assert ranking[0][1] > ranking[1][1]  # a clear winner, not a tie


def test_rank_scores_follow_the_documented_weights():
    scores = dict(differential.rank(["psis_nodule", "tender_lump"]))
    assert scores[BACK_MOUSE] == 2 + 2  # typical + typical
    assert scores["Angiolipoma"] == 1 + 2  # possible + typical
    assert scores["Lipoma"] == 1 - 1  # possible + atypical
    assert scores[MCN] == 0 + 0  # unknown + unknown
    assert scores["Liposarcoma"] == -1 - 1  # atypical + atypical


@given(st.lists(st.sampled_from(list(differential.FEATURES)), max_size=6))
@settings(max_examples=40, deadline=None)
def test_rank_is_the_sum_of_the_level_scores(findings):
    rows = differential.load()
    expected = {
        condition: sum(
            differential.SCORES[_cell(rows, condition, f).level] for f in dict.fromkeys(findings)
        )
        for condition in differential.CONDITIONS
    }
    ranking = differential.rank(findings)
    assert dict(ranking) == expected
    scores = [score for _, score in ranking]
    assert scores == sorted(scores, reverse=True)
    for (first, a), (second, b) in itertools.pairwise(ranking):
        if a == b:  # ties keep the order of CONDITIONS
            assert differential.CONDITIONS.index(first) < differential.CONDITIONS.index(second)


def test_rank_counts_a_repeated_finding_once():
    assert differential.rank(["psis_nodule", "psis_nodule"]) == differential.rank(["psis_nodule"])


def test_rank_with_no_findings_keeps_table_order():
    ranking = differential.rank([])
    assert [c for c, _ in ranking] == list(differential.CONDITIONS)
    assert {s for _, s in ranking} == {0}


@pytest.mark.parametrize(
    "bad", [["fever"], "psis_nodule", None, [1], [["psis_nodule"]], ["psis_nodule", ""], 3]
)
def test_rank_rejects_bad_findings(bad):
    with pytest.raises(ValueError, match="argument 'findings'") as error:
        differential.rank(bad)
    assert "psis_nodule" in str(error.value)  # the message lists the allowed values


@given(st.lists(st.text(min_size=0, max_size=20), min_size=1, max_size=4))
def test_rank_rejects_any_unknown_finding(findings):
    if all(f in differential.FEATURES for f in findings):
        return
    with pytest.raises(ValueError, match="argument 'findings'"):
        differential.rank(findings)


def test_ranking_html_lists_every_condition_with_the_not_diagnostic_note():
    page = differential.ranking_html(["big_deep"])
    assert "Educational, not diagnostic" in page
    assert page.count("<li>") == len(differential.CONDITIONS)
    first, score = differential.rank(["big_deep"])[0]
    assert f"<ol><li>{first} — score {score}</li>" in page
    assert "−1" in page and "-1" not in page  # a real minus sign for negative scores
    assert "Tick one or more findings" in differential.ranking_html([])
    with pytest.raises(ValueError, match="argument 'findings'"):
        differential.ranking_html(["fever"])


# --------------------------------------------------------------------------- figure


@pytest.fixture(scope="module")
def fig():
    return differential.figure()


def test_figure_rejects_bad_finding():
    with pytest.raises(ValueError, match="argument 'finding' must be one of"):
        differential.figure(finding="fever")


@given(st.text(max_size=15).filter(lambda s: s not in differential.FEATURES and s != "none"))
@settings(max_examples=30)
def test_figure_rejects_any_unknown_finding(finding):
    with pytest.raises(ValueError, match="argument 'finding'"):
        differential.figure(finding=finding)


def test_figure_has_one_heatmap_and_a_legend_per_level(fig):
    assert isinstance(fig.data[0], go.Heatmap)
    assert len(fig.data[0].z) == len(differential.CONDITIONS)
    assert all(len(row) == len(differential.FEATURES) for row in fig.data[0].z)
    assert [t.name for t in fig.data[1:]] == [
        f"{differential.LEVEL_MARKS[level]} {level}" for level in differential.LEVELS
    ]


def test_cells_carry_the_level_as_text_and_star_teaching(fig):
    features = list(differential.FEATURES)
    for row in differential.load():
        i = differential.CONDITIONS.index(row.condition)
        j = features.index(row.feature)
        text = fig.data[0].text[i][j]
        assert text.rstrip("*") == differential.LEVEL_MARKS[row.level]
        assert text.endswith("*") == (row.basis == TEACHING)
        assert fig.data[0].z[i][j] == differential.LEVELS.index(row.level)
        hover = fig.data[0].hovertext[i][j]
        assert f"Level: <b>{row.level}</b>" in hover
        if row.source:
            assert all(citation(key) in hover for key in row.source)
        else:
            assert TEACHING in hover


def test_hover_keeps_name_prefixes(fig):
    hover = " ".join(h for row in fig.data[0].hovertext for h in row)
    assert "van Steensel et al., 2018" in hover


@pytest.mark.parametrize("finding", list(differential.FEATURES))
def test_choosing_a_finding_fades_the_conditions_it_does_not_fit(finding):
    chosen = differential.draw(finding=finding)
    rows = differential.load()
    levels = len(differential.LEVELS)
    fits = [_cell(rows, c, finding).level in differential.FIT for c in differential.CONDITIONS]
    for i, fit in enumerate(fits):
        assert all((z < levels) == fit for z in chosen.data[0].z[i])
        assert chosen.layout.yaxis.ticktext[i].startswith("<b>▶") == fit
    status = chosen.layout.annotations[0].text
    assert f"{sum(fits)} of {len(differential.CONDITIONS)} conditions fit" in status
    assert differential.FEATURES[finding][0] in status
    (box,) = chosen.layout.shapes
    column = list(differential.FEATURES).index(finding)
    assert box.visible is True and (box.x0 + box.x1) / 2 == column


def test_no_finding_shows_every_condition_bright_without_a_box(fig):
    levels = len(differential.LEVELS)
    assert all(z < levels for row in fig.data[0].z for z in row)
    assert not any("▶" in tick for tick in fig.layout.yaxis.ticktext)
    assert fig.layout.shapes[0].visible is False


def test_psis_nodule_fits_the_back_mouse_but_not_liposarcoma():
    chosen = differential.draw(finding="psis_nodule")
    row = {c: i for i, c in enumerate(differential.CONDITIONS)}
    levels = len(differential.LEVELS)
    assert max(chosen.data[0].z[row[BACK_MOUSE]]) < levels
    assert min(chosen.data[0].z[row["Liposarcoma"]]) >= levels


def test_not_diagnostic_note_in_figure_and_caption(fig):
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Educational, not diagnostic" in texts
    assert "Educational, not diagnostic" in fig.caption
    assert TEACHING in texts and "*" in texts
    cited = sum(row.basis == differential.CITED for row in differential.load())
    assert f"{cited} of {len(differential.load())} cells cite a source" in fig.caption


def test_column_labels_are_short_and_full_wording_is_kept(fig):
    assert list(fig.layout.xaxis.ticktext) == [short for short, _ in differential.FEATURES.values()]
    assert list(fig.data[0].x) == [full for _, full in differential.FEATURES.values()]
    assert "PSIS" in fig.layout.xaxis.ticktext[0]


def test_data_table_matches_the_data(fig):
    columns, rows = fig.table
    assert columns == ("Condition", "Finding", "Level", "Basis", "Source", "Note")
    data = differential.load()
    assert len(rows) == len(data)
    for table_row, row in zip(rows, data, strict=True):
        assert table_row[0] == row.condition
        assert table_row[1] == differential.FEATURES[row.feature][1]
        assert table_row[2] == row.level
        assert table_row[4] == row.source
        assert table_row[3].endswith("*") == (row.basis == TEACHING)


# ------------------------------------------------------------------------------ app


def _box(app, finding):
    """The checkbox of one finding in the app's checkbox group."""
    return app.controls["findings"].children[list(differential.FEATURES).index(finding)]


def test_app_ranks_the_ticked_findings():
    app = differential.app()
    assert set(app.controls) == {"findings"}
    assert app.controls["findings"].value == ()
    start = app.result.data
    assert "Educational, not diagnostic" in start
    assert "Tick one or more findings" in start

    _box(app, "psis_nodule").value = True
    assert app.controls["findings"].value == ("psis_nodule",)
    first = app.result.data
    assert first != start
    assert first.index(BACK_MOUSE) < first.index("Lipoma")
    assert "<li>Back mouse (episacral lipoma) — score 2</li>" in first

    _box(app, "psis_nodule").value = False
    _box(app, "big_deep").value = True
    second = app.result.data
    assert second != first
    assert "<ol><li>Liposarcoma — score 2</li>" in second
    assert "Educational, not diagnostic" in second
    assert "typical +2, possible +1, unknown 0, atypical −1" in second


def test_app_labels_are_the_whole_findings():
    app = differential.app()
    boxes = app.controls["findings"].children
    assert [box.description for box in boxes] == [
        full for _, full in differential.FEATURES.values()
    ]
    assert "PSIS" in _box(app, "psis_nodule").description
    assert all(box.layout.width == "auto" for box in boxes)
