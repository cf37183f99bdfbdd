// Xiaoguan's own script: no inline scripts anywhere (content security policy).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.classList && el.classList.contains("xg-autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest ? event.target.closest("[data-xg-confirm]") : null;
  if (el && !window.confirm(el.getAttribute("data-xg-confirm"))) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
document.addEventListener("click", function (event) {
  var el = event.target.closest ? event.target.closest("[data-xg-print]") : null;
  if (el) { event.preventDefault(); window.print(); }
});
