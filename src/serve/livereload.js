// dossier serve: reloads the page when it changes, keeping the scroll position; swaps
// changed stylesheets without a reload; shows build errors over the page.
(function () {
  "use strict";
  var key = "dossier-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = Number(saved);
    var restore = function () { window.scrollTo(0, y); };
    restore();
    document.addEventListener("DOMContentLoaded", restore);
    window.addEventListener("load", restore);
  }

  function here(paths) {
    var p = location.pathname;
    return paths.indexOf(p) >= 0 || paths.indexOf(p.replace(/index\.html$/, "")) >= 0;
  }

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  function swapStyles(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (paths.indexOf(url.pathname) >= 0) {
        url.searchParams.set("dossier-reload", String(Date.now()));
        links[i].href = url.href;
      }
    }
  }

  var overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "dossier-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        // Opaque: the page's own text showing through made the message hard to read.
        "background:#141414;color:#f5f5f5;font:14px/1.5 ui-monospace,monospace";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ff8a80";
      title.textContent = "dossier: the last change did not build. Hide this to see the last good version.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Hide";
      close.style.cssText = "position:absolute;top:1rem;right:1rem";
      close.addEventListener("click", hideError);
      overlay.appendChild(close);
      overlay.appendChild(title);
      overlay.appendChild(pre);
    }
    overlay.lastChild.textContent = text;
    if (!overlay.parentNode) document.body.appendChild(overlay);
  }
  function hideError() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
  }

  var source = new EventSource("/__dossier/events");
  source.addEventListener("built", function (e) {
    var msg = JSON.parse(e.data);
    hideError();
    if (msg.navigate && msg.navigate !== location.pathname) {
      location.href = msg.navigate;
      return;
    }
    var paths = msg.paths || [];
    // Scripts, images and fonts may be on this page; feeds and data files are not.
    var assets = paths.filter(function (p) { return /\.(js|mjs|png|jpe?g|gif|svg|webp|avif|woff2?)$/i.test(p); });
    if (msg.all || assets.length > 0 || here(paths)) {
      reload();
      return;
    }
    swapStyles(paths.filter(function (p) { return /\.css$/.test(p); }));
  });
  source.addEventListener("failed", function (e) {
    showError(JSON.parse(e.data).message);
  });
})();
