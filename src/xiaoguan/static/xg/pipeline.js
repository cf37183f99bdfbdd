// Pipeline board: drag a card to another stage column (or pick a stage on a phone); won and
// lost ask for a note / the reason in a dialog. No inline scripts (content security policy).
(function () {
  "use strict";
  var board = document.getElementById("xg-pipeline");
  if (!board || !board.getAttribute("data-can-edit")) { return; }
  var moveUrl = board.getAttribute("data-move-url");
  var csrf = board.getAttribute("data-csrf");
  var errorBox = document.getElementById("xg-pipeline-error");
  var modalEl = document.getElementById("xg-close-modal");
  var closeForm = document.getElementById("xg-close-form");
  var closeError = document.getElementById("xg-close-error");
  var pending = null; // {card, stage} waiting for the won/lost dialog
  var dragged = null;

  function urlFor(id) { return moveUrl.replace(/\/0\/move\/$/, "/" + id + "/move/"); }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.remove("d-none");
    window.scrollTo(0, 0);
  }

  function post(card, stage, extra) {
    var body = new FormData();
    body.append("stage", stage);
    body.append("version", card.getAttribute("data-version"));
    Object.keys(extra || {}).forEach(function (k) { body.append(k, extra[k]); });
    return fetch(urlFor(card.getAttribute("data-id")), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  function messageOf(data) {
    var parts = [data.message || ""];
    Object.keys(data.fields || {}).forEach(function (k) {
      (data.fields[k] || []).forEach(function (m) { if (parts.indexOf(m) < 0) { parts.push(m); } });
    });
    return parts.filter(Boolean).join(" ");
  }

  function putBack(card, home) {
    if (home && home.parent && card.parentNode !== home.parent) { home.parent.insertBefore(card, home.next); }
  }

  function move(card, stage, home) {
    if (!stage || stage === card.getAttribute("data-stage")) { return; }
    if (stage === "won" || stage === "lost") {
      pending = { card: card, stage: stage };
      modalEl.setAttribute("data-stage", stage);
      closeForm.reset();
      closeError.classList.add("d-none");
      window.bootstrap.Modal.getOrCreateInstance(modalEl).show();
      return;
    }
    board.setAttribute("aria-busy", "true");
    post(card, stage, {}).then(function (result) {
      if (result.ok) { window.location.reload(); return; }
      board.removeAttribute("aria-busy");
      putBack(card, home);
      showError(messageOf(result.data));
    }).catch(function () {
      board.removeAttribute("aria-busy");
      putBack(card, home);
      showError(errorBox.getAttribute("data-offline"));
    });
  }

  if (closeForm) {
    closeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!pending) { return; }
      var extra = { note: closeForm.elements.note.value };
      if (pending.stage === "lost") { extra.lost_reason = closeForm.elements.lost_reason.value; }
      post(pending.card, pending.stage, extra).then(function (result) {
        if (result.ok) { window.location.reload(); return; }
        closeError.textContent = messageOf(result.data);
        closeError.classList.remove("d-none");
      });
    });
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".xg-opp-card") : null;
    if (!card) { return; }
    dragged = card;
    card.classList.add("xg-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("xg-dragging"); }
    board.querySelectorAll(".xg-drag-over").forEach(function (el) { el.classList.remove("xg-drag-over"); });
  });

  function targetOf(event) {
    return event.target.closest ? event.target.closest(".xg-pipeline-column, .xg-drop-zone") : null;
  }
  board.addEventListener("dragover", function (event) {
    var target = targetOf(event);
    if (!target || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("xg-drag-over");
  });
  board.addEventListener("dragleave", function (event) {
    var target = targetOf(event);
    if (target && !target.contains(event.relatedTarget)) { target.classList.remove("xg-drag-over"); }
  });
  board.addEventListener("drop", function (event) {
    var target = targetOf(event);
    if (!target || !dragged) { return; }
    event.preventDefault();
    target.classList.remove("xg-drag-over");
    var card = dragged;
    dragged = null;
    var stage = target.getAttribute("data-stage");
    var home = { parent: card.parentNode, next: card.nextSibling };
    if (target.classList.contains("xg-pipeline-column") && stage !== card.getAttribute("data-stage")) {
      var list = target.querySelector(".xg-pipeline-cards");
      if (list) { list.insertBefore(card, list.firstChild); }
    }
    move(card, stage, home);
  });

  // Phones: a stage picker on each card instead of dragging.
  board.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.classList || !select.classList.contains("xg-pipeline-move")) { return; }
    var card = select.closest(".xg-opp-card");
    var stage = select.value;
    select.value = "";
    move(card, stage);
  });
})();
