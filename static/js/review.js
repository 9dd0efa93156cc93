/* The on-site review page: keyboard shortcuts on a laptop, conflict cards shown in place, the current
 * category kept in view in its bar, and a photo uploaded as soon as it is chosen (one tap on a tablet).
 *   A / M / N  answer the focused card (aligned / misaligned / not applicable), then move to the next card
 *   J / K      focus the next / previous card
 * Keys typed into a field (the note, the file input) are left alone. The page works without this file.
 */
(function () {
  "use strict";

  var advanceFrom = null;

  // The category bar scrolls sideways; bring the current category to its middle (the bar only, never the page).
  function showCurrentCategory() {
    var bar = document.querySelector("#category-nav .category-pills");
    var current = bar && bar.querySelector(".nav-link.active");
    if (!current) return;
    var item = current.closest("li") || current;
    bar.scrollLeft = Math.max(0, item.offsetLeft - bar.offsetLeft - (bar.clientWidth - item.offsetWidth) / 2);
  }

  // Choosing (or taking) a photo sends it: the form's own submit, which htmx turns into the upload.
  function uploadOnChoose() {
    document.querySelectorAll(".evidence-form").forEach(function (form) {
      form.classList.add("js-upload-on-choose");
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('.evidence-form input[type="file"]') || !input.files.length) return;
    var form = input.form;
    // A card htmx has just swapped in may not have its handlers yet: bind them first, or the photo would
    // go as a plain form post and reload the page.
    if (window.htmx) window.htmx.process(form);
    if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
  });

  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-answer-card]"));
  }

  function currentCard() {
    var el = document.activeElement;
    return el && el.closest ? el.closest("[data-answer-card]") : null;
  }

  function focusCard(card) {
    if (!card) return;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function move(step) {
    var all = cards();
    if (!all.length) return;
    var index = all.indexOf(currentCard());
    var next = index === -1 ? (step > 0 ? 0 : all.length - 1) : index + step;
    if (next >= 0 && next < all.length) focusCard(all[next]);
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && el.type !== "button" && el.type !== "submit")
      || el.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    if (key === "a" || key === "m" || key === "n") {
      var card = currentCard();
      if (!card) return;
      var button = card.querySelector('[data-shortcut="' + key + '"]');
      if (!button) return;
      event.preventDefault();
      advanceFrom = card.id;
      button.click();
    }
  });

  // A stale save (409) or a refused one (400) answers with the card explaining why: show it in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The swapped card is a new element: give the focus back (or to the next card after a keyboard answer).
  document.addEventListener("htmx:afterSettle", function (event) {
    uploadOnChoose();
    showCurrentCategory();
    var target = event.detail.elt;
    var id = target && target.id;
    if (!id || id.indexOf("answer-") !== 0) return;
    var card = document.getElementById(id);
    if (!card) return;
    if (advanceFrom === id && !card.querySelector("[data-conflict], [data-error]")) {
      advanceFrom = null;
      var all = cards();
      var index = all.indexOf(card);
      focusCard(all[index + 1] || card);
    } else if (advanceFrom === id) {
      advanceFrom = null;
      focusCard(card);
    }
  });

  uploadOnChoose();
  showCurrentCategory();
})();
