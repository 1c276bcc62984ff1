// Filter chips on /timeline/: without JavaScript each chip is a link to that term's own
// timeline page; with it, the chip filters the events in place and the choice is kept in
// the URL (?filter=tags/sanctions), so a filtered view can be shared.
(function () {
  "use strict";
  var nav = document.querySelector(".timeline-filters");
  // Events carry their terms only where the chips filter them (`e.filter_html`); without
  // them the chips stay links to each term's own timeline.
  if (!nav || !document.querySelector("li.event[data-terms]")) return;
  var chips = Array.prototype.slice.call(nav.querySelectorAll("[data-filter]"));
  var events = Array.prototype.slice.call(document.querySelectorAll("li.event"));
  var months = Array.prototype.slice.call(document.querySelectorAll("li.month, section.timeline-year, section.upcoming"));
  var status = nav.querySelector(".filter-status");
  // "Showing 3 events for Kursk.", its plural forms in the page's language (`data-forms`,
  // with the language whose rules choose among them).
  var forms = {};
  try { forms = JSON.parse(status && status.getAttribute("data-forms") || "{}"); } catch (e) { forms = {}; }
  function showing(count, term) {
    var category = "other";
    try { category = new Intl.PluralRules(forms.lang || "en").select(count); } catch (e) { /* an unknown language: other */ }
    var text = forms[category] || forms.other || "Showing {count} events for {term}.";
    return text.replace("{count}", count).replace("{term}", term);
  }

  function apply(filter) {
    var shown = 0;
    events.forEach(function (li) {
      var keys = (li.getAttribute("data-terms") || "").split(" ");
      var match = !filter || keys.indexOf(filter) !== -1;
      li.hidden = !match;
      if (match) shown++;
    });
    months.forEach(function (group) {
      group.hidden = !group.querySelector("li.event:not([hidden])");
    });
    chips.forEach(function (chip) {
      chip.setAttribute("aria-pressed", chip.getAttribute("data-filter") === filter ? "true" : "false");
    });
    if (status) {
      var chip = chips.filter(function (c) { return c.getAttribute("data-filter") === filter; })[0];
      status.textContent = filter && chip ? showing(shown, chip.firstChild.textContent.trim()) : "";
    }
  }

  chips.forEach(function (chip) {
    chip.setAttribute("role", "button");
    chip.setAttribute("aria-pressed", "false");
    chip.addEventListener("click", function (e) {
      e.preventDefault();
      var f = chip.getAttribute("data-filter");
      var current = new URL(location.href).searchParams.get("filter");
      var next = current === f ? null : f;
      var url = new URL(location.href);
      if (next) url.searchParams.set("filter", next); else url.searchParams.delete("filter");
      history.replaceState(null, "", url);
      apply(next);
    });
  });
  apply(new URL(location.href).searchParams.get("filter"));
})();
