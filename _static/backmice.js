/*
 * Back Mice book: page behaviour the themes lack (loaded with `defer`).
 *
 * 1. The visible sidebar buttons work.
 *
 * pydata-sphinx-theme 0.17.1 binds its "open the sidebar" handlers with
 * document.querySelector(".primary-toggle") and (".secondary-toggle"), i.e. to the
 * FIRST button of each kind. sphinx-book-theme 1.3.0 hides that first copy (it sits in
 * the theme's own header) and shows its own buttons in the article header, so the
 * visible ☰ and "contents" buttons did nothing; sphinx-book-theme's desktop collapse
 * of the sidebar is bound to the same hidden copy. Upstream: pydata-sphinx-theme
 * issue 2451. No released pair of versions fixes it for Sphinx 7 (sphinx-book-theme
 * 1.4.0, which needs Sphinx 8.2, still binds the first copy).
 *
 * The patch forwards a click on any other copy to the bound one, so whatever the
 * themes do there happens: on a phone the table of contents (☰) or "On this page"
 * (contents button) opens as a dialog; on a wide screen ☰ collapses the sidebar.
 * Remove this part once the themes bind every copy.
 *
 * 2. A table too wide for its column says so. Wide tables scroll sideways inside their
 * own box (_static/backmice.css); on a phone most do, and the cut edge alone is easy
 * to miss. Each box that can scroll gets the class `bm-scrolls` and a line above it,
 * "Scroll sideways for more →", kept up to date when the window is resized.
 *
 * 3. On a phone, choosing a section in the "On this page" (or site navigation) dialog
 * closes the dialog, so the chosen section shows. The theme then gives focus back to
 * the button that opened the dialog, which also pops up that button's tooltip over
 * the header; focus goes on to the chosen section's heading instead, so a keyboard or
 * screen-reader user lands where they asked and no tooltip stays behind.
 *
 * 4. A solution's title ("Solution to Exercise 1 (...)", sphinx-exercise) opens and
 * closes the solution (sphinx-togglebutton 0.4.5), but most of it is a link to the
 * exercise: a tap there jumped away and threw "ReferenceError: button is not defined"
 * (togglebutton.js finds no button for a click on a link). Such a tap now toggles
 * the solution, as a tap anywhere else on the title does.
 */
(function () {
  "use strict";
  function forwardClicks(selector) {
    var buttons = document.querySelectorAll(selector);
    var bound = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (copy) {
      copy.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
        copy.blur();
      });
    });
  }
  var TABLE_BOXES = ".bd-content .pst-scrollable-table-container, .bm-table-wrap";
  function markScrollableTables() {
    document.querySelectorAll(TABLE_BOXES).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var hint = box.previousElementSibling;
      var hasHint = hint && hint.classList.contains("bm-scroll-hint");
      box.classList.toggle("bm-scrolls", scrolls);
      if (scrolls && !hasHint) {
        hint = document.createElement("p");
        hint.className = "bm-scroll-hint";
        hint.textContent = "Scroll sideways for more \u2192";
        box.parentNode.insertBefore(hint, box);
      } else if (!scrolls && hasHint) {
        hint.remove();
      }
    });
  }
  function closeDialogOnChoice(event) {
    var link = event.target.closest && event.target.closest("dialog[open] a[href*='#']");
    if (!link || link.origin + link.pathname !== location.origin + location.pathname) return;
    var dialog = link.closest("dialog");
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    dialog.addEventListener("close", function () {
      setTimeout(function () {  /* after the theme's own close handler */
        if (!target) return;
        var heading = target.matches("h1, h2, h3, h4") ? target
          : target.querySelector("h1, h2, h3, h4") || target;
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        target.scrollIntoView();
        heading.focus({ preventScroll: true });
      }, 0);
    }, { once: true });
    dialog.close();
  }
  function toggleFromTitleLink(event) {
    var link = event.target.closest && event.target.closest(".toggle > .admonition-title a");
    var button = link && link.parentElement.querySelector(".toggle-button");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    button.click();
  }
  function patch() {
    document.addEventListener("click", closeDialogOnChoice);
    document.addEventListener("click", toggleFromTitleLink, true);
    forwardClicks(".primary-toggle");
    forwardClicks(".secondary-toggle");
    markScrollableTables();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(markScrollableTables, 150);
    });
    document.addEventListener("toggle", markScrollableTables, true);  // data panels opened
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", patch);
  } else {
    patch();
  }
})();
