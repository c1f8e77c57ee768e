// The citizen's feedback form: show the legal fields of the chosen kind, and fill the
// hidden coordinates with the browser's position when the citizen asks for it.
// Without JavaScript every field shows and the position is simply not sent.
(function () {
  "use strict";
  var form = document.getElementById("feedback-form");
  if (!form) {
    return;
  }

  // Complaint and denunciation fields show only for their kind.
  var sections = form.querySelectorAll("[data-kind]");
  function showKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "";
    sections.forEach(function (section) {
      section.hidden = section.getAttribute("data-kind") !== kind;
    });
  }
  form.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();

  // The position sent with the message: the device's, on request only (never on page load),
  // or a place tapped on the map (static/js/place-map.js, where a tile server is set).
  var use = document.getElementById("use-location");
  var clear = document.getElementById("clear-location");
  var status = document.getElementById("location-status");
  var lat = form.elements.namedItem("latitude");
  var lon = form.elements.namedItem("longitude");
  if (!use || !lat || !lon) {
    return;
  }
  function showPosition() {
    var has = lat.value !== "" && lon.value !== "";
    clear.hidden = !has;
    status.textContent = has ? use.getAttribute("data-done") + " " + lat.value + ", " + lon.value : "";
  }
  function changed() {
    lat.dispatchEvent(new Event("change", { bubbles: true }));
  }
  lat.addEventListener("change", showPosition);
  clear.addEventListener("click", function () {
    lat.value = "";
    lon.value = "";
    changed();
    if (!use.hidden) {
      use.focus();
    }
  });
  showPosition();
  if (!("geolocation" in navigator)) {
    return;
  }
  use.hidden = false;
  use.addEventListener("click", function () {
    status.textContent = use.getAttribute("data-waiting");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        changed();
      },
      function () {
        status.textContent = use.getAttribute("data-failed");
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
