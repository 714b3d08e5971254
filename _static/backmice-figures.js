/* Back Mice book: draws each figure for the reader's colour scheme and width.
 *
 * A book figure (<figure class="bm-figure">, written by widgets/render.py) holds an
 * empty plot box and, in <script type="application/json" class="bm-spec">, the figure:
 *   data, layout  plotly's figure as drawn on the desktop;
 *   config        plotly's options;
 *   dark          the light colours it uses, each with its dark-mode colour;
 *   phone         (optional) the phone patch (widgets/phone.py): "swap", display texts
 *                 and their phone wording ("label": menu texts, "text": the others),
 *                 and "set", {path: [phone value, desktop value]} for layout
 *                 ("layout.height") and trace ("data[2].mode") paths.
 * Each figure is drawn once, already in the wanted variant, when it comes within
 * 400 px of the screen; plotly.js itself is loaded then, the first time. Before
 * printing, or when a tool calls window.backmiceFigures.drawAll(), all are drawn at
 * once. So a phone is not kept busy with figures nobody has reached yet. When the
 * colour scheme changes, or the figure's width crosses 600 px, the figure as it stands
 * is changed in place, so the reader's menu and slider choices stay. When a figure has settled, its
 * data-variant says which it shows ("wide light", "narrow dark", ...).
 */
