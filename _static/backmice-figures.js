/* Back Mice book: each figure follows the reader's setting.
 *
 * A book figure (<figure class="bm-figure">, written by widgets/render.py) carries:
 *   data-dark    the light colours it uses, each with the colour that replaces it when
 *                the page is dark (widgets/style.py DARK, plus the figure's own);
 *   data-narrow  (optional) the same figure laid out for a phone-sized container,
 *                with its own generated controls;
 *   data-config  plotly's options for the figure.
 * When a figure has settled, its data-variant says which it shows ("wide light",
 * "narrow dark", ...).
 * Dark mode swaps the colours in the figure as it stands, so the reader's menu and
 * slider choices stay. Crossing the narrow width swaps the whole layout (and resets
 * the controls to the first view), so it only happens on load, rotation or resize.
 */
(function () {
  "use strict";

  var NARROW_BELOW = 600; // px of container width
  var TRIES = 200; // wait up to 20 s for plotly.js to draw a figure

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function invert(map) {
    var out = {};
    Object.keys(map).forEach(function (key) { out[map[key]] = key; });
    return out;
  }

  /* A deep copy of a plain value with every string found in ``map`` replaced. */
  function swap(value, map) {
    if (typeof value === "string") {
      return Object.prototype.hasOwnProperty.call(map, value) ? map[value] : value;
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return swap(item, map); });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        if (key.charAt(0) !== "_") out[key] = swap(value[key], map);
      });
      return out;
    }
    return value;
  }

  function read(figure, name) {
    var text = figure.getAttribute("data-" + name);
    return text ? JSON.parse(text) : null;
  }

  function wantsNarrow(figure) {
    return figure.hasAttribute("data-narrow") && figure.clientWidth < NARROW_BELOW;
  }

  /* Bring one drawn figure to the wanted (dark, narrow) state. */
  function update(figure) {
    var plot = figure.querySelector(".js-plotly-plot");
    if (!plot || !plot._fullLayout || !window.Plotly) return false;
    var want = { dark: isDark(), narrow: wantsNarrow(figure) };
    var have = figure._bmState || { dark: false, narrow: false };
    var label = (want.narrow ? "narrow " : "wide ") + (want.dark ? "dark" : "light");
    if (want.dark === have.dark && want.narrow === have.narrow) {
      figure.dataset.variant = label; // settled: tests and print wait for this
      return true;
    }
    var colours = read(figure, "dark") || {};
    var config = read(figure, "config") || {};
    var next;
    if (want.narrow !== have.narrow) {
      if (!figure._bmWide) {
        figure._bmWide = swap({ data: plot.data, layout: plot.layout },
                              have.dark ? invert(colours) : {});
      }
      next = want.narrow ? read(figure, "narrow") : figure._bmWide;
      if (want.dark) next = swap(next, colours);
    } else {
      next = swap({ data: plot.data, layout: plot.layout },
                  want.dark ? colours : invert(colours));
    }
    if (want.narrow) config.displayModeBar = false; // no modebar over a phone's title
    figure._bmState = want;
    if (next.layout.height) {
      // plotly.py wraps the plot in a div of the wide figure's height: both follow.
      plot.style.height = plot.parentElement.style.height = next.layout.height + "px";
    }
    delete figure.dataset.variant;
    window.Plotly.react(plot, next.data, next.layout, config).then(function () {
      if (figure._bmState === want) figure.dataset.variant = label;
    });
    return true;
  }

  function updateAll() {
    document.querySelectorAll("figure.bm-figure").forEach(update);
  }

  function whenDrawn(figure, tries) {
    if (update(figure) || tries <= 0) return;
    setTimeout(function () { whenDrawn(figure, tries - 1); }, 100);
  }

  function start() {
    var figures = document.querySelectorAll("figure.bm-figure");
    if (!figures.length) return;
    figures.forEach(function (figure) { whenDrawn(figure, TRIES); });
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
