/* Behaviour every page shares, kept out of the HTML so the Content-Security-Policy allows no inline script
 * or style (docs/operations.md "Production settings"):
 *  - <form data-confirm="question"> asks before it submits;
 *  - <input type="checkbox" data-select-all="name"> ticks or clears every checkbox named `name`;
 *  - sizes and grid places the server computes: data-width-percent, data-grid-column, data-grid-row and
 *    data-quarters (the roadmap board's column count), set through the CSSOM, which the policy permits.
 * Content htmx swaps in gets the same treatment (htmx:load).
 */
(function () {
  "use strict";

  var GRID = /^[0-9]+( *\/ *(span +)?[0-9]+)?$/;

  function place(root) {
    root.querySelectorAll("[data-width-percent]").forEach(function (el) {
      var pct = Number(el.getAttribute("data-width-percent"));
      if (isFinite(pct)) { el.style.width = Math.max(0, Math.min(100, pct)) + "%"; }
    });
    root.querySelectorAll("[data-grid-column], [data-grid-row]").forEach(function (el) {
      var column = el.getAttribute("data-grid-column"), row = el.getAttribute("data-grid-row");
      if (column && GRID.test(column)) { el.style.gridColumn = column; }
      if (row && GRID.test(row)) { el.style.gridRow = row; }
    });
    root.querySelectorAll("[data-quarters]").forEach(function (el) {
      var n = parseInt(el.getAttribute("data-quarters"), 10);
      if (n > 0) { el.style.setProperty("--rm-quarters", String(n)); }
    });
  }

  // The element htmx swapped in and everything inside it.
  function wrap(el) {
    return {querySelectorAll: function (selector) {
      var found = Array.prototype.slice.call(el.querySelectorAll(selector));
      if (el.matches(selector)) { found.unshift(el); }
      return found;
    }};
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) { return; }
    var name = box.getAttribute("data-select-all");
    document.querySelectorAll("input[type=checkbox]").forEach(function (b) {
      if (b.name === name) { b.checked = box.checked; }
    });
  });

  document.addEventListener("htmx:load", function (event) { place(wrap(event.target)); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { place(document); });
  } else {
    place(document);
  }
})();
