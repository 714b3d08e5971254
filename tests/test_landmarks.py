"""Superior cluneal nerve landmarks: dossier numbers, strict data, working menus, live app."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plotlyapply import apply_control

from widgets import landmarks
from widgets.data import DATA_DIR, DataError, bib_keys, parse_rows

# (study, branch, reference) -> (mean, ±, low, high), as in the dossier's facts table
# (literature.md section 2, "SCN ANATOMY"), converted to mm where it gives cm.
DOSSIER = {
    ("Maigne 1989", "medial", "midline"): (None, None, 70, 80),
    ("Maigne 1991", "unspecified", "midline"): (70, None, None, None),
    ("Lu 1998", "medial", "psis"): (64.7, 5.3, None, None),
    ("Lu 1998", "medial", "midline"): (81.0, 9.2, None, None),
    ("Tubbs 2010", "medial", "psis"): (50, None, None, None),
    ("Tubbs 2010", "intermediate", "psis"): (65, None, None, None),
    ("Tubbs 2010", "lateral", "psis"): (73, None, None, None),
    ("Sittitavornwong 2013", "medial", "psis"): (57, 12.2, None, None),
    ("Loubser 2017", "medial", "psis"): (72.6, 4.2, None, None),
    ("Loubser 2017", "intermediate", "psis"): (76.6, 4.4, None, None),
    ("Loubser 2017", "lateral", "psis"): (79.6, 4.4, None, None),
    ("Loubser 2017", "medial", "midline"): (77.9, 4.2, None, None),
    ("Loubser 2017", "intermediate", "midline"): (79.6, 4.4, None, None),
    ("Loubser 2017", "lateral", "midline"): (89.5, 4.5, None, None),
    ("Iwanaga 2019", "medial", "psis"): (45.2, 11.2, None, None),
    ("Iwanaga 2019", "medial", "midline"): (65.3, 8.2, None, None),
    ("Loubser (SAJAA)", "unspecified", "psis"): (69.6, 15.0, None, None),
    ("Loubser (SAJAA)", "unspecified", "midline"): (72.1, 10.2, None, None),
    ("Kuniya 2014", "unspecified", "midline"): (70, None, None, None),
}
SIZES = {
    "Maigne 1989": (37, "dissections", "maigne1989"),
    "Maigne 1991": (37, "dissections", "maigne1991"),
    "Lu 1998": (15, "cadavers", "lu1998"),
    "Tubbs 2010": (20, "sides", "tubbs2010"),
    "Sittitavornwong 2013": (39, "ilia", "sittitavornwong2013"),
    "Loubser 2017": (50, "cadavers", "loubser2017"),
    "Iwanaga 2019": (20, "sides", "iwanaga2019groove"),
    "Loubser (SAJAA)": (27, "cadavers", "loubser_sajaa"),
    "Kuniya 2014": (834, "patients", "kuniya2014"),
}


def _key(row):
    return (row["study"], row["branch"], row["reference"])


# ---------------------------------------------------------------- data


def test_every_dossier_number_is_in_the_file_and_nothing_else():
    rows = landmarks.load()
    assert sorted(_key(r) for r in rows) == sorted(DOSSIER)
    for row in rows:
        mean, sd, low, high = DOSSIER[_key(row)]
        assert (row["mean_mm"], row["sd_mm"], row["low_mm"], row["high_mm"]) == (
            mean,
            sd,
            low,
            high,
        ), _key(row)


def test_study_sizes_units_and_sources_match_the_dossier():
    for row in landmarks.load():
        specimens, unit, key = SIZES[row["study"]]
        assert (row["specimens"], row["unit"]) == (specimens, unit), row["study"]
        assert row["source"] == (key,)
        assert set(row["source"]) <= bib_keys()


def test_only_kuniya_is_clinical_and_flagged():
    rows = landmarks.load()
    clinical = [r for r in rows if r["kind"] == "clinical"]
    assert [r["study"] for r in clinical] == ["Kuniya 2014"]
    assert "not a cadaver measurement" in clinical[0]["note"]
    assert all(r["kind"] == "cadaver" for r in rows if r["study"] != "Kuniya 2014")


def test_spread_labels_follow_what_the_abstracts_print():
    rows = {_key(r): r for r in landmarks.load()}
    assert rows[("Sittitavornwong 2013", "medial", "psis")]["spread"] == "SD"
    assert rows[("Loubser (SAJAA)", "unspecified", "midline")]["spread"] == "SD"
    assert rows[("Lu 1998", "medial", "midline")]["spread"] == "±"
    assert rows[("Tubbs 2010", "lateral", "psis")]["spread"] is None
    assert "by their order" in rows[("Tubbs 2010", "lateral", "psis")]["note"]


def test_tunnel_zone_spans_the_medial_crossings_from_the_midline():
    assert landmarks.tunnel_span() == (65.3, 81.0)


# ---------------------------------------------------------------- broken data

GOOD = landmarks.FIELDS
HEADER = ",".join(field.name for field in GOOD)
LINE = "Lu 1998,1998,15,cadavers,medial,midline,81.0,9.2,±,,,cadaver,note,lu1998"


def _parse(*lines):
    return landmarks.parse([HEADER, *lines], "data/x.csv")


def _with(**cells):
    values = dict(zip(HEADER.split(","), LINE.split(","), strict=True))
    values.update(cells)
    return ",".join(values.values())


def test_good_line_parses():
    (row,) = _parse(LINE)
    assert row["mean_mm"] == 81.0
    assert row["source"] == ("lu1998",)


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ({"mean_mm": "eighty"}, "mean_mm", "expected float"),
        ({"mean_mm": "-4"}, "mean_mm", "below the minimum"),
        ({"sd_mm": "500"}, "sd_mm", "above the maximum"),
        ({"specimens": "0"}, "specimens", "below the minimum"),
        ({"unit": "bodies"}, "unit", "not one of"),
        ({"branch": "posterior"}, "branch", "not one of"),
        ({"reference": "sacrum"}, "reference", "not one of"),
        ({"source": "nosuchkey2099"}, "source", "not in references.bib"),
        ({"source": "chiba2016"}, "source", "not in references.bib"),
        ({"low_mm": "70"}, "high_mm", "must be given together"),
        (
            {"mean_mm": "", "sd_mm": "", "spread": "", "low_mm": "80", "high_mm": "70"},
            "high_mm",
            "below low_mm",
        ),
        ({"mean_mm": "", "sd_mm": "", "spread": ""}, "mean_mm", "no range"),
        ({"low_mm": "60", "high_mm": "70"}, "mean_mm", "outside the range"),
        ({"spread": ""}, "spread", "exactly when sd_mm"),
        ({"kind": "clinical"}, "unit", "does not fit kind"),
    ],
)
def test_broken_row_names_file_row_and_field(cells, field, reason):
    with pytest.raises(DataError) as error:
        _parse(LINE, _with(**cells))
    message = str(error.value)
    assert message.startswith(f"data/x.csv, row 2, field '{field}'"), message
    assert reason in message


def test_wrong_header_is_named():
    with pytest.raises(DataError, match=r"data/x\.csv: header must be"):
        parse_rows([HEADER.replace("mean_mm", "mean"), LINE], GOOD, "data/x.csv")


def test_the_real_file_passes_the_same_parser():
    path = DATA_DIR / "landmarks.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        assert landmarks.parse(handle, "data/landmarks.csv") == landmarks.load()


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: landmarks.map_figure(study="Tubbs 2010"), "study"),
        (lambda: landmarks.map_figure(study="Aly 2002"), "study"),
        (lambda: landmarks.map_figure(nerves="yes"), "nerves"),
        (lambda: landmarks.map_figure(tunnel=1), "tunnel"),
        (lambda: landmarks.map_figure(back_mice=None), "back_mice"),
        (lambda: landmarks.forest_figure(reference="sacrum"), "reference"),
        (lambda: landmarks.forest_figure(reference="PSIS"), "reference"),
        (lambda: landmarks.app(figure="table"), "figure"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(ValueError, match=f"argument '{argument}' must be"):
        call()


STUDIES = landmarks.map_studies()


@given(st.text().filter(lambda t: t not in STUDIES and t != landmarks.ALL))
def test_any_unknown_study_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'study' must be one of"):
        landmarks.map_figure(study=text)


@given(st.one_of(st.integers(), st.text(), st.none(), st.floats()))
def test_layer_flags_must_be_booleans(value):
    with pytest.raises(ValueError, match="argument 'tunnel' must be True or False"):
        landmarks.map_figure(tunnel=value)


@given(st.text().filter(lambda t: t not in landmarks.REFERENCES))
def test_any_unknown_reference_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'reference' must be one of"):
        landmarks.forest_figure(reference=text)


# ---------------------------------------------------------------- helpers for menus


def _apply(fig, args, method):
    """Apply one menu entry's args the way plotly.js would, in Python."""
    return apply_control(fig, method, args)


