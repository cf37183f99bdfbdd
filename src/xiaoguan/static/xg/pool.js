// Public pool list: a "select all" box ticks every customer box of the bulk form.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box || !box.matches || !box.matches("[data-xg-check-all]")) {
    return;
  }
  var name = box.getAttribute("data-xg-check-all");
  var form = box.form || document;
  form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (el) {
    el.checked = box.checked;
  });
});
