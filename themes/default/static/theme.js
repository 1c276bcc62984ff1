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
    root.dataset.theme = theme;
    var links = document.querySelectorAll('link[href$="syntax-light.css"],link[href$="syntax-dark.css"]');
    for (var i = 0; i < links.length; i++) {
      links[i].media = links[i].href.indexOf("syntax-" + theme) >= 0 ? "all" : "not all";
    }
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
