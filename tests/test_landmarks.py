"""Superior cluneal nerve landmarks: dossier numbers, strict rows, map and forest, live apps."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import landmarks, pelvis
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

FILE = "data/x.csv"
COLUMNS = [field.name for field in attrs.fields(landmarks.CrossingRow)]
LINE = {
    "study": "Lu 1998",
    "year": "1998",
    "specimens": "15",
    "unit": "cadavers",
    "branch": "medial",
    "reference": "midline",
    "mean_mm": "81.0",
    "sd_mm": "9.2",
    "spread": "±",
    "low_mm": "",
    "high_mm": "",
    "kind": "cadaver",
    "note": "note",
    "source": "lu1998",
}


def _key(row):
    return (row.study, row.branch, row.reference)


def _parse(*lines: dict[str, str]) -> list[landmarks.CrossingRow]:
    text = "\n".join([",".join(COLUMNS), *(",".join(cells[c] for c in COLUMNS) for cells in lines)])
    return parse_rows(text + "\n", landmarks.CrossingRow, FILE)


def _with(**cells: str) -> dict[str, str]:
    return {**LINE, **cells}


def _row(**cells: str) -> landmarks.CrossingRow:
    (row,) = _parse(_with(**cells))
    return row


# ----------------------------------------------------------------------------- data


def test_every_dossier_number_is_in_the_file_and_nothing_else():
    rows = landmarks.load()
    assert sorted(_key(r) for r in rows) == sorted(DOSSIER)
    for row in rows:
        assert (row.mean_mm, row.sd_mm, row.low_mm, row.high_mm) == DOSSIER[_key(row)], _key(row)


def test_study_sizes_units_and_sources_match_the_dossier():
    for row in landmarks.load():
        specimens, unit, key = SIZES[row.study]
        assert (row.specimens, row.unit) == (specimens, unit), row.study
        assert row.size == f"n = {specimens} {unit}"
        assert row.source == (key,)
        assert set(row.source) <= bib_keys()


def test_only_kuniya_is_clinical_and_flagged():
    rows = landmarks.load()
    clinical = [r for r in rows if r.kind == "clinical"]
    assert [r.study for r in clinical] == ["Kuniya 2014"]
    assert clinical[0].group == "clinical"
    assert "not a cadaver measurement" in clinical[0].note
    assert all(r.kind == "cadaver" and r.group == r.branch for r in rows if r not in clinical)


def test_spread_labels_follow_what_the_abstracts_print():
    rows = {_key(r): r for r in landmarks.load()}
    assert rows[("Sittitavornwong 2013", "medial", "psis")].spread == "SD"
    assert rows[("Loubser (SAJAA)", "unspecified", "midline")].spread == "SD"
    assert rows[("Lu 1998", "medial", "midline")].spread == "±"
    assert rows[("Tubbs 2010", "lateral", "psis")].spread is None
    assert "by their order" in rows[("Tubbs 2010", "lateral", "psis")].note


def test_centre_and_bounds_of_mean_range_and_bare_rows():
    lu = _row()
    assert (lu.centre, lu.bounds, lu.is_range) == (81.0, (81.0 - 9.2, 81.0 + 9.2), False)
    ranged = _row(mean_mm="", sd_mm="", spread="", low_mm="70", high_mm="80")
    assert (ranged.centre, ranged.bounds, ranged.is_range) == (75.0, (70.0, 80.0), True)
    bare = _row(sd_mm="", spread="")
    assert (bare.centre, bare.bounds) == (81.0, (None, None))


def test_value_text_says_what_the_spread_is():
    assert landmarks.value_text(_row()) == "81.0 ± 9.2 mm (± as printed)"
    assert landmarks.value_text(_row(spread="SD")) == "81.0 ± 9.2 mm (SD)"
    assert "no SD reported" in landmarks.value_text(_row(sd_mm="", spread=""))
    ranged = _row(mean_mm="", sd_mm="", spread="", low_mm="70", high_mm="80")
    assert landmarks.value_text(ranged) == "70–80 mm (range; no mean or SD)"
    clinical = _row(sd_mm="", spread="", kind="clinical", unit="patients")
    assert "criterion, not a measured mean" in landmarks.value_text(clinical)


def test_tunnel_zone_spans_the_medial_cadaver_crossings_from_the_midline():
    assert landmarks.tunnel_span() == (65.3, 81.0)
    rows = [
        _row(),
        _row(mean_mm="60", sd_mm="", spread="", study="A"),
        _row(mean_mm="40", reference="psis", study="B"),
        _row(mean_mm="50", branch="lateral", study="C"),
        _row(mean_mm="30", sd_mm="", spread="", kind="clinical", unit="patients", study="D"),
    ]
    assert landmarks.tunnel_span(rows) == (60.0, 81.0)


def test_map_studies_are_the_midline_studies_once_each_in_file_order():
    studies = landmarks.map_studies()
    midline = [r.study for r in landmarks.load() if r.reference == "midline"]
    assert list(studies) == list(dict.fromkeys(midline))
    assert "Tubbs 2010" not in studies and "Sittitavornwong 2013" not in studies
    rows = [_row(study="A"), _row(study="B", reference="psis"), _row(study="A", mean_mm="70")]
    assert landmarks.map_studies(rows) == ("A",)


# ---------------------------------------------------------------------- broken rows


def test_good_line_parses_into_typed_fields():
    assert list(LINE) == COLUMNS
    row = _row()
    assert (row.year, row.specimens, row.mean_mm, row.sd_mm) == (1998, 15, 81.0, 9.2)
    assert (row.low_mm, row.high_mm) == (None, None)
    assert row.source == ("lu1998",)


@pytest.mark.parametrize(
    ("cells", "field", "reason"),
    [
        ({"mean_mm": "eighty"}, "mean_mm", "expected a number"),
        ({"mean_mm": "-4"}, "mean_mm", "outside the range"),
        ({"sd_mm": "500"}, "sd_mm", "outside the range"),
        ({"specimens": "0"}, "specimens", "outside the range"),
        ({"specimens": "15.5"}, "specimens", "expected a whole number"),
        ({"unit": "bodies"}, "unit", "not one of"),
        ({"branch": "posterior"}, "branch", "not one of"),
        ({"reference": "sacrum"}, "reference", "not one of"),
        ({"spread": "SE"}, "spread", "not one of"),
        ({"source": "nosuchkey2099"}, "source", "not in references.bib"),
        ({"source": "chiba2016"}, "source", "not in references.bib"),
        ({"low_mm": "70"}, "high_mm", "give low_mm and high_mm together"),
        (
            {"mean_mm": "", "sd_mm": "", "spread": "", "low_mm": "80", "high_mm": "70"},
            "high_mm",
            "below low_mm",
        ),
        ({"mean_mm": "", "sd_mm": "", "spread": ""}, "mean_mm", "give a mean or a range"),
        ({"low_mm": "60", "high_mm": "70"}, "mean_mm", "outside the range"),
        ({"mean_mm": "", "low_mm": "60", "high_mm": "70"}, "sd_mm", "without mean_mm"),
        ({"spread": ""}, "spread", "exactly when sd_mm"),
        ({"sd_mm": ""}, "spread", "exactly when sd_mm"),
        ({"kind": "clinical"}, "unit", "does not fit kind"),
        ({"unit": "patients"}, "unit", "does not fit kind"),
    ],
)
def test_broken_row_names_line_and_field(cells, field, reason):
    with pytest.raises(DataError) as error:
        _parse(LINE, _with(**cells))
    message = str(error.value)
    assert message.startswith(f"{FILE}, line 3, field '{field}': "), message
    assert reason in message


def test_same_study_branch_reference_and_mean_is_refused():
    with pytest.raises(DataError, match=rf"{FILE}, line 3, field 'mean_mm': .*repeats line 2"):
        _parse(LINE, _with(note="another note"))


def test_the_real_file_passes_the_same_parser():
    text = (DATA_DIR / "landmarks.csv").read_text(encoding="utf-8")
    assert parse_rows(text, landmarks.CrossingRow, "data/landmarks.csv") == landmarks.load()


# ---------------------------------------------------------------------- arguments


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
    with pytest.raises(ValueError, match=r"argument 'tunnel' must be one of \[False, True\]"):
        landmarks.map_figure(tunnel=value)


@given(st.text().filter(lambda t: t not in landmarks.REFERENCES))
def test_any_unknown_reference_is_rejected(text):
    with pytest.raises(ValueError, match="argument 'reference' must be one of"):
        landmarks.forest_figure(reference=text)


# ---------------------------------------------------------------------------- map


def _trace(fig, name):
    (trace,) = [t for t in fig.data if t.name == name]
    return trace


def _labels(fig):
    (trace,) = [t for t in fig.data if t.mode == "text"]
    return list(trace.text)


POINT_NAMES = [landmarks.GROUP_LABELS[group] for group in landmarks.GROUPS]
NERVES = "Nerves (schematic course)"
TUNNEL = "Osteofibrous tunnel zone (schematic)"
BACK_MICE = "Back-mouse area (schematic)"


def _points(fig):
    return [t for t in fig.data if t.name in POINT_NAMES]


def test_map_is_labelled_schematic_and_keeps_psis_only_studies_out():
    fig = landmarks.map_figure()
    title = fig.layout.title.text + " " + fig.layout.title.subtitle.text
    assert "Schematic, not to scale of any one person" in title
    assert "not to scale of any one person" in fig.caption
    assert "PSIS (position schematic)" in {t.name for t in fig.data}
    hover = " ".join(h for t in _points(fig) for h in t.hovertext)
    assert "Tubbs 2010" not in hover and "Sittitavornwong" not in hover
    assert "From the midline" in hover and "From the PSIS" not in hover
    tunnel = _trace(fig, TUNNEL).hovertemplate.replace("<br>", " ")
    assert "(Kuniya et al., 2013)" in tunnel and "(Konno et al., 2017)" in tunnel
    low, high = landmarks.tunnel_span()
    assert f"{low:.0f}–{high:.0f} mm" in tunnel
    assert f"{low:.0f}–{high:.0f} mm" in fig.caption
    back_mice = _trace(fig, BACK_MICE).hovertemplate.replace("<br>", " ")
    assert "(Pace and Henning, 1972; Bicket et al., 2016)" in back_mice
    assert "(Curtis, 1993)" in back_mice


def test_zone_hovers_cite_every_row_of_their_data_with_the_book_formatter():
    from widgets.data import citation

    rows = pelvis.load()
    assert {row.zone for row in rows} == {"back_mice", "tunnel"}
    fig = landmarks.map_figure()
    hovers = {
        "back_mice": _trace(fig, BACK_MICE).hovertemplate.replace("<br>", " "),
        "tunnel": _trace(fig, TUNNEL).hovertemplate.replace("<br>", " "),
    }
    for row in rows:
        cited = "; ".join(citation(key) for key in row.source)
        assert f"{row.text} ({cited})." in hovers[row.zone]


def test_a_zone_note_that_cites_by_hand_is_refused():
    from widgets.data import DataError, parse_rows

    text = "zone,text,source\ntunnel,Konno 2017: 13 of 81 branches,konno2017\n"
    with pytest.raises(DataError, match=r"data/pelvis.csv, line 2, field 'text': cites by hand"):
        parse_rows(text, pelvis.ZoneNote, "data/pelvis.csv")


def test_map_plots_every_midline_distance_once_in_centimetres():
    fig = landmarks.map_figure()
    midline = [r for r in landmarks.load() if r.reference == "midline"]
    xs = sorted(x for t in _points(fig) for x in t.x)
    assert xs == sorted(round(r.centre / 10, 2) for r in midline)
    medial = _trace(fig, landmarks.GROUP_LABELS["medial"])
    lu = next(i for i, t in enumerate(medial.hovertext) if t.startswith("<b>Lu 1998"))
    assert medial.x[lu] == 8.1
    assert medial.error_x.array[lu] == medial.error_x.arrayminus[lu] == 0.92
    maigne = next(i for i, t in enumerate(medial.hovertext) if "Maigne 1989" in t)
    assert medial.x[maigne] == 7.5
    assert medial.marker.symbol[maigne] == "circle-open"
    assert (medial.error_x.arrayminus[maigne], medial.error_x.array[maigne]) == (0.5, 0.5)
    clinical = _trace(fig, landmarks.GROUP_LABELS["clinical"])
    assert list(clinical.x) == [7.0]
    assert "Clinical criterion" in clinical.hovertext[0]
    labels = _labels(fig)
    assert len(labels) == len(midline)
    assert "Kuniya 2014 · clinical, n=834" in labels


def test_markers_sit_on_separate_rows_above_the_crest():
    fig = landmarks.map_figure()
    heights = sorted(y for t in _points(fig) for y in t.y)
    assert len(set(heights)) == len(heights)
    assert all(y > max(h for _, h in pelvis.CREST) for y in heights)
    assert sorted(fig.layout.yaxis.tickvals) == heights


def test_nerves_cross_the_crest_at_each_plotted_distance():
    fig = landmarks.map_figure()
    nerves = _trace(fig, NERVES)
    crossings = [x for x, y in zip(nerves.x, nerves.y, strict=True) if y == pelvis.NERVE_TOP]
    assert sorted(crossings) == sorted(x for t in _points(fig) for x in t.x)


def test_row_labels_sit_right_of_every_error_bar():
    for row in landmarks.load():
        high = row.bounds[1] if row.bounds[1] is not None else row.centre
        assert high / 10 < pelvis.LABEL_X


def test_single_study_shows_only_its_rows():
    fig = landmarks.map_figure(study="Loubser 2017")
    assert _labels(fig) == [
        "Loubser 2017, medial · n=50",
        "Loubser 2017, intermediate · n=50",
        "Loubser 2017, lateral · n=50",
    ]
    assert sorted(x for t in _points(fig) for x in t.x) == [7.79, 7.96, 8.95]
    assert [t.name for t in landmarks.map_figure(study="Lu 1998").data] == [
        t.name for t in landmarks.map_figure().data
    ]  # same traces for every study: the study menu only restyles them


@pytest.mark.parametrize(
    ("argument", "name"), [("nerves", NERVES), ("tunnel", TUNNEL), ("back_mice", BACK_MICE)]
)
def test_layer_arguments_show_and_hide_their_layer_only(argument, name):
    on = landmarks.map_figure(**{argument: True})
    off = landmarks.map_figure(**{argument: False})
    assert _trace(on, name).visible is True
    assert _trace(off, name).visible is False
    others = [t.name for t in on.data if t.name != name]
    assert all(_trace(on, n).visible == _trace(off, n).visible for n in others if n)


def test_layers_start_with_only_the_nerves():
    fig = landmarks.map_figure()
    assert (
        _trace(fig, NERVES).visible,
        _trace(fig, TUNNEL).visible,
        _trace(fig, BACK_MICE).visible,
    ) == (True, False, False)


def test_map_table_lists_the_midline_rows():
    fig = landmarks.map_figure()
    columns, rows = fig.table
    assert columns[0] == "Study"
    assert len(rows) == sum(r.reference == "midline" for r in landmarks.load())
    lu = next(row for row in rows if row[0] == "Lu 1998")
    assert lu[:6] == ("Lu 1998", "15 cadavers", "medial", "midline", 81.0, "9.2 (±)")


# ------------------------------------------------------------------------- forest


def _visible(fig):
    return [
        (t.name, x)
        for t in fig.data
        if t.visible is not False and t.showlegend is not False
        for x in t.x
    ]


@pytest.mark.parametrize("reference", landmarks.REFERENCES)
def test_forest_shows_each_reference_with_n_in_the_labels(reference):
    fig = landmarks.forest_figure(reference=reference)
    rows = [r for r in landmarks.load() if r.reference == reference]
    assert sorted(x for _, x in _visible(fig)) == sorted(r.centre for r in rows)
    ticks = list(fig.layout.yaxis.ticktext)
    assert len(ticks) == len(rows) == len(fig.layout.yaxis2.ticktext)
    for tick, row in zip(ticks, rows, strict=True):
        assert tick.startswith(f"{row.study} · n = {row.specimens} {row.unit}")
    assert landmarks.REFERENCE_LABELS[reference] in fig.layout.xaxis.title.text


def test_forest_flags_range_clinical_and_order_named_rows():
    midline = " ".join(landmarks.forest_figure("midline").layout.yaxis.ticktext)
    assert "range, no SD" in midline
    assert "clinical criterion, not cadaveric" in midline
    psis = landmarks.forest_figure("psis")
    assert "named by order" in " ".join(psis.layout.yaxis.ticktext)
    values = list(psis.layout.yaxis2.ticktext)
    assert "64.7 ± 5.3" in values
    assert "57.0 ± 12.2" in values


def test_forest_branch_is_shown_by_symbol():
    fig = landmarks.forest_figure()
    symbols = {t.name: set(t.marker.symbol) for t in fig.data if t.visible is True}
    assert symbols["Medial branch"] == {"circle", "circle-open"}
    assert symbols["Intermediate branch"] == {"diamond"}
    assert symbols["Lateral branch"] == {"square"}


def test_forest_keeps_the_left_margin_for_both_references():
    margins = {landmarks.forest_figure(ref).layout.margin.l for ref in landmarks.REFERENCES}
    assert margins == {landmarks.FOREST_LEFT}


def test_forest_table_has_every_row_midline_first():
    _, rows = landmarks.forest_figure().table
    data = landmarks.load()
    assert len(rows) == len(data)
    references = [row[3] for row in rows]
    assert references == sorted(references, key=lambda f: f != "midline")


# ---------------------------------------------------------------------------- app


def test_map_app_responds_to_its_controls():
    app = landmarks.app()
    before = app.figure.to_plotly_json()
    app.controls["study"].value = "Lu 1998"
    assert app.figure.to_plotly_json() != before
    assert _labels(app.figure) == ["Lu 1998 · n=15"]
    app.controls["tunnel"].value = True
    assert _trace(app.figure, TUNNEL).visible is True
    app.controls["nerves"].value = False
    assert _trace(app.figure, NERVES).visible is False
    app.controls["back_mice"].value = True
    assert _trace(app.figure, BACK_MICE).visible is True


def test_forest_app_responds_to_its_control():
    app = landmarks.app("forest")
    assert "midline" in app.figure.layout.xaxis.title.text
    app.controls["reference"].value = "psis"
    assert "PSIS" in app.figure.layout.xaxis.title.text


@pytest.mark.parametrize("which", ["map", "forest"])
def test_live_figures_have_no_static_controls(which):
    app = landmarks.app(which)
    assert not app.figure.layout.updatemenus
    assert not app.figure.layout.sliders


def test_app_labels_are_whole():
    forest = landmarks.app("forest").controls["reference"]
    assert [label for label, _ in forest.options] == ["From the midline", "From the PSIS"]
    assert forest.style.description_width == "initial"
    layers = landmarks.app().controls
    assert [layers[n].description for n in ("nerves", "tunnel", "back_mice")] == [
        "Nerves",
        "Tunnel zone",
        "Back-mouse area",
    ]
    assert [label for label, _ in layers["study"].options] == [landmarks.ALL, *STUDIES]


BUTTONS_JS = """(plot) => Array.from(plot.querySelectorAll('g.updatemenu-button[role=button]'))
  .map(b => ({name: b.getAttribute('aria-label'), pressed: b.getAttribute('aria-pressed'),
              face: getComputedStyle(b.querySelector('rect')).fill,
              ink: getComputedStyle(b.querySelector('text')).fill,
              text: b.querySelector('text').textContent}))"""


def _rgb_text(colour: str) -> tuple[int, ...]:
    """``rgb(r, g, b)`` as computed by the browser, as a 0-255 triple."""
    return tuple(int(float(v)) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])


@pytest.mark.parametrize("setting", ["desktop-light", "desktop-dark", "phone"])
def test_map_toggles_show_their_state_in_the_page(setting, book_url, setting_context):
    """In the drawn map, pressing a toggle flips aria-pressed, adds the check mark and
    changes its face by at least 3:1; its text stays at least 4.5:1 on either face."""
    from conftest import contrast

    from tools.browser import wait_for_figures

    page = setting_context(setting).new_page()
    page.goto(f"{book_url}/chapters/02-cluneal-nerves.html", wait_until="load")
    wait_for_figures(page)
    plot = page.locator(".js-plotly-plot:has(g.updatemenu-button[role=button])")
    assert plot.count() == 1, "the map's toggles are exposed as buttons"
    before = plot.evaluate(BUTTONS_JS)
    assert len(before) >= 3
    for k, old in enumerate(before):
        plot.locator("g.updatemenu-button").nth(k).click(force=True)
        page.wait_for_function(
            "([plot, k, was]) => plot.querySelectorAll('g.updatemenu-button')[k]"
            ".getAttribute('aria-pressed') !== was",
            arg=[plot.element_handle(), k, old["pressed"]],
        )
        new = plot.evaluate(BUTTONS_JS)[k]
        assert new["name"] == old["name"]
        assert {old["pressed"], new["pressed"]} == {"true", "false"}
        on, off = (new, old) if new["pressed"] == "true" else (old, new)
        assert on["text"] == f"✓ {on['name']}" and off["text"] == off["name"]
        assert contrast(_rgb_text(on["face"]), _rgb_text(off["face"])) >= 3
        for state in (on, off):
            assert contrast(_rgb_text(state["ink"]), _rgb_text(state["face"])) >= 4.5
    page.close()
