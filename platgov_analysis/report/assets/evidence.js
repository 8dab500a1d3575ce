// The evidence browser's search and filters: every quote is in the page; this only hides the
// ones that do not match. Filters can be preset from the address: evidence.html?study=wu2022.
(function () {
  "use strict";
  const quotes = Array.from(document.querySelectorAll("#quotes .quote"));
  const search = document.getElementById("search");
  const selects = Array.from(document.querySelectorAll("select[data-filter]"));
  const haystack = new Map(quotes.map((q) => [q, q.textContent.toLowerCase()]));

  function apply() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const quote of quotes) {
      const text = haystack.get(quote);
      const match = words.every((w) => text.includes(w)) && selects.every((s) =>
        !s.value || (quote.dataset[s.dataset.filter] || "").split(" ").includes(s.value) ||
        quote.dataset[s.dataset.filter] === s.value);
      quote.hidden = !match;
      if (match) shown += 1;
    }
    document.getElementById("shown").textContent = String(shown);
    document.getElementById("none").hidden = shown > 0;
  }

  const params = new URLSearchParams(window.location.search);
  for (const select of selects) {
    if (params.has(select.dataset.filter)) select.value = params.get(select.dataset.filter);
    select.addEventListener("change", apply);
  }
  if (params.has("q")) search.value = params.get("q");
  search.addEventListener("input", apply);
  apply();
})();
