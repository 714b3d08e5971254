"""The differential-diagnosis matrix: its data, its ranking, its figure and its app."""

from __future__ import annotations

import copy
import json

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

# Keys the dossier lists as NOT confirmed (section 3): never to be cited.
UNCONFIRMED = {"chiba2016", "trescot2016_ch51", "scn_rfa_46"}


def _lines() -> list[str]:
    return (DATA_DIR / "differential.csv").read_text(encoding="utf-8").splitlines(keepends=True)


def _parse(lines: list[str]) -> list[dict]:
    return differential.validate(parse_rows(lines, differential.FIELDS, FILE), FILE)


def _cell(rows, condition, feature):
    (row,) = [r for r in rows if r["condition"] == condition and r["feature"] == feature]
    return row


# ----------------------------------------------------------------------------- data


def test_load_gives_one_row_per_cell():
    rows = differential.load()
    assert len(rows) == len(differential.CONDITIONS) * len(differential.FEATURES) == 143
    assert len(differential.CONDITIONS) >= 11
    assert 8 <= len(differential.FEATURES) <= 12


def test_basis_matches_source_in_every_row():
    for row in differential.load():
        if row["basis"] == "cited":
            assert row["source"], row
        else:
            assert row["basis"] == "general clinical teaching"
            assert row["source"] is None, row


def test_no_unconfirmed_reference_is_cited():
    keys = {key for row in differential.load() if row["source"] for key in row["source"]}
    assert not keys & UNCONFIRMED


def test_numbers_in_notes_match_the_dossier():
    rows = differential.load()
    # Kuniya 2014: tender point 70 mm from the midline; 113 of 834 met the criteria;
    # 96 of 113 (85%) improved by > 20 mm; leg symptoms in 54 (49%).
    crest = _cell(rows, SCN, "crest_point")
    assert {"kuniya2014", "maigne1991"} <= set(crest["source"])
    assert "70 mm" in crest["note"] and "113 of 834" in crest["note"]
    assert "7 cm" in crest["note"]  # Maigne & Maigne 1991
    assert "96 of 113 (85%)" in _cell(rows, SCN, "injection")["note"]
    leg = _cell(rows, SCN, "thigh_only")
    assert "54 of 113 (49%)" in leg["note"] and "47–84%" in leg["note"]  # Isu 2018 range
    assert "82%" in _cell(rows, MCN, "thigh_only")["note"]
    assert "21 of 50" in _cell(rows, MCN, "crest_point")["note"]  # Fujihara 2021
    # Motyka 2000: 31 of 35 (89%) lasting relief; lower-leg pain in 37%.
    injection = _cell(rows, BACK_MOUSE, "injection")
    assert "motyka2000" in injection["source"]
    assert "31 of 35 (89%)" in injection["note"]
    assert "37%" in _cell(rows, BACK_MOUSE, "thigh_only")["note"]
    # Wollgast & Afeman 1961: seldom crosses the knee.
    assert "wollgast1961" in _cell(rows, BACK_MOUSE, "thigh_only")["source"]
    # Collée 1991: ICPS in 41% of 204; RCT day-14 pain 30.5 vs 43.8, improved 52% vs 30%.
    assert "41% of 204" in _cell(rows, ICPS, "crest_point")["note"]
    trial = _cell(rows, ICPS, "injection")
    assert trial["source"] == ("collee1991rct",)
    assert "30.5 vs 43.8" in trial["note"] and "52% vs 30%" in trial["note"]
    assert trial["level"] == "possible"


def test_expected_levels_for_key_cells():
    rows = differential.load()
    assert _cell(rows, BACK_MOUSE, "psis_nodule")["level"] == "typical"
    assert _cell(rows, "Liposarcoma", "big_deep")["level"] == "typical"
    assert _cell(rows, "Epidermoid (sebaceous) cyst", "punctum")["level"] == "typical"
    assert _cell(rows, "Lumbar hernia (Petit or Grynfeltt)", "cough_bulge")["level"] == "typical"
    assert _cell(rows, "Lumbar radiculopathy", "below_knee")["level"] == "typical"
    gtps = _cell(rows, "Greater trochanteric pain syndrome", "trochanter")
    assert set(gtps["source"]) == {"collee1990", "speers2017gtps"}


def test_numbers_from_chapter_three_references():
    rows = differential.load()
    # Eastley et al. 2016 (BMJ): lump larger than a golf ball (4.3 cm) or growing.
    sarcoma = _cell(rows, "Liposarcoma", "big_deep")
    assert sarcoma["source"] == ("eastley2016sarcoma",) and "4.3 cm" in sarcoma["note"]
    # van Steensel et al. 2018: incarceration in 30.8% of primary lumbar hernias.
    hernia = _cell(rows, "Lumbar hernia (Petit or Grynfeltt)", "tender_lump")
    assert "30.8%" in hernia["note"]
    # Szadek et al. 2009: 18 studies; thigh thrust, compression, >= 3 positive tests.
    sij = _cell(rows, "Sacroiliac joint pain", "si_tests")
    assert sij["source"] == ("szadek2009sij",) and "18 studies" in sij["note"]