def _state(fig):
    """Data and layout without the menus' own bookkeeping."""
    plain = fig.to_plotly_json()
    plain["layout"].pop("updatemenus", None)
    return json.dumps(plain, sort_keys=True, default=str)


# ---------------------------------------------------------------- map


def test_map_is_labelled_schematic_and_keeps_psis_only_studies_out():
    fig = landmarks.map_figure()
    title = fig.layout.title.text + " " + fig.layout.title.subtitle.text
    assert "Schematic, not to scale of any one person" in title
    assert "schematic" in fig.caption.lower()
    assert "not to scale of any one person" in fig.caption
    assert fig.data[landmarks.PSIS_TRACE].name == "PSIS (position schematic)"
    hover = " ".join(t for i in landmarks.POINT_TRACES for t in fig.data[i].hovertext)
    assert "Tubbs 2010" not in hover
    assert "Sittitavornwong" not in hover
    assert "[kuniya2013" not in hover  # the tunnel studies are cited on the tunnel zone
    assert "kuniya2013" in fig.data[landmarks.TUNNEL_TRACE].hovertemplate
    assert "konno2017" in fig.data[landmarks.TUNNEL_TRACE].hovertemplate
    for key in ("pace1972", "bicket2016", "curtis1993"):
        assert key in fig.data[landmarks.BACK_MICE_TRACE].hovertemplate


