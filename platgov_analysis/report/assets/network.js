// The network viewer: cytoscape.js draws the ties embedded in the page at their seeded
// positions; the filters hide ties (and nodes left without one); a click on a tie shows it.
// Data text goes into the page as text nodes only, never as markup.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("network-data").textContent);
  const words = JSON.parse(document.getElementById("network-words").textContent);
  const names = Object.fromEntries(data.nodes.map((n) => [n.id, n.name]));
  const cy = cytoscape({
    container: document.getElementById("graph"),
    elements: [
      ...data.nodes.map((n) => ({ group: "nodes", data: { id: n.id, name: n.name, colour: n.colour, kind: n.kind } })),
      ...data.edges.map((e) => ({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
        colour: e.colour, style: e.style, actual: data.default_statuses.includes(e.status) ? 1 : 0 } })),
    ],
    layout: { name: "preset" },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", width: 14, height: 14, label: "data(name)",
        "font-size": 7, "min-zoomed-font-size": 9, "text-valign": "bottom", color: "#333" } },
      { selector: "edge", style: { width: 1.4, "line-color": "data(colour)", "line-style": "data(style)",
        "target-arrow-color": "data(colour)", "target-arrow-shape": "triangle", "arrow-scale": 0.6,
        "curve-style": "bezier", opacity: 0.8 } },
      { selector: "node[kind = 'platform']", style: { shape: "diamond", width: 16, height: 16 } },
      { selector: "edge[actual = 0]", style: { opacity: 0.35 } },
      { selector: "edge:selected", style: { width: 4, opacity: 1 } },
      { selector: ".hidden", style: { display: "none" } },
    ],
  });
  window.platgovNetwork = cy; // for the browser tests
  const byId = Object.fromEntries(data.edges.map((e) => [e.id, e]));
  const view = document.getElementById("view");

  function checked(field) {
    const box = document.querySelector(`fieldset[data-field="${field}"]`);
    return new Set(Array.from(box.querySelectorAll("input:checked")).map((i) => i.value));
  }

  function apply() {
    const study = view.value;
    const positions = data.positions[study] || data.positions.all;
    const [types, tones, statuses] = ["relation_type", "tone", "status"].map(checked);
    cy.batch(() => {
      cy.edges().forEach((edge) => {
        const e = byId[edge.id()];
        const keep = (study === "all" || e.study === study) && types.has(e.type) && tones.has(e.tone) &&
          statuses.has(e.status);
        edge.toggleClass("hidden", !keep);
      });
      cy.nodes().forEach((node) => {
        const keep = node.connectedEdges().some((edge) => !edge.hasClass("hidden"));
        node.toggleClass("hidden", !keep);
        if (positions[node.id()]) node.position({ x: positions[node.id()][0], y: positions[node.id()][1] });
      });
    });
    const shown = cy.elements().not(".hidden");
    const counts = document.getElementById("counts");
    counts.dataset.nodes = String(shown.nodes().length);
    counts.dataset.edges = String(shown.edges().length);
    counts.textContent = `${shown.nodes().length} ${words.nodes}, ${shown.edges().length} ${words.ties}`;
    cy.fit(shown, 20);
  }

  function add(parent, tag, text, attrs) {
    const element = document.createElement(tag);
    if (text) element.textContent = text;
    Object.entries(attrs || {}).forEach(([k, v]) => element.setAttribute(k, v));
    parent.appendChild(element);
    return element;
  }

  function show(edgeId) {
    const e = byId[edgeId];
    const label = (field, code) => (data.labels[field] || {})[code] || code;
    const panel = document.getElementById("tie");
    panel.replaceChildren();
    add(panel, "h3", `${names[e.source]} → ${names[e.target]}`);
    add(panel, "p", `${label("relation_type", e.type)} · ${label("tone", e.tone)} · ${label("status", e.status)} · ${e.study} · ${e.id}`, { class: "muted" });
    add(panel, "p", e.description);
    const cite = add(panel, "p", `${words.quote}: `);
    add(cite, "a", e.evidence_id, { href: `${words.evidence}#${e.evidence_id}`, class: "evidence-id" });
    if (e.location) cite.appendChild(document.createTextNode(` (${e.location})`));
    add(panel, "blockquote", e.quote, { lang: "zh" });
  }

  const hover = document.getElementById("hover");
  cy.on("mouseover", "node", (event) => {
    hover.textContent = event.target.data("name");
    hover.style.display = "block";
  });
  cy.on("mousemove", (event) => {
    hover.style.left = `${event.originalEvent.clientX + 12}px`;
    hover.style.top = `${event.originalEvent.clientY + 12}px`;
  });
  cy.on("mouseout", "node", () => { hover.style.display = "none"; });
  cy.on("tap", "edge", (event) => show(event.target.id()));

  const params = new URLSearchParams(window.location.search);
  if (params.has("graph") && data.positions[params.get("graph")]) view.value = params.get("graph");
  view.addEventListener("change", apply);
  document.querySelectorAll("fieldset[data-field] input").forEach((box) => box.addEventListener("change", apply));
  apply();
})();
