/*
 * Back Mice book: make the visible sidebar buttons work (loaded with `defer`).
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
 * Remove this file once the themes bind every copy.
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
  function patch() {
    forwardClicks(".primary-toggle");
    forwardClicks(".secondary-toggle");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", patch);
  } else {
    patch();
  }
})();