def test_map_plots_every_midline_distance_once_in_centimetres():
    fig = landmarks.map_figure()
    midline = [r for r in landmarks.load() if r["reference"] == "midline"]
    xs = sorted(x for i in landmarks.POINT_TRACES for x in fig.data[i].x)
    assert xs == sorted(round(landmarks.centre(r) / 10, 2) for r in midline)
    medial = fig.data[landmarks.POINT_TRACES[0]]
    lu = next(i for i, t in enumerate(medial.hovertext) if t.startswith("<b>Lu 1998"))
    assert medial.x[lu] == 8.1
    assert medial.error_x.array[lu] == medial.error_x.arrayminus[lu] == 0.92
    maigne = next(i for i, t in enumerate(medial.hovertext) if "Maigne 1989" in t)
    assert medial.x[maigne] == 7.5
    assert medial.marker.symbol[maigne] == "circle-open"
    assert (medial.error_x.arrayminus[maigne], medial.error_x.array[maigne]) == (0.5, 0.5)
    clinical = fig.data[landmarks.POINT_TRACES[-1]]
    assert list(clinical.x) == [7.0]
    assert "Clinical criterion" in clinical.hovertext[0]
    labels = fig.data[landmarks.LABEL_TRACE].text
    assert len(labels) == len(midline)
    assert "Kuniya 2014 · clinical, n=834" in labels