(function () {
  "use strict";

  var NARROW_BELOW = 600; // px of figure width (widgets/phone.py WIDTH)
  // plotly.js, loaded when the first figure is about to show (data-plotly, set by _ext)
  var PLOTLY = document.currentScript && document.currentScript.getAttribute("data-plotly");
  var waiting = null; // figures to draw once plotly.js has arrived
  var TEXT_KEYS = ["text", "ticktext", "name", "label", "prefix"];

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function invert(map) {
    var out = {};
    Object.keys(map).forEach(function (key) { out[map[key]] = key; });
    return out;
  }

  /* Which map a string under ``key`` takes: every string ``map`` itself; with
   * ``groups`` ({label, text}) only display texts, menu labels (key "label") from
   * groups.label and other texts (TEXT_KEYS, or "a.b.text") from groups.text. */
  function mapFor(map, groups, key) {
    if (!groups) return map;
    var last = (key || "").split(".").pop();
    if (TEXT_KEYS.indexOf(last) < 0) return null;
    return last === "label" ? groups.label : groups.text;
  }

  /* A deep copy of a plain value with every string found in its map replaced. */
  function swap(value, map, groups, key) {
    if (typeof value === "string") {
      var found = mapFor(map, groups, key);
      return found && Object.prototype.hasOwnProperty.call(found, value) ? found[value] : value;
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return swap(item, map, groups, key); });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (name) {
        if (name.charAt(0) !== "_") out[name] = swap(value[name], map, groups, name);
      });
      return out;
    }
    return value;
  }

  /* Set ``path`` ("layout.updatemenus[0].type", "data[2].mode") in ``figure``; null
   * removes it. */
  function setPath(figure, path, value) {
    var parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    var target = figure;
    for (var i = 0; i < parts.length - 1; i++) {
      if (target[parts[i]] == null) target[parts[i]] = {};
      target = target[parts[i]];
    }
    var last = parts[parts.length - 1];
    if (value === null) delete target[last]; else target[last] = value;
  }

  /* ``figure`` ({data, layout}, a copy) changed from the state ``have`` to ``want``. */
  function transform(figure, spec, have, want) {
    var phone = spec.phone;
    if (phone && want.narrow !== have.narrow) {
      var groups = want.narrow ? phone.swap : {
        label: invert(phone.swap.label), text: invert(phone.swap.text)
      };
      figure = swap(figure, null, groups);
      Object.keys(phone.set).forEach(function (path) {
        setPath(figure, path, phone.set[path][want.narrow ? 0 : 1]);
      });
    }
    if (want.dark !== have.dark) {
      figure = swap(figure, want.dark ? spec.dark : invert(spec.dark));
    }
    return figure;
  }

  function wanted(figure, spec) {
    return { dark: isDark(), narrow: !!spec.phone && figure.clientWidth < NARROW_BELOW };
  }

  function label(state) {
    return (state.narrow ? "narrow " : "wide ") + (state.dark ? "dark" : "light");
  }

  /* Tell assistive technology which buttons of a row of buttons (plotly draws them as
   * SVG) are pressed: role "button" and aria-pressed from the menu's active entry (a
   * toggle's active is 0 when on, -1 when off), named without the on mark "\u2713 ". */
  function exposeButtonState(plot) {
    var menus = (plot.layout && plot.layout.updatemenus) || [];
    var groups = plot.querySelectorAll("g.updatemenu-header-group");
    menus.forEach(function (menu, m) {
      if (menu.type !== "buttons" || !groups[m]) return;
      var active = menu.active == null ? 0 : menu.active;
      groups[m].querySelectorAll("g.updatemenu-button").forEach(function (button, k) {
        var name = ((menu.buttons[k] || {}).label || "").replace(/^\u2713 /, "");
        button.setAttribute("role", "button");
        button.setAttribute("aria-label", name);
        button.setAttribute("aria-pressed", String(k === active));
      });
    });
  }

  /* Draw (or redraw in place) one figure in the wanted variant. */
  function update(figure) {
    var spec = figure._bmSpec;
    var plot = figure.querySelector(".bm-plot");
    var want = wanted(figure, spec);
    var have = figure._bmState;
    if (have && have.dark === want.dark && have.narrow === want.narrow) return;
    var drawn = have ? { data: plot.data, layout: plot.layout }
                     : { data: spec.data, layout: spec.layout };
    var next = transform(swap(drawn, {}), spec, have || { dark: false, narrow: false },
                         want);
    var config = Object.assign({}, spec.config);
    if (want.narrow) config.displayModeBar = false; // no modebar over a phone's title
    figure._bmState = want;
    delete figure.dataset.variant;
    plot.style.height = next.layout.height + "px";
    var draw = have ? window.Plotly.react : window.Plotly.newPlot;
    draw(plot, next.data, next.layout, config).then(function () {
      if (!have) plot.on("plotly_afterplot", function () { exposeButtonState(plot); });
      exposeButtonState(plot);
      if (figure._bmState === want) figure.dataset.variant = label(want);
    });
  }

  /* Redraw the figures already drawn (the others are drawn right when they show). */
  function updateAll() {
    document.querySelectorAll("figure.bm-figure").forEach(function (figure) {
      if (figure._bmState) update(figure);
    });
  }

  /* Call ``then`` once plotly.js is there, loading it the first time it is needed. */
  function withPlotly(then) {
    if (window.Plotly || !PLOTLY) return then();
    if (waiting) return waiting.push(then);
    waiting = [then];
    var script = document.createElement("script");
    script.src = PLOTLY;
    script.onload = function () { waiting.forEach(function (call) { call(); }); };
    document.head.appendChild(script);
  }

  /* Draw ``figure`` unless it is drawn or on its way (its spec is read then). */
  function draw(figure) {
    var holder = figure.querySelector("script.bm-spec");
    if (figure._bmSpec || !holder) return;
    figure._bmSpec = JSON.parse(holder.textContent);
    withPlotly(function () { update(figure); });
  }

  function drawAll() {
    document.querySelectorAll("figure.bm-figure").forEach(draw);
  }

  function start() {
    var figures = document.querySelectorAll("figure.bm-figure");
    if (!figures.length) return;
    window.backmiceFigures = { drawAll: drawAll };
    window.addEventListener("beforeprint", drawAll);
    if (!window.IntersectionObserver) {
      drawAll();
    } else {
      var near = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) { near.unobserve(entry.target); draw(entry.target); }
        });
      }, { rootMargin: "400px 0px" });
      figures.forEach(function (figure) { near.observe(figure); });
    }
    new MutationObserver(updateAll).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-theme"]
    });
    if (window.ResizeObserver) {
      var pending = null;
      var observer = new ResizeObserver(function () {
        clearTimeout(pending);
        pending = setTimeout(updateAll, 150);
      });
      figures.forEach(function (figure) { observer.observe(figure); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
