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

// A search picker that reloads its form (static/xg/picker.js) saved what the user had typed
// into the rest of the form; put it back on the page that opens, once. Lives here because
// that page may no longer have a picker (the chosen customer becomes a fixed field).
(function () {
  "use strict";
  var STASH = "xg-picker-form:";

  // The fields a reload carries: not the server's (hidden, CSRF), files, passwords, or any
  // picker's own (their ids come back in the address or from the server). picker.js uses it.
  function carried(el) {
    return (
      el.name &&
      !el.disabled &&
      el.type !== "hidden" &&
      el.type !== "file" &&
      el.type !== "password" &&
      !(el.tagName === "SELECT" && el.multiple) &&
      !el.closest("[data-xg-picker]")
    );
  }

  // A value the new page no longer offers (a contract of the customer chosen before) is left
  // as the server set it.
  function restore() {
    if (!window.sessionStorage) {
      return;
    }
    var key = STASH + window.location.pathname;
    var raw = sessionStorage.getItem(key);
    if (!raw) {
      return;
    }
    sessionStorage.removeItem(key); // once, whatever this page turns out to be
    var saved;
    try {
      saved = JSON.parse(raw);
    } catch (e) {
      return;
    }
    if (!saved || !saved.field || !Array.isArray(saved.values)) {
      return;
    }
    // the form that carries the chosen record again (as a picker, or as a fixed field)
    var anchor = document.querySelector('form [name="' + CSS.escape(saved.field) + '"]');
    var form = anchor ? anchor.closest("form") : null;
    if (!form) {
      return;
    }
    saved.values.forEach(function (v) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== v[0] || !carried(el)) {
          return;
        }
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === v[1]) {
            el.checked = v[2];
          }
        } else if (el.tagName === "SELECT") {
          if (Array.prototype.some.call(el.options, function (o) { return o.value === v[1]; })) {
            el.value = v[1];
          }
        } else {
          el.value = v[1];
        }
      });
    });
  }

  window.xgFormCarried = carried;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else {
    restore();
  }
})();
