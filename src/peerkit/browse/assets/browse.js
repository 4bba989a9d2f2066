// Filters for the catalogue, activity library and reflection bank (what matches is decided
// by filter.js, shared with the planner).
//
// The page lists every item without JavaScript. This script shows the filter form at once and
// fetches the curriculum index (window.peerkitIndex, from index.js) only when the filters are
// first used, or at once when the address already carries filters; then it hides what does
// not match. The
// filters combine; the address bar keeps them (?theme=boundaries&format=online&size=8), so a
// filtered list can be bookmarked or shared and survives a reload. Text from the index is
// only compared, never written into the page.
(() => {
  "use strict";

  const root = document.querySelector("[data-peerkit-browse]");
  const script = document.currentScript;
  const filter = window.peerkitFilter; // filter.js: the same filter as the planner's
  if (!root || !script || !filter) return;
  const form = root.querySelector("[data-peerkit-filters]");

  let loading = null;
  function loadIndex() {
    if (window.peerkitIndex) return Promise.resolve(window.peerkitIndex);
    loading =
      loading ||
      new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = new URL(script.dataset.index, document.baseURI).href;
        tag.onload = () => resolve(window.peerkitIndex);
        tag.onerror = reject;
        document.head.append(tag);
      });
    return loading;
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());
  const start = () => loadIndex().then((index) => index && enhance(index));
  if (location.search) {
    start();
  } else {
    for (const type of ["focusin", "pointerdown", "input", "change"]) {
      form.addEventListener(type, start, { once: true });
    }
  }

  function enhance(index) {
    if (root.dataset.peerkitEnhanced) return;
    root.dataset.peerkitEnhanced = "true";
    const kind = root.dataset.peerkitBrowse;
    const count = root.querySelector("[data-peerkit-count]");
    const none = root.querySelector("[data-peerkit-none]");
    const modules = new Map(index.modules.map((m) => [m.id, m]));

    const items = {
      modules: () => index.modules.map((m) => ({ ...m, module: m, words: [m.title, m.summary] })),
      activities: () => index.activities.map((a) => filter.activity(a, modules)),
      prompts: () =>
        index.prompts.map((p) => ({
          ...p,
          module: modules.get(p.module),
          words: [p.text, modules.get(p.module).title],
        })),
    }[kind]();
    const nouns = { modules: "modules", activities: "activities", prompts: "questions" };

    const elements = new Map();
    for (const element of root.querySelectorAll("[data-peerkit-id]")) {
      elements.set(element.dataset.peerkitId, element);
    }

    const { number } = filter;

    // The form's fields, in the order they appear in the address bar.
    const fields = ["q", "theme", "format", "size", "fits", "from", "to", "audience", "value"];

    function apply() {
      const want = filter.wanted(form);
      let shown = 0;
      for (const item of items) {
        const element = elements.get(item.id);
        if (!element) continue;
        const show = filter.matches(item, want);
        element.hidden = !show;
        if (show) shown += 1;
      }
      // The reflection bank groups questions by module: hide a module with none left.
      for (const group of root.querySelectorAll("[data-peerkit-group]")) {
        const lists = [...group.querySelectorAll("ul")];
        for (const list of lists) {
          const visible = list.querySelector("[data-peerkit-id]:not([hidden])") !== null;
          list.hidden = !visible;
          if (list.previousElementSibling?.tagName === "H3") list.previousElementSibling.hidden = !visible;
        }
        group.hidden = !group.querySelector("[data-peerkit-id]:not([hidden])");
      }
      const noun = nouns[kind];
      count.textContent =
        shown === items.length ? `All ${shown} ${noun}` : `Showing ${shown} of ${items.length} ${noun}`;
      none.hidden = shown !== 0;
      remember();
    }

    // --- the address bar ---------------------------------------------------------------

    function remember() {
      const data = new FormData(form);
      const params = new URLSearchParams();
      for (const name of fields) {
        for (const value of data.getAll(name)) {
          const text = String(value).trim();
          if (text) params.append(name, text);
        }
      }
      const query = params.toString();
      const url = location.pathname + (query ? `?${query}` : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.replaceState(history.state, "", url);
      }
    }

    function restore() {
      const params = new URLSearchParams(location.search);
      for (const element of form.elements) {
        if (!element.name) continue;
        if (element.type === "checkbox") {
          element.checked = params.getAll(element.name).includes(element.value);
        } else if (params.has(element.name)) {
          const value = params.get(element.name);
          if (element.tagName === "SELECT") {
            // Only a value the list offers: anything else leaves the filter off.
            const known = [...element.options].some((option) => option.value === value);
            element.value = known ? value : "";
          } else if (element.type === "number") {
            element.value = number(value) ? String(number(value)) : "";
          } else {
            element.value = value;
          }
        }
      }
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", () => setTimeout(apply));
    if (location.search) restore();
    apply();
  }
})();
