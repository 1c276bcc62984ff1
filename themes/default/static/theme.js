// The dark mode switch in the header: shown only where scripts run, remembered in
// localStorage (read again before the first paint by an inline script in <head>).
(function () {
  "use strict";
  var root = document.documentElement;
  var item = document.querySelector(".theme-switch");
  var button = document.querySelector(".theme-toggle");
  if (!item || !button) return;
  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  function current() {
    return root.dataset.theme || (dark.matches ? "dark" : "light");
  }

  function show() {
    button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
  }

  function apply(theme) {
    // syntax.css and style.css follow data-theme.
    root.dataset.theme = theme;
    try { localStorage.setItem("dossier-theme", theme); } catch (e) { /* private mode: not remembered */ }
    show();
  }

  button.addEventListener("click", function () {
    apply(current() === "dark" ? "light" : "dark");
  });
  dark.addEventListener("change", show);
  item.hidden = false;
  show();
})();
