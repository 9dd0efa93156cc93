/* The roadmap board: drag an initiative card onto a quarter column (or the backlog) to move it.
 *
 * The move is a POST to the card's data-move-url with the quarter's first day and the version the page was
 * rendered with; the server keeps the span. On success the page reloads (the server's message says where it
 * went); a stale version (409) or a refusal (400) is shown above the board and nothing moves. Without this
 * file every card still links to its edit page, where the quarters are chosen from lists.
 */
(function () {
  "use strict";

  var board = document.querySelector("[data-roadmap][data-editable]");
  if (!board) return;
  var alertBox = document.getElementById("roadmap-alert");
  var dragged = null;
  var highlighted = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function showError(text) {
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

  function move(card, quarter, label) {
    var body = new URLSearchParams();
    body.set("start_quarter", quarter);
    body.set("version", card.getAttribute("data-version"));
    card.setAttribute("aria-busy", "true");
    return fetch(card.getAttribute("data-move-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken()
      },
      body: body.toString()
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.ok) {
          window.location.reload();
          return;
        }
        card.removeAttribute("aria-busy");
        showError(data.error || ("Could not move the initiative to " + label + " (error " + response.status + ")."));
      });
    }).catch(function () {
      card.removeAttribute("aria-busy");
      showError("The move could not be saved (no connection). Try again, or open the initiative and pick its quarter.");
    });
  }

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
    move(card, quarter, zone.getAttribute("data-quarter-label") || quarter);
  });
})();
