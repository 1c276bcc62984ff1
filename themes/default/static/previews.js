// Hover and focus previews of internal links: the target page's title, date and
// summary, read from the page itself (its <h1>, first <time> and meta description).
// A citation previews its full references (which its title attribute holds without
// JavaScript). Without JavaScript the links simply work as links.
(function () {
  "use strict";
  var cache = new Map();
  var tip = null;
  var current = null;
  var timer = 0;

  // A citation's preview is headed by the theme's word for it, in the page's language
  // (written on <body> as `data-words` where it is not this English).
  function sourceWord() {
    try {
      var words = JSON.parse(document.body.getAttribute("data-words") || "{}");
      if (typeof words.source === "string" && words.source) return words.source;
    } catch (e) { /* English */ }
    return "Source";
  }

  function isInternal(a) {
    if (!a.href || a.target || a.hasAttribute("download")) return false;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return false;
    if (url.pathname === location.pathname) return false;
    return /\/$|\.html$/.test(url.pathname);
  }

  function load(href) {
    var key = href.split("#")[0];
    if (!cache.has(key)) {
      cache.set(key, fetch(key, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var h1 = doc.querySelector("main h1");
          var time = doc.querySelector("main .meta time");
          var desc = doc.querySelector('meta[name="description"]');
          return {
            title: h1 ? h1.textContent.trim() : doc.title,
            date: time ? time.textContent.trim() : "",
            summary: desc ? desc.getAttribute("content") : ""
          };
        })
        .catch(function () { cache.delete(key); return null; }));
    }
    return cache.get(key);
  }

  function hide() {
    clearTimeout(timer);
    if (current) current.removeAttribute("aria-describedby");
    if (tip) tip.hidden = true;
    current = null;
  }

  function show(a) {
    var found = a.classList.contains("citation")
      ? Promise.resolve({ title: sourceWord(), date: "", summary: a.dataset.reference || "" })
      : load(a.href);
    found.then(function (info) {
      if (!info || current !== a) return;
      if (!tip) {
        tip = document.createElement("div");
        tip.id = "link-preview";
        tip.className = "link-preview";
        tip.setAttribute("role", "tooltip");
        document.body.appendChild(tip);
      }
      tip.textContent = "";
      var t = document.createElement("strong");
      t.textContent = info.title;
      tip.appendChild(t);
      if (info.date) {
        var d = document.createElement("span");
        d.className = "preview-date";
        d.textContent = info.date;
        tip.appendChild(d);
      }
      if (info.summary) {
        var p = document.createElement("p");
        p.textContent = info.summary;
        tip.appendChild(p);
      }
      var r = a.getBoundingClientRect();
      tip.hidden = false;
      var top = window.scrollY + r.bottom + 8;
      var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
      tip.style.top = top + "px";
      tip.style.left = left + "px";
      a.setAttribute("aria-describedby", "link-preview");
    });
  }

  function schedule(e) {
    var a = e.target.closest && e.target.closest("main a[href]");
    if (!a || a === current) return;
    var cite = a.classList.contains("citation");
    if (!cite && (!isInternal(a) || a.closest(".site-header, .pagination"))) return;
    // The preview replaces the browser's own tooltip.
    if (cite && a.title) {
      a.dataset.reference = a.title;
      a.removeAttribute("title");
    }
    hide();
    current = a;
    timer = setTimeout(function () { show(a); }, e.type === "focusin" ? 0 : 350);
  }

  function leave(e) {
    if (current && (!e.relatedTarget || !current.contains(e.relatedTarget))) hide();
  }

  document.addEventListener("mouseover", schedule);
  document.addEventListener("focusin", schedule);
  document.addEventListener("mouseout", function (e) { if (e.target.closest && e.target.closest("a") === current) leave(e); });
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
})();
