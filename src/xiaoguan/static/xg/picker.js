// Search picker (core/_search_picker.html, core.web.widgets.SearchPicker): a text box that
// asks the server for matching records as the user types (debounced), lists up to 20, and
// keeps the chosen id in a hidden input. Keyboard: ↓/↑ move, Enter chooses, Esc closes.
// Typing without choosing and leaving the box brings the last choice back; emptying the box
// and leaving it clears the choice. No inline scripts (content security policy); loaded once
// however many pickers a page has.
(function () {
  "use strict";
  if (window.xgPicker) {
    return;
  }
  window.xgPicker = true;

  var DELAY = 250;
  // What the user typed into the rest of a form that a picker reloads (see ``stash``); xg.js
  // puts it back on the page that opens, which may have no picker any more.
  var STASH = "xg-picker-form:";

  function parts(root) {
    return {
      root: root,
      value: root.querySelector("[data-xg-picker-value]"),
      input: root.querySelector("[data-xg-picker-input]"),
      clear: root.querySelector("[data-xg-picker-clear]"),
      list: root.querySelector("[data-xg-picker-list]"),
      status: root.querySelector("[data-xg-picker-status]")
    };
  }

  function state(p) {
    if (!p.root.xgPicker) {
      p.root.xgPicker = {
        timer: null,
        token: 0,
        active: -1,
        chosenId: p.value.value,
        chosenLabel: p.value.value ? p.input.value : ""
      };
    }
    return p.root.xgPicker;
  }

  function say(p, key) {
    p.status.textContent = key ? p.status.getAttribute("data-" + key) || "" : "";
  }

  function close(p) {
    p.list.hidden = true;
    p.list.replaceChildren();
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
    state(p).active = -1;
  }

  function options(p) {
    return p.list.querySelectorAll("[role=option]");
  }

  function highlight(p, index) {
    var all = options(p);
    if (!all.length) {
      return;
    }
    var s = state(p);
    s.active = (index + all.length) % all.length;
    all.forEach(function (el, i) {
      var on = i === s.active;
      el.classList.toggle("active", on);
      el.setAttribute("aria-selected", on ? "true" : "false");
      if (on) {
        p.input.setAttribute("aria-activedescendant", el.id);
        el.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function commit(p, id, label) {
    var s = state(p);
    var changed = p.value.value !== id;
    s.chosenId = id;
    s.chosenLabel = label;
    p.value.value = id;
    p.input.value = label;
    p.clear.hidden = !id && !label;
    close(p);
    say(p, "");
    if (changed && p.root.hasAttribute("data-xg-picker-reload")) {
      // the page's other choices depend on this one: open it again for the chosen record,
      // keeping what was already typed into the form
      stash(p);
      var params = new URLSearchParams(window.location.search);
      if (id) {
        params.set(p.value.name, id);
      } else {
        params.delete(p.value.name);
      }
      var query = params.toString();
      window.location.assign(window.location.pathname + (query ? "?" + query : ""));
      return;
    }
    if (changed) {
      p.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function stash(p) {
    var form = p.root.closest("form");
    if (!form || !window.sessionStorage || !window.xgFormCarried) {
      return;
    }
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!window.xgFormCarried(el)) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        values.push([el.name, el.value, el.checked]);
      } else {
        values.push([el.name, el.value, null]);
      }
    });
    try {
      sessionStorage.setItem(
        STASH + window.location.pathname,
        JSON.stringify({ field: p.value.name, values: values })
      );
    } catch (e) {
      // storage full or refused: the reload simply starts from the server's form
    }
  }

  function render(p, data) {
    var items = (data && data.items) || [];
    var base = p.list.id;
    p.list.replaceChildren();
    items.forEach(function (item, i) {
      var el = document.createElement("button");
      el.type = "button";
      el.id = base + "-" + i;
      el.className = "list-group-item list-group-item-action xg-picker-option";
      el.setAttribute("role", "option");
      el.setAttribute("aria-selected", "false");
      el.setAttribute("tabindex", "-1");
      el.setAttribute("data-id", String(item.id));
      el.setAttribute("data-label", item.label);
      el.setAttribute("data-testid", "picker-option");
      var label = document.createElement("span");
      label.textContent = item.label;
      el.appendChild(label);
      if (item.detail) {
        var detail = document.createElement("small");
        detail.className = "text-muted ms-2";
        detail.textContent = item.detail;
        el.appendChild(detail);
      }
      p.list.appendChild(el);
    });
    p.list.hidden = !items.length;
    p.input.setAttribute("aria-expanded", items.length ? "true" : "false");
    state(p).active = -1;
    say(p, items.length ? (data.more ? "more" : "") : "none");
  }

  function search(p) {
    var s = state(p);
    var q = p.input.value.trim();
    var token = ++s.token;
    if (q.length < 2 && !(q.length === 1 && /[^\x00-\x7f]/.test(q))) {
      close(p);
      say(p, q ? "short" : "");
      return;
    }
    var url = p.root.getAttribute("data-xg-picker-url");
    var sep = url.indexOf("?") === -1 ? "?" : "&";
    p.root.setAttribute("aria-busy", "true");
    fetch(url + sep + "q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (token === s.token && document.activeElement === p.input) {
          render(p, data);
        }
      })
      .catch(function () {
        if (token === s.token) {
          close(p);
          say(p, "failed");
        }
      })
      .finally(function () {
        if (token === s.token) {
          p.root.removeAttribute("aria-busy");
        }
      });
  }

  function pickerOf(el) {
    var root = el && el.closest ? el.closest("[data-xg-picker]") : null;
    return root ? parts(root) : null;
  }

  // the state (the choice to come back to) is taken before the first key changes the box
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-xg-picker-input]")) {
      state(pickerOf(event.target));
    }
  });

  document.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches("[data-xg-picker-input]")) {
      return;
    }
    var p = pickerOf(event.target);
    var s = state(p);
    // what is typed is not a choice yet: the form must not post the old id with a new text
    p.value.value = "";
    p.clear.hidden = !p.input.value && !s.chosenId;
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { search(p); }, DELAY);
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("[data-xg-picker-input]")) {
      return;
    }
    var p = pickerOf(event.target);
    var s = state(p);
    var open = !p.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        search(p);
        return;
      }
      highlight(p, s.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      if (open) {
        event.preventDefault(); // choosing must not submit the form
        var all = options(p);
        var el = all[s.active >= 0 ? s.active : 0];
        if (el && (s.active >= 0 || all.length === 1)) {
          commit(p, el.getAttribute("data-id"), el.getAttribute("data-label"));
        }
      } else if (!p.value.value && p.input.value.trim()) {
        event.preventDefault(); // a typed text that is not a choice yet: search, don't submit
        search(p);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close(p);
      }
    }
  });

  // pointerdown keeps the focus in the box, so the blur below does not undo the choice
  document.addEventListener("pointerdown", function (event) {
    var el = event.target.closest ? event.target.closest(".xg-picker-option") : null;
    if (el) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest(".xg-picker-option") : null;
    if (el) {
      commit(pickerOf(el), el.getAttribute("data-id"), el.getAttribute("data-label"));
      return;
    }
    var clear = event.target.closest ? event.target.closest("[data-xg-picker-clear]") : null;
    if (clear) {
      var p = pickerOf(clear);
      commit(p, "", "");
      p.input.focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (!event.target.matches || !event.target.matches("[data-xg-picker-input]")) {
      return;
    }
    var p = pickerOf(event.target);
    var s = state(p);
    clearTimeout(s.timer);
    s.token++; // a late answer must not reopen the list
    if (!p.input.value.trim()) {
      commit(p, "", "");
    } else if (!p.value.value) {
      commit(p, s.chosenId, s.chosenLabel); // typed without choosing: the last choice again
    } else {
      close(p);
    }
  });
})();