def test_row_labels_sit_right_of_every_error_bar():
    for row in landmarks.load():
        plus, _ = landmarks.spread(row)
        assert (landmarks.centre(row) + (plus or 0)) / 10 < landmarks.LABEL_X


def test_map_controls_count():
    fig = landmarks.map_figure()
    assert len(fig.data) == 5 + len(landmarks.CATEGORIES)
    menus = fig.layout.updatemenus
    assert len(menus) == 4
    assert [b.label for b in menus[0].buttons] == [landmarks.ALL, *STUDIES]
    assert [m.buttons[0].label for m in menus[1:]] == ["Nerves", "Tunnel zone", "Back-mouse area"]
    assert [m.active for m in menus[1:]] == [0, -1, -1]


def test_each_study_entry_gives_a_distinct_state():
    fig = landmarks.map_figure()
    buttons = fig.layout.updatemenus[0].buttons
    states = [_state(_apply(fig, b.args, b.method)) for b in buttons]
    assert len(set(states)) == len(states) == len(STUDIES) + 1


@pytest.mark.parametrize("study", [landmarks.ALL, "Lu 1998", "Loubser 2017", "Kuniya 2014"])
def test_study_entry_reproduces_the_figure_built_for_that_study(study):
    fig = landmarks.map_figure()
    index = [landmarks.ALL, *STUDIES].index(study)
    button = fig.layout.updatemenus[0].buttons[index]
    applied = _apply(fig, button.args, button.method)
    direct = landmarks.map_figure(study=study)
    for i in (landmarks.NERVE_TRACE, landmarks.LABEL_TRACE, *landmarks.POINT_TRACES):
        assert list(applied.data[i].x) == list(direct.data[i].x)
        assert list(applied.data[i].y) == list(direct.data[i].y)
    assert list(applied.layout.yaxis.tickvals) == list(direct.layout.yaxis.tickvals)


def test_single_study_shows_only_its_rows():
    fig = landmarks.map_figure(study="Loubser 2017")
    labels = list(fig.data[landmarks.LABEL_TRACE].text)
    assert labels == [
        "Loubser 2017, medial · n=50",
        "Loubser 2017, intermediate · n=50",
        "Loubser 2017, lateral · n=50",
    ]
    xs = [x for i in landmarks.POINT_TRACES for x in fig.data[i].x]
    assert sorted(xs) == [7.79, 7.96, 8.95]


@pytest.mark.parametrize(
    ("menu", "trace"),
    [(1, landmarks.NERVE_TRACE), (2, landmarks.TUNNEL_TRACE), (3, landmarks.BACK_MICE_TRACE)],
)
def test_each_layer_toggle_shows_and_hides_its_layer(menu, trace):
    fig = landmarks.map_figure(nerves=False)
    button = fig.layout.updatemenus[menu].buttons[0]
    assert fig.data[trace].visible is False
    shown = _apply(fig, button.args, button.method)
    hidden = _apply(shown, button.args2, button.method)
    assert shown.data[trace].visible is True
    assert hidden.data[trace].visible is False
    assert _state(shown) != _state(fig)
    assert _state(hidden) == _state(fig)
    others = [i for i in range(len(fig.data)) if i != trace]
    assert all(shown.data[i].visible == fig.data[i].visible for i in others)


def test_layer_arguments_set_the_first_view():
    fig = landmarks.map_figure(nerves=False, tunnel=True, back_mice=True)
    assert fig.data[landmarks.NERVE_TRACE].visible is False
    assert fig.data[landmarks.TUNNEL_TRACE].visible is True
    assert fig.data[landmarks.BACK_MICE_TRACE].visible is True
    assert [m.active for m in fig.layout.updatemenus[1:]] == [-1, 0, 0]


