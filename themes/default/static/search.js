// Search over the static index under search/ (see src/render/search.rs for its format).
// Without scripts the header's "Search" is a link to the tag index; with them it opens a
// dialog. Files are fetched as a query needs them: index.json, one shard of terms per
// word, for each result shown its record out of a bundle (two byte ranges), and
// filters.json only when filtering.
(function () {
  "use strict";
  var link = document.querySelector("a.search-link[data-index]");
  if (!link || typeof HTMLDialogElement !== "function") return;
  var base = link.getAttribute("data-index");
  var PER_PAGE = 10;
  // Split as the index was: runs of letters and digits, lower case, two or more long.
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;

  var cache = new Map();
  function load(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(base + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      }));
    }
    return cache.get(path);
  }

  // A result's record, from the bundle of index.bundle consecutive ids holding it:
  // search/docs/<k>.bin starts with little-endian u32 offsets (one per id, then the end),
  // and each record is JSON compressed with raw DEFLATE. The header is fetched once per
  // bundle, then each record's bytes, with Range requests; a server that ignores Range
  // answers 200 with the whole bundle, which is kept and sliced instead. A record's
  // range is asked for only if the bundle is still the one its header came from
  // (If-Range, with a strong ETag): one rewritten since (dossier serve after an edit, a
  // new deploy) comes whole, and its own header is read.
  var bundles = new Map();
  var records = new Map();

  // Bytes [from, to) of a file, if it is still the version `etag` names: { whole: false,
  // bytes } from a 206, or { whole: true, bytes } with the whole file from a 200; with
  // the file's ETag if it is a strong one.
  async function range(path, from, to, etag) {
    var headers = { Range: "bytes=" + from + "-" + (to - 1) };
    if (etag) headers["If-Range"] = etag;
    var r = await fetch(base + path, { headers: headers });
    var tag = r.headers.get("ETag");
    tag = tag && !tag.startsWith("W/") ? tag : null;
    if (r.status === 206) {
      var part = await r.arrayBuffer();
      if (part.byteLength !== to - from) throw new Error(path + ": a range of the wrong length");
      return { whole: false, bytes: part, etag: tag };
    }
    if (!r.ok) throw new Error(path + ": " + r.status);
    return { whole: true, bytes: await r.arrayBuffer(), etag: tag };
  }

  // Takes what a request for bundle `b` brought: its offsets (n + 1 of them; a whole
  // file's header says how many) and, if it came whole, the file to slice records from.
  function use(b, r, n) {
    var view = new DataView(r.bytes);
    if (r.whole) n = view.getUint32(0, true) / 4 - 1;
    if (!(Number.isInteger(n) && n >= 0 && 4 * (n + 1) <= r.bytes.byteLength)) throw new Error(b.path + ": no header");
    b.offsets = [];
    for (var i = 0; i <= n; i++) b.offsets.push(view.getUint32(4 * i, true));
    b.whole = r.whole ? r.bytes : null;
    b.etag = r.etag;
  }

  function bundle(k, index) {
    if (!bundles.has(k)) {
      var n = Math.min(index.bundle, index.ids - k * index.bundle);
      var b = { path: "docs/" + k + ".bin" };
      bundles.set(k, range(b.path, 0, 4 * (n + 1)).then(function (r) {
        use(b, r, n);
        return b;
      }));
    }
    return bundles.get(k);
  }

  async function fetchRecord(id, index) {
    var b = await bundle(Math.floor(id / index.bundle), index);
    var i = id % index.bundle;
    if (!b.whole) {
      if (!(b.offsets[i] < b.offsets[i + 1])) throw new Error("no record for " + id);
      var r = await range(b.path, b.offsets[i], b.offsets[i + 1], b.etag);
      if (!r.whole) return inflate(r.bytes);
      use(b, r);
    }
    if (!(b.offsets[i] < b.offsets[i + 1])) throw new Error("no record for " + id);
    return inflate(b.whole.slice(b.offsets[i], b.offsets[i + 1]));
  }

  function record(id) {
    if (!records.has(id)) {
      records.set(id, load("index.json").then(function (index) { return fetchRecord(id, index); }));
    }
    return records.get(id);
  }

  async function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return JSON.parse(await new Response(stream).text());
  }

  // A word of three or more Hangul syllables is asked for as its pairs of adjacent
  // syllables, which the index holds beside whole words (see terms_of in search.rs):
  // Korean attaches particles to words, so "북한군" must find "북한군이" and "북한군은".
  var HANGUL = /^[\uAC00-\uD7A3]{3,}$/;

  function words(text) {
    var out = [];
    var seen = new Set();
    var add = function (w) {
      if (!seen.has(w)) {
        seen.add(w);
        out.push(w);
      }
    };
    for (var m of text.toLowerCase().matchAll(WORD)) {
      var w = m[0];
      var chars = Array.from(w);
      if (chars.length < 2) continue;
      if (HANGUL.test(w)) {
        for (var i = 0; i + 1 < chars.length; i++) add(chars[i] + chars[i + 1]);
      } else {
        add(w);
      }
    }
    return out;
  }

  // The shard holding the terms a word can match, as src/render/search.rs assigns them:
  // FNV-1a of the UTF-8 of its first two characters, modulo the number of shards.
  function shardOf(word, shards) {
    var prefix = Array.from(word).slice(0, 2).join("");
    var h = 0x811c9dc5;
    for (var b of new TextEncoder().encode(prefix)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h % shards;
  }

  function decode(deltas) {
    var ids = [];
    var id = 0;
    for (var i = 0; i < deltas.length; i++) ids.push((id += deltas[i]));
    return ids;
  }

  // Documents matching one word, as a prefix of their terms, with a BM25-like score:
  // rarer terms count more, and a whole-word match beats a prefix.
  async function scoresFor(word, index) {
    var scores = new Map();
    var shard = await load("terms/" + shardOf(word, index.shards) + ".json");
    for (var term in shard) {
      if (!term.startsWith(word)) continue;
      var postings = shard[term];
      var idf = Math.log(1 + index.docs / (postings.length / 2));
      var exact = term === word ? 1 : 0.6;
      var doc = 0;
      for (var i = 0; i < postings.length; i += 2) {
        doc += postings[i];
        var w = postings[i + 1];
        var s = idf * exact * (w / (w + 1.2));
        if (!(scores.get(doc) >= s)) scores.set(doc, s);
      }
    }
    return scores;
  }

  // Every document matching all the words and the filters, best first.
  async function query(text, filters) {
    var index = await load("index.json");
    var ws = words(text);
    if (ws.length === 0) return { words: ws, ids: [] };
    var per = await Promise.all(ws.map(function (w) { return scoresFor(w, index); }));
    per.sort(function (a, b) { return a.size - b.size; });
    var allowed = null;
    if (filters && (filters.section !== "" || filters.tag !== "")) {
      var f = await load("filters.json");
      var sets = [];
      if (filters.section !== "") sets.push(new Set(decode(f.sections[+filters.section] || [])));
      if (filters.tag !== "") sets.push(new Set(decode(f.tags[+filters.tag] || [])));
      allowed = function (d) { return sets.every(function (s) { return s.has(d); }); };
    }
    var hits = [];
    for (var [doc, score] of per[0]) {
      var total = score;
      var all = true;
      for (var i = 1; i < per.length && all; i++) {
        var s = per[i].get(doc);
        if (s === undefined) all = false;
        else total += s;
      }
      if (all && (!allowed || allowed(doc))) hits.push([doc, total]);
    }
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { words: ws, ids: hits.map(function (h) { return h[0]; }) };
  }

  // The words around the first match, with each match marked.
  function excerpt(text, ws) {
    var tokens = Array.from(text.matchAll(WORD));
    var matches = function (t) {
      var lower = t[0].toLowerCase();
      return ws.some(function (w) { return lower.startsWith(w); });
    };
    var first = tokens.findIndex(matches);
    var frag = document.createDocumentFragment();
    if (tokens.length === 0) return frag;
    var hit = first < 0 ? 0 : first;
    // Blocks (headings, paragraphs, items, cells) are separated by line breaks in the
    // text. Start at the block of the first match when it begins near it, and show each
    // boundary as " · ", so a heading never runs into the paragraph after it.
    var from = Math.max(0, hit - 12);
    var blockStart = text.lastIndexOf("\n", tokens[hit].index) + 1;
    while (from < hit && tokens[from].index < blockStart) from++;
    var to = Math.min(tokens.length - 1, from + 36);
    var start = tokens[from].index;
    var end = tokens[to].index + tokens[to][0].length;
    var plain = function (s) { return s.replace(/\s*\n\s*/g, " · "); };
    if (from > 0) frag.append("… ");
    var at = start;
    for (var i = from; i <= to; i++) {
      var t = tokens[i];
      if (!matches(t)) continue;
      frag.append(plain(text.slice(at, t.index)));
      var mark = document.createElement("mark");
      mark.textContent = t[0];
      frag.append(mark);
      at = t.index + t[0].length;
    }
    frag.append(plain(text.slice(at, end)));
    if (end < text.length) frag.append(" …");
    return frag;
  }

  // "20 Nov 2024", as the theme's lists write dates (`%-d %b %Y`), whatever the browser's
  // locale would order; only the month's name follows the page's language.
  function formatDate(iso) {
    var d = new Date(iso + "T00:00:00Z");
    if (isNaN(d)) return iso;
    var month = d.toLocaleDateString(document.documentElement.lang || undefined, { month: "short", timeZone: "UTC" });
    return d.getUTCDate() + " " + month + " " + d.getUTCFullYear();
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function result(doc, ws) {
    var li = el("li");
    var h = el("h3");
    h.append(el("a", { href: doc.u }, doc.t));
    li.append(h);
    var meta = el("p", { class: "search-meta" });
    if (doc.d) meta.append(el("time", { datetime: doc.d }, formatDate(doc.d)));
    if (doc.s) meta.append((doc.d ? " · " : "") + doc.s);
    if (doc.g.length) {
      var tags = el("span", { class: "search-tags" });
      doc.g.forEach(function (g) { tags.append(el("span", { class: "chip" }, g)); });
      meta.append(" ", tags);
    }
    li.append(meta);
    var p = el("p", { class: "search-excerpt" });
    p.append(excerpt(doc.x, ws));
    li.append(p);
    return li;
  }

  // The dialog, made once on first use.
  var dialog, input, section, tag, status, list, more;
  var found = { words: [], ids: [] };
  var shown = 0;
  var generation = 0;

  function option(value, label) {
    return el("option", { value: value }, label);
  }

  // The dialog's words in the page's language, which the theme writes on <body>
  // (`data-words`) where they differ from the English below (dossier's test
  // `render::words::tests::the_scripts_english_is_dossiers` holds the two together).
  // Not `words`: that is the tokenizer above, which this would replace.
  var labels = {};
  try { labels = JSON.parse(document.body.getAttribute("data-words") || "{}"); } catch (e) { labels = {}; }
  function say(key, english) { return typeof labels[key] === "string" && labels[key] ? labels[key] : english; }
  function counted(count) {
    var forms = labels.results || {};
    var category = "other";
    try { category = new Intl.PluralRules(forms.lang || "en").select(count); } catch (e) { /* other */ }
    var text = forms[category] || forms.other || (count === 1 ? "{count} result" : "{count} results");
    return text.replace("{count}", count);
  }

  function build() {
    dialog = el("dialog", { class: "search-dialog", "aria-label": word });
    var form = el("form", { role: "search", class: "search-form" });
    input = el("input", { id: "search-q", type: "search", autocomplete: "off", spellcheck: "false",
      placeholder: say("placeholder", "Words or beginnings of words") });
    var label = el("label", { for: "search-q" }, say("label", "Search analyses"));
    section = el("select", { id: "search-section" });
    tag = el("select", { id: "search-tag" });
    section.append(option("", say("all_sections", "All sections")));
    tag.append(option("", say("all", "All")));
    var filters = el("div", { class: "search-filters" });
    var sl = el("label", {}, say("section", "Section") + " ");
    sl.append(section);
    var tl = el("label", { class: "search-tag-filter" }, say("tag", "Tag") + " ");
    tl.append(tag);
    filters.append(sl, tl);
    var close = el("button", { type: "button", class: "search-close" }, say("close", "Close"));
    form.append(label, input, filters);
    status = el("p", { class: "search-status", role: "status", "aria-live": "polite" });
    list = el("ol", { class: "search-results" });
    more = el("button", { type: "button", class: "search-more", hidden: "" }, say("more", "More results"));
    dialog.append(close, form, status, list, more);
    document.body.append(dialog);

    load("index.json").then(function (index) {
      index.sections.forEach(function (s, i) { section.append(option(String(i), s)); });
      if (index.tags.name) {
        var name = say("tags", index.tags.name.charAt(0).toUpperCase() + index.tags.name.slice(1));
        tl.firstChild.textContent = name + " ";
        tag.firstChild.textContent = say("all_tags", "All {taxonomy}").replace("{taxonomy}", index.tags.name);
        index.tags.terms.forEach(function (t, i) { tag.append(option(String(i), t)); });
      } else {
        tl.hidden = true;
      }
    }).catch(function () { status.textContent = say("unavailable", "The search index could not be loaded."); });

    input.addEventListener("input", run);
    section.addEventListener("change", run);
    tag.addEventListener("change", run);
    more.addEventListener("click", function () { showMore(generation); });
    close.addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    // Arrow keys walk the results from the box.
    dialog.addEventListener("keydown", function (e) {
      // The browser closes a modal dialog on Escape too, but not always (a dialog opened
      // without a click, in some browsers); closing twice is harmless.
      if (e.key === "Escape") { dialog.close(); return; }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.from(list.querySelectorAll("a"));
      if (links.length === 0) return;
      var at = links.indexOf(document.activeElement);
      var next = e.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { input.focus(); e.preventDefault(); return; }
      if (next < links.length) { links[next].focus(); e.preventDefault(); }
    });
    // A click on the backdrop closes.
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
  }

  async function run() {
    var mine = ++generation;
    var text = input.value;
    if (words(text).length === 0) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      return;
    }
    try {
      var r = await query(text, { section: section.value, tag: tag.value });
      if (mine !== generation) return;
      found = r;
      shown = 0;
      list.replaceChildren();
      await showMore(mine);
    } catch (e) {
      if (mine === generation) status.textContent = say("failed", "Search failed: {error}").replace("{error}", e.message);
    }
  }

  async function showMore(mine) {
    var ids = found.ids.slice(shown, shown + PER_PAGE);
    var docs = await Promise.all(ids.map(record));
    if (mine !== generation) return;
    docs.forEach(function (d) { list.append(result(d, found.words)); });
    shown += docs.length;
    var n = found.ids.length;
    status.textContent = n === 0 ? say("none", "No results.") : counted(n) +
      (shown < n ? say("showing", ", showing {shown}.").replace("{shown}", shown) : ".");
    more.hidden = shown >= n;
  }

  function open() {
    if (!dialog) build();
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
  }

  // The header's own word for it, which a site may translate (`dossier_search`).
  var word = link.textContent.trim() || "Search";
  var button = el("button", { type: "button", class: "search-toggle", "aria-haspopup": "dialog",
    "aria-keyshortcuts": "/ Control+K Meta+K", title: word + " (/)" }, word);
  button.addEventListener("click", open);
  link.replaceWith(button);
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if ((e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) ||
        (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey))) {
      e.preventDefault();
      open();
    }
  });

  // For tests and benchmarks: the ranked results of a query, with their titles, URLs and
  // excerpts as the first page of results shows them.
  window.dossierSearch = async function (text, filters) {
    var r = await query(text, filters || { section: "", tag: "" });
    var docs = await Promise.all(r.ids.slice(0, PER_PAGE).map(record));
    return {
      total: r.ids.length,
      titles: docs.map(function (d) { return d.t; }),
      urls: docs.map(function (d) { return d.u; }),
      excerpts: docs.map(function (d) { return excerpt(d.x, r.words).textContent; }),
    };
  };
})();
