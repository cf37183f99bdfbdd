// Quote line editor (progressive enhancement): "add a line" clones an empty row, "x" clears
// and hides a row (a row without a product is not saved). Without JavaScript the page shows
// three empty rows and works the same.
(function () {
  "use strict";
  function init() {
    var body = document.getElementById("quote-lines");
    var add = document.getElementById("quote-line-add");
    if (!body || !add) return;
    add.classList.remove("d-none");
    add.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr.xg-quote-line");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.classList.remove("d-none");
      copy.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      copy.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      copy.querySelector(".xg-line-preview").textContent = "";
      copy.setAttribute("hx-trigger", "change");
      body.appendChild(copy);
      if (window.htmx) window.htmx.process(copy);
    });
    body.addEventListener("click", function (event) {
      var button = event.target.closest(".xg-line-remove");
      if (!button) return;
      var row = button.closest("tr");
      row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      row.classList.add("d-none");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
