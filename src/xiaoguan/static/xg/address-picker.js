// Address picker: province → city → district <select>s (progressive enhancement, no inline
// scripts). Markup:
//   <div data-xg-address data-xg-division-url="/customers/divisions/options/">
//     <select name="province" data-xg-division="province">…</select>
//     <select name="city" data-xg-division="city">…</select>
//     <select name="district" data-xg-division="district">…</select>
//   </div>
// Choosing a province loads its cities (GET url?parent=<code>, <option> elements) and empties
// the district; choosing a city loads its districts. Each select keeps its own first, blank
// option (rendered by the page, in the page's language). Without this script the selects still
// submit and the server checks the path.
(function () {
  "use strict";

  var NEXT = { province: "city", city: "district" };

  function blankOption(select) {
    var first = select.options.length ? select.options[0] : null;
    if (first && first.value === "") {
      return first.cloneNode(true);
    }
    var option = document.createElement("option");
    option.value = "";
    option.textContent = "—";
    return option;
  }

  // Each load or reset takes a new token, so that a late answer for an older choice is dropped.
  function bump(select) {
    var token = String((Number(select.getAttribute("data-xg-division-token")) || 0) + 1);
    select.setAttribute("data-xg-division-token", token);
    return token;
  }

  function reset(select) {
    bump(select);
    select.removeAttribute("aria-busy");
    var blank = blankOption(select);
    blank.selected = true;
    select.replaceChildren(blank);
  }

  function load(container, select, parent) {
    var url = container.getAttribute("data-xg-division-url");
    if (!url) {
      return;
    }
    var token = bump(select);
    select.setAttribute("aria-busy", "true");
    var sep = url.indexOf("?") === -1 ? "?" : "&";
    fetch(url + sep + "parent=" + encodeURIComponent(parent), {
      credentials: "same-origin",
      headers: { "HX-Request": "true" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (select.getAttribute("data-xg-division-token") !== token) {
          return; // a later choice superseded this answer
        }
        var holder = document.createElement("select");
        holder.innerHTML = html;
        // keep the page's own blank option (its language), then the answer's real options
        var options = Array.prototype.filter.call(holder.options, function (option) {
          return option.value !== "";
        });
        select.replaceChildren.apply(select, [blankOption(select)].concat(options));
        select.value = "";
        select.dispatchEvent(new Event("xg:divisions-loaded", { bubbles: true }));
      })
      .catch(function () {
        // leave the select as it is; the server validates whatever is submitted
      })
      .finally(function () {
        if (select.getAttribute("data-xg-division-token") === token) {
          select.removeAttribute("aria-busy");
        }
      });
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || !select.getAttribute) {
      return;
    }
    var level = select.getAttribute("data-xg-division");
    var container = select.closest ? select.closest("[data-xg-address]") : null;
    if (!container || !NEXT[level]) {
      return;
    }
    var child = container.querySelector('[data-xg-division="' + NEXT[level] + '"]');
    var grandchild = NEXT[NEXT[level]]
      ? container.querySelector('[data-xg-division="' + NEXT[NEXT[level]] + '"]')
      : null;
    if (grandchild) {
      reset(grandchild);
    }
    if (!child) {
      return;
    }
    reset(child);
    if (select.value) {
      load(container, child, select.value);
    }
  });
})();
