/* The roadmap board: move an initiative by dragging its card onto a quarter column (or the backlog), or with
 * the keyboard on a focused card (Left / Right: a quarter earlier or later; B: to the backlog; Right on a
 * backlog card: into the first quarter).
 *
 * A move is an htmx POST to the card's data-move-url (with the page's filters in its query string) carrying
 * the quarter's first day and the version the card was rendered with; the server keeps the span and answers
 * the board and backlog re-rendered, which replace #roadmap-work in place, the moved card keeping the focus.
 * A stale version (409) or a refusal (400) comes back as text and is shown above the board; nothing moves.
 * Without this file every card still links to its edit page, where the quarters are chosen from lists.
 */
(function () {
  "use strict";

  var dragged = null;
  var highlighted = null;

  function editableBoard() {
    return document.querySelector("[data-roadmap][data-editable]");
  }
  if (!editableBoard()) return;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function showError(text) {
    var alertBox = document.getElementById("roadmap-alert");
    if (!alertBox) { window.alert(text); return; }
    alertBox.textContent = text;
    alertBox.classList.remove("d-none");
    alertBox.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  // Cards lie over the column backgrounds, so look through everything under the pointer for a drop zone.
  function zoneAt(x, y) {
    var stack = document.elementsFromPoint(x, y);
    for (var i = 0; i < stack.length; i++) {
      if (stack[i].hasAttribute && stack[i].hasAttribute("data-drop-quarter")) return stack[i];
    }
    return null;
  }

  function highlight(zone) {
    if (highlighted === zone) return;
    if (highlighted) highlighted.classList.remove("rm-drop-target");
    highlighted = zone;
    if (zone) zone.classList.add("rm-drop-target");
  }

  function move(card, quarter) {
    var id = card.getAttribute("data-initiative");
    var url = card.getAttribute("data-move-url") + window.location.search;
    card.setAttribute("aria-busy", "true");
    if (!window.htmx) {
      showError("The page is still loading; try the move again in a moment.");
      card.removeAttribute("aria-busy");
      return;
    }
    window.htmx.ajax("POST", url, {
      source: card,
      target: "#roadmap-work",
      swap: "outerHTML",
      headers: { "X-CSRFToken": csrfToken() },
      values: { start_quarter: quarter, version: card.getAttribute("data-version") }
    }).then(function () {
      var moved = document.getElementById("initiative-" + id);
      if (moved) moved.focus({ preventScroll: false });
    });
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    var card = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".rm-card");
    if (!card) return;
    card.removeAttribute("aria-busy");
    var xhr = event.detail.xhr;
    showError((xhr && xhr.responseText) || ("The initiative could not be moved (error " + (xhr ? xhr.status : "?") + ")."));
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    var card = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".rm-card");
    if (!card) return;
    card.removeAttribute("aria-busy");
    showError("The move could not be saved (no connection). Try again, or open the initiative and pick its quarter.");
  });

  // "YYYY-MM-DD" of a quarter's first day, `months` later (or earlier when negative).
  function shifted(iso, months) {
    var parts = iso.split("-");
    var index = parseInt(parts[0], 10) * 12 + (parseInt(parts[1], 10) - 1) + months;
    var year = Math.floor(index / 12), month = index % 12 + 1;
    return year + "-" + (month < 10 ? "0" : "") + month + "-01";
  }

  document.addEventListener("keydown", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("rm-card") || !card.hasAttribute("data-move-url")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || card.getAttribute("aria-busy") === "true") return;
    var start = card.getAttribute("data-start");
    var target = null;
    if (event.key === "ArrowLeft" && start) target = shifted(start, -3);
    else if (event.key === "ArrowRight" && start) target = shifted(start, 3);
    else if (event.key === "ArrowRight" && !start) {
      var first = document.querySelector(".rm-quarter[data-drop-quarter]");
      target = first ? first.getAttribute("data-drop-quarter") : null;
    } else if ((event.key === "b" || event.key === "B") && start) target = "";
    if (target === null) return;
    event.preventDefault();
    move(card, target);
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".rm-card[draggable='true']");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-initiative"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    highlight(null);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var zone = zoneAt(event.clientX, event.clientY);
    highlight(zone);
    if (zone) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    var zone = zoneAt(event.clientX, event.clientY);
    var card = dragged;
    highlight(null);
    if (!zone) return;
    event.preventDefault();
    var quarter = zone.getAttribute("data-drop-quarter");
    if (quarter === "" && card.closest("#backlog-cards")) return; // already in the backlog
    move(card, quarter);
  });
})();