def _replace(lines: list[str], number: int, cells: dict[int, str]) -> list[str]:
    """Copy of ``lines`` with data row ``number`` (1-based) changed in some cells."""
    import csv
    import io

    changed = list(lines)
    row = next(csv.reader([changed[number]]))
    for index, value in cells.items():
        row[index] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    changed[number] = buffer.getvalue()
    return changed


def test_real_file_parses_through_the_same_path():
    assert len(_parse(_lines())) == 143


def test_cited_row_without_source_is_rejected():
    lines = _replace(_lines(), 1, {4: ""})
    with pytest.raises(DataError, match=rf"{FILE}, row 1, field 'source': basis is 'cited'"):
        _parse(lines)


def test_teaching_row_with_source_is_rejected():
    lines = _replace(_lines(), 3, {4: "curtis1993"})
    with pytest.raises(DataError, match=rf"{FILE}, row 3, field 'source': basis is"):
        _parse(lines)


def test_bad_level_is_rejected():
    lines = _replace(_lines(), 5, {2: "likely"})
    with pytest.raises(DataError, match=rf"{FILE}, row 5, field 'level': 'likely' is not one"):
        _parse(lines)


def test_bad_basis_is_rejected():
    lines = _replace(_lines(), 2, {3: "textbook"})
    with pytest.raises(DataError, match=rf"{FILE}, row 2, field 'basis'"):
        _parse(lines)


def test_unknown_source_key_is_rejected():
    lines = _replace(_lines(), 1, {4: "curtis1993;chiba2016"})
    with pytest.raises(DataError, match=rf"{FILE}, row 1, field 'source': cites \['chiba2016'\]"):
        _parse(lines)


def test_unknown_condition_and_feature_are_rejected():
    with pytest.raises(DataError, match=rf"{FILE}, row 4, field 'condition'"):
        _parse(_replace(_lines(), 4, {0: "Gout"}))
    with pytest.raises(DataError, match=rf"{FILE}, row 4, field 'feature'"):
        _parse(_replace(_lines(), 4, {1: "fever"}))


def test_wrong_header_is_rejected():
    lines = _lines()
    lines[0] = lines[0].replace("basis", "evidence")
    with pytest.raises(DataError, match=rf"{FILE}: header must be"):
        _parse(lines)


def test_duplicate_and_missing_cells_are_rejected():
    lines = _lines()
    duplicated = [*lines[:3], lines[1], *lines[4:]]  # row 3 repeats row 1; row 3's cell is gone
    with pytest.raises(DataError, match=rf"{FILE}, row 3, field 'feature': 'psis_nodule'"):
        _parse(duplicated)
    with pytest.raises(DataError, match=rf"{FILE}: no row for condition"):
        _parse(lines[:-1])


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


def test_rank_counts_a_repeated_finding_once():
    assert differential.rank(["psis_nodule", "psis_nodule"]) == differential.rank(["psis_nodule"])


def test_rank_with_no_findings_keeps_table_order():
    ranking = differential.rank([])
    assert [c for c, _ in ranking] == list(differential.CONDITIONS)
    assert {s for _, s in ranking} == {0}


def test_rank_is_sorted_and_complete():
    ranking = differential.rank(list(differential.FEATURES))
    scores = [s for _, s in ranking]
    assert scores == sorted(scores, reverse=True)
    assert sorted(c for c, _ in ranking) == sorted(differential.CONDITIONS)


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


@given(st.lists(st.sampled_from(list(differential.FEATURES)), max_size=5))
@settings(max_examples=30, deadline=None)
def test_rank_accepts_every_valid_combination(findings):
    ranking = differential.rank(findings)
    assert len(ranking) == len(differential.CONDITIONS)


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
    assert len(fig.data[0].z[0]) == len(differential.FEATURES)
    assert [t.name for t in fig.data[1:]] == ["++ typical", "+ possible", "− atypical", "? unknown"]
    assert len(fig.to_json()) < 60_000


