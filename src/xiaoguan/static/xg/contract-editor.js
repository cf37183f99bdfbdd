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

// A product picked in the search results (catalog:product_search) fills the first empty line,
// or a copy of the last line: product, its base unit, its specification, quantity 1.
document.addEventListener("click", function (event) {
  var item = event.target.closest ? event.target.closest("[data-product]") : null;
  var body = document.getElementById("contract-lines");
  if (!item || !body) { return; }
  event.preventDefault();
  var data = JSON.parse(item.getAttribute("data-product"));
  var rows = body.querySelectorAll("[data-xg-row]");
  var row = null;
  for (var i = 0; i < rows.length && !row; i++) {
    if (!rows[i].querySelector("select[name=line_product]").value) { row = rows[i]; }
  }
  if (!row && rows.length) {
    row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    body.appendChild(row);
  }
  if (!row) { return; }
  row.querySelector("select[name=line_product]").value = String(data.id);
  row.querySelector("select[name=line_unit]").value = String(data.unit_id);
  var spec = row.querySelector("input[name=line_spec]");
  if (spec && !spec.value) { spec.value = data.spec || ""; }
  var quantity = row.querySelector("input[name=line_quantity]");
  if (quantity && !quantity.value) { quantity.value = "1"; }
  var results = document.getElementById("product-results");
  if (results) { results.innerHTML = ""; }
  row.closest("form").dispatchEvent(new Event("change", { bubbles: true }));
});

// Enter in the product search looks products up instead of saving the draft.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-testid=product-search]")) {
    event.preventDefault();
  }
});
