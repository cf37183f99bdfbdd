// Visit check-in (R-CUS-6, R-X-7): fills the hidden latitude/longitude fields from the
// browser's geolocation, only when the user presses the button and allows it.
(function () {
  "use strict";
  function setup(box) {
    var button = box.querySelector("[data-xg-geo-button]");
    var status = box.querySelector("[data-xg-geo-status]");
    var lat = box.querySelector("input[name=latitude]");
    var lng = box.querySelector("input[name=longitude]");
    if (!button || !lat || !lng) return;
    button.addEventListener("click", function () {
      if (!("geolocation" in navigator)) {
        status.textContent = status.dataset.msgUnsupported;
        return;
      }
      status.textContent = status.dataset.msgWait;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lng.value = pos.coords.longitude.toFixed(6);
          status.textContent = status.dataset.msgOk + " (" + lat.value + ", " + lng.value + ")";
          status.dataset.state = "ok";
          button.disabled = false;
        },
        function () {
          lat.value = "";
          lng.value = "";
          status.textContent = status.dataset.msgDenied;
          status.dataset.state = "denied";
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  function init() {
    document.querySelectorAll("[data-xg-geo]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