def test_cells_carry_the_level_as_text_and_star_teaching(fig):
    rows = differential.load()
    features = list(differential.FEATURES)
    for row in rows:
        i = differential.CONDITIONS.index(row["condition"])
        j = features.index(row["feature"])
        text = fig.data[0].text[i][j]
        assert text.rstrip("*") == differential.SYMBOLS[row["level"]]
        assert text.endswith("*") == (row["basis"] == "general clinical teaching")
        hover = fig.data[0].hovertext[i][j]
        assert f"Level: <b>{row['level']}</b>" in hover
        if row["source"]:
            for key in row["source"]:
                assert citation(key).split(" (")[1] in hover  # year and journal
        else:
            assert "general clinical teaching" in hover


def test_hover_keeps_name_prefixes():
    rows = [r for r in differential.load() if "vansteensel2018lumbarhernia" in (r["source"] or ())]
    assert "van Steensel et al. (2018)" in differential._basis_text(rows[0])


def _apply(figure, args):
    """Apply an 'update' button's args to a copy, as plotly.js would.

    Layout values replace whole attributes (as plotly.js does); plotly.py's
    ``plotly_update`` would merge them, so the shared ``apply_control`` is not used.
    """
    result = go.Figure(copy.deepcopy(figure.to_dict()))
    data, layout, traces = args
    for key, values in data.items():
        for index, value in zip(traces, values, strict=True):
            result.data[index][key] = value
    for key, value in layout.items():
        result.layout[key] = value
    return result


def _state(figure) -> str:
    """The figure's data and layout without the menus (as the browser check compares)."""
    state = figure.to_dict()
    state["layout"].pop("updatemenus", None)
    return json.dumps(state, sort_keys=True)


def test_one_dropdown_with_distinct_states(fig):
    assert len(fig.layout.updatemenus) == 1
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == 1 + len(differential.FEATURES)
    labels = [b.label for b in buttons]
    for wording in (
        "A mobile, rubbery nodule near the PSIS",
        "Leg symptoms that stop above the knee",
    ):
        assert wording in labels
    states = [_state(_apply(fig, b.args)) for b in buttons]
    assert len(set(states)) == len(states)
    assert states[0] == _state(fig)  # the first entry is the state shown on load


def test_choosing_a_finding_fades_rows_that_do_not_fit(fig):
    buttons = fig.layout.updatemenus[0].buttons
    nodule = _apply(fig, buttons[1 + list(differential.FEATURES).index("psis_nodule")].args)
    z = nodule.data[0].z
    levels = len(differential.LEVELS)
    row = {c: i for i, c in enumerate(differential.CONDITIONS)}
    assert max(z[row[BACK_MOUSE]]) < levels  # bright
    assert min(z[row["Liposarcoma"]]) >= levels  # faded
    assert nodule.layout.yaxis.ticktext[row[BACK_MOUSE]].startswith("<b>▶")
    assert "▶" not in nodule.layout.yaxis.ticktext[row["Liposarcoma"]]
    assert len(nodule.layout.shapes) == 1  # the chosen column is outlined
    assert "6 of 13" in nodule.layout.annotations[0].text


def test_figure_argument_matches_the_dropdown(fig):
    chosen = differential.figure(finding="big_deep")
    buttons = fig.layout.updatemenus[0].buttons
    index = 1 + list(differential.FEATURES).index("big_deep")
    assert chosen.layout.updatemenus[0].active == index
    assert _state(chosen) == _state(_apply(fig, buttons[index].args))


def test_not_diagnostic_note_in_figure_and_caption(fig):
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Educational, not diagnostic" in texts
    assert "Educational, not diagnostic" in fig.caption
    assert "general clinical teaching" in texts and "*" in texts
    assert fig.alt


def test_data_table_matches_the_data(fig):
    columns, rows = fig.table
    assert columns == ("Condition", "Finding", "Level", "Basis", "Source", "Note")
    data = differential.load()
    assert len(rows) == len(data)
    for table_row, row in zip(rows, data, strict=True):
        assert table_row[0] == row["condition"]
        assert table_row[2] == row["level"]
        assert table_row[4] == row["source"]
        assert table_row[3].endswith("*") == (row["basis"] == "general clinical teaching")


# ------------------------------------------------------------------------------ app


def test_app_ranks_the_ticked_findings():
    app = differential.app()
    assert set(app.controls) == set(differential.FEATURES)
    start = app.result.data
    assert "Educational, not diagnostic" in start
    assert "Tick one or more findings" in start

    app.controls["psis_nodule"].value = True
    first = app.result.data
    assert first != start
    assert first.index(BACK_MOUSE) < first.index("Lipoma")
    assert "<li>Back mouse (episacral lipoma) — score 2</li>" in first

    app.controls["psis_nodule"].value = False
    app.controls["big_deep"].value = True
    second = app.result.data
    assert "<ol><li>Liposarcoma — score 2</li>" in second
    assert "Educational, not diagnostic" in second
    assert "typical +2, possible +1, unknown 0, atypical −1" in second
