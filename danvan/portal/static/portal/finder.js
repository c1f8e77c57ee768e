// The commune finder's "use my position": the browser's position goes in the form's hidden
// fields and the form is sent. Without JavaScript or geolocation the button stays hidden.
(function () {
  "use strict";
  document.querySelectorAll("form.portal-finder").forEach(function (form) {
    var button = form.querySelector("[data-locate]");
    var status = form.querySelector("[data-locate-status]");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
          form.querySelector("input[name=lon]").value = position.coords.longitude.toFixed(6);
          form.querySelector("input[name=q]").value = "";
          form.submit();
        },
        function () {
          status.textContent = button.dataset.refused || "";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  });
})();
