// Line, schedule and clause editors of contracts: remove a row (no inline scripts: CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-xg-remove-row]") : null;
  if (!button) { return; }
  event.preventDefault();
  var row = button.closest("[data-xg-row]");
  var form = button.form || (row && row.closest("form"));
  if (row) { row.remove(); }
  if (form) { form.dispatchEvent(new Event("change", { bubbles: true })); }
});