def test_map_table_and_size():
    fig = landmarks.map_figure()
    columns, rows = fig.table
    assert columns[0] == "Study"
    assert len(rows) == sum(r["reference"] == "midline" for r in landmarks.load())
    assert rows[2][:6] == ("Lu 1998", "15 cadavers", "medial", "midline", 81.0, "9.2 (±)")
    assert fig.alt
    assert len(fig.to_json()) < 60_000


# ---------------------------------------------------------------- forest


def _visible_rows(fig):
    return [
        (t.name, x)
        for t in fig.data
        if t.visible is not False and t.showlegend is not False
        for x in t.x
    ]


@pytest.mark.parametrize("reference", landmarks.REFERENCES)
def test_forest_shows_each_reference_with_n_in_the_labels(reference):
    fig = landmarks.forest_figure(reference=reference)
    rows = [r for r in landmarks.load() if r["reference"] == reference]
    assert sorted(x for _, x in _visible_rows(fig)) == sorted(landmarks.centre(r) for r in rows)
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(ticks) == len(rows)
    for tick, row in zip(ticks, rows, strict=True):
        assert f"n = {row['specimens']} {row['unit']}" in tick
    assert reference.upper() in fig.layout.xaxis.title.text.upper()


def test_forest_flags_range_clinical_and_order_named_rows():
    midline = " ".join(landmarks.forest_figure("midline").layout.yaxis.ticktext)
    assert "range, no SD" in midline
    assert "clinical criterion, not cadaveric" in midline
    psis = " ".join(landmarks.forest_figure("psis").layout.yaxis.ticktext)
    assert "named by order" in psis
    values = list(landmarks.forest_figure("psis").layout.yaxis2.ticktext)
    assert "64.7 ± 5.3" in values
    assert "57.0 ± 12.2" in values


def test_forest_branch_is_shown_by_symbol():
    fig = landmarks.forest_figure()
    symbols = {t.name: set(t.marker.symbol) for t in fig.data if t.visible is True}
    assert symbols["Medial branch"] == {"circle", "circle-open"}
    assert symbols["Intermediate branch"] == {"diamond"}
    assert symbols["Lateral branch"] == {"square"}


def test_forest_menu_switches_reference_with_distinct_states():
    fig = landmarks.forest_figure()
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == 2
    states = [_apply(fig, b.args, b.method) for b in buttons]
    assert len({_state(s) for s in states}) == 2
    psis = states[1]
    assert "PSIS" in psis.layout.xaxis.title.text
    direct = landmarks.forest_figure(reference="psis")
    assert list(psis.layout.yaxis.ticktext) == list(direct.layout.yaxis.ticktext)
    assert sorted(_visible_rows(psis)) == sorted(_visible_rows(direct))


def test_forest_table_and_size():
    fig = landmarks.forest_figure()
    _, rows = fig.table
    assert len(rows) == len(landmarks.load())
    assert fig.caption and fig.alt
    assert len(fig.to_json()) < 60_000


# ---------------------------------------------------------------- app


def test_map_app_responds_to_its_controls():
    app = landmarks.app()
    before = app.figure.to_plotly_json()
    app.controls["study"].value = "Lu 1998"
    assert app.figure.to_plotly_json() != before
    assert list(app.figure.data[landmarks.LABEL_TRACE].text) == ["Lu 1998 · n=15"]
    app.controls["tunnel"].value = True
    assert app.figure.data[landmarks.TUNNEL_TRACE].visible is True
    app.controls["nerves"].value = False
    assert app.figure.data[landmarks.NERVE_TRACE].visible is False
    app.controls["back_mice"].value = True
    assert app.figure.data[landmarks.BACK_MICE_TRACE].visible is True


def test_forest_app_responds_to_its_control():
    app = landmarks.app(figure="forest")
    assert "midline" in app.figure.layout.xaxis.title.text
    app.controls["reference"].value = "psis"
    assert "PSIS" in app.figure.layout.xaxis.title.text
