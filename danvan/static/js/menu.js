// A header menu folds into its button on a phone. Without this script the button stays
// hidden and the menu is listed in full; with it, the button shows at narrow widths
// (see danvan.css), says whether the menu is open (aria-expanded) and Escape closes it.
(function () {
  "use strict";
  function setUp(button) {
    const panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-folded", !open);
    }
    show(false);
    button.hidden = false;
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }
  document.querySelectorAll("button[data-menu-toggle]").forEach(setUp);
})();
