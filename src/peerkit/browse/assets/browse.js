// Filters for the catalogue, activity library and reflection bank (what matches is decided
// by filter.js, shared with the planner).
//
// The page lists every item without JavaScript. This script shows the filter form at once and
// fetches what the filters read (window.peerkitBrowse, from index-KIND.js: each item's words
// and facets, a small part of the curriculum index) only when the filters are first used, or
// at once when the address already carries filters; then it hides what does not match. The
// filters combine; the address bar keeps them (?theme=boundaries&format=online&size=8), so a
// filtered list can be bookmarked or shared and survives a reload. Text from the index is
// only compared, never written into the page.
//
// Quick with thousands of items: only items whose state changes are touched, typing in the
// words box filters once the typing pauses, and each item lays out on its own (browse.css), so
// each key shows at once.
//
// A long catalogue or library (more items than the site's `browse_cards`) holds only its first
// cards in HTML, then every item as one line by theme (closed <details>). There this script
// keeps the matching items as a list and shows their cards a page at a time ("Show more"),
// drawing each card the HTML does not hold from the index (`card`, the same markup as the
// templates, every text written with textContent); the lines by theme stay for browsing and
// are put away while a filter is on.
(() => {
  "use strict";

  const many = (number) => number.toLocaleString("en-GB"); // a count as people read it: 4,625

  const root = document.querySelector("[data-peerkit-browse]");
  const script = document.currentScript;
  const filter = window.peerkitFilter; // filter.js: the same filter as the planner's
  if (!root || !script || !filter) return;
  const form = root.querySelector("[data-peerkit-filters]");

  const loadIndex = () => filter.loadScript(script.dataset.index, "peerkitBrowse");
  // The index could not be fetched (offline, a server hiccup): say so where the count is
  // read out, and try again on the next use of the filters.
  function unloaded() {
    const count = root.querySelector("[data-peerkit-count]");
    if (count) {
      count.textContent =
        "The filters could not load their list. Check your connection, then try a filter again.";
    }
    waitForFilters();
  }

  form.hidden = false;
  form.addEventListener("submit", (event) => event.preventDefault());

  // "Add to plan" takes the minutes the library is filtered to: an activity of 15-25
  // minutes, in a library filtered to "up to 20", goes into the plan at 20. Read from the
  // link and the form, not the index, as the link is reached (pointer, keyboard focus, context
  // menu): a click made before the index has arrived (a slow connection) still counts, and
  // filtering never rewrites thousands of links.
  function planFor(link) {
    const [low, high] = (link.dataset.minutes || "").split("-").map(filter.number);
    const to = filter.number(new FormData(form).get("to"));
    const url = new URL(link.getAttribute("href"), document.baseURI);
    const id = (url.searchParams.get("add") || "").split("~")[0];
    const minutes = filter.plannedMinutes(low, high, to);
    url.searchParams.set("add", minutes ? `${id}~${minutes}` : id);
    link.setAttribute("href", url.href);
  }
  for (const type of ["pointerdown", "focusin", "click", "contextmenu"]) {
    root.addEventListener(type, (event) => {
      const link = event.target instanceof Element && event.target.closest("a[data-add-to-plan]");
      if (link) planFor(link);
    });
  }
  const start = () => loadIndex().then((index) => index && enhance(index), unloaded);

  // A long list: "Show more" draws the next cards (it fetches the index the first time).
  const list = root.querySelector("[data-peerkit-items]");
  const pageSize = filter.number(list && list.dataset.peerkitCards);
  const more = root.querySelector("[data-peerkit-more]");
  const moreLine = root.querySelector("[data-peerkit-more-line]");
  const moreLeft = root.querySelector("[data-peerkit-more-left]");
  let showMore = null; // set by enhance
  function offerMore(left) {
    moreLine.hidden = left <= 0;
    const text = `Show ${Math.min(pageSize, left)} more`;
    if (more.textContent !== text) more.textContent = text;
    moreLeft.textContent = `(${many(left)} not shown yet)`;
  }
  if (pageSize && more) {
    offerMore(filter.number(list.dataset.peerkitTotal) - list.children.length);
    more.addEventListener("click", () => start().then(() => showMore && showMore()));
  }

  function waitForFilters() {
    const once = () => {
      for (const type of types) form.removeEventListener(type, once);
      start();
    };
    const types = ["focusin", "pointerdown", "input", "change"];
    for (const type of types) form.addEventListener(type, once);
  }
  if (location.search) {
    start();
  } else {
    waitForFilters();
  }

  const TYPING_PAUSE = 150; // ms

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
    for (const item of items) item.element = elements.get(item.id);
    const paged = Boolean(pageSize && more);
    const compact = root.querySelector("[data-peerkit-compact]");
    const base = root.dataset.base || "";
    const planner = root.dataset.planner || "";
    let matched = items; // a long list: the items that match, in order
    let drawn = 0; // ... and how many of them have their card in the list

    // The reflection bank groups questions by module, under headings: each list with its
    // heading and section, so a list or a module with no question left is hidden too.
    const lists = new Map();
    for (const group of root.querySelectorAll("[data-peerkit-group]")) {
      for (const list of group.querySelectorAll("ul")) {
        const heading = list.previousElementSibling?.tagName === "H3" ? list.previousElementSibling : null;
        lists.set(list, { list, heading, group, shown: 0 });
      }
    }

    // A long reflection bank folds most modules under their first theme (closed <details>):
    // while a filter is on, the themes that hold what it finds are opened (and closed again
    // when the filters are cleared, unless the reader had opened them).
    const folds = new Map();
    for (const record of lists.values()) {
      const fold = record.group.closest("[data-peerkit-fold]");
      if (fold) folds.set(record.group, fold);
    }
    const foldNote = root.querySelector("[data-peerkit-fold-note]");

    const { number } = filter;

    // The form's fields, in the order they appear in the address bar.
    const fields = ["q", "theme", "format", "size", "fits", "from", "to", "audience", "value"];

    const show = (element, shown) => {
      if (element.hidden === shown) element.hidden = !shown;
    };

    // --- a long list's cards, drawn from the index ---------------------------------------

    const span = ([low, high]) => (low === high ? `${low}` : `${low}\u2013${high}`);
    function make(tag, attributes = {}, ...children) {
      const element = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      element.append(...children);
      return element;
    }
    const glance = (rows) =>
      make("dl", { class: "peerkit-glance" }, ...rows.map(([term, ...what]) => make("div", {}, make("dt", {}, term), make("dd", {}, ...what))));

    // The card of an item the HTML does not hold: the same markup as module_card.html and
    // activities.html draw.
    function card(item) {
      if (kind === "activities") {
        const module = item.module;
        return make(
          "li",
          { class: "peerkit-card", "data-peerkit-id": item.id },
          make("h2", { class: "peerkit-card-title" }, make("a", { href: base + item.url }, item.title)),
          make("p", { class: "peerkit-card-module" }, "From ", make("a", { href: base + module.url }, module.title)),
          make("p", {}, item.aim),
          glance([
            ["Time", `${span(item.minutes)} minutes`],
            ["Format", item.formatLabel],
            ["Group size", `${span(item.groupSize)} people`],
          ]),
          make(
            "p",
            {},
            make(
              "a",
              {
                class: "md-button",
                href: `${planner}?add=${item.id}`,
                "data-add-to-plan": "",
                "data-minutes": `${item.minutes[0]}-${item.minutes[1]}`,
                "aria-label": `Add to plan: ${item.title}`,
              },
              "Add to plan",
            ),
          ),
        );
      }
      const time = [`${span(item.duration)} minutes`];
      for (const version of item.versions) {
        time.push("; ", make("a", { href: base + version.url }, version.label.toLowerCase()), ` ${span(version.minutes)}`);
      }
      const labels = index.valueLabels || {};
      const element = make(
        "article",
        { class: "peerkit-card", "data-peerkit-id": item.id },
        make("h2", {}, make("a", { href: base + item.url }, item.title)),
        make("p", {}, item.summary),
        glance([
          ["Time", ...time],
          ["Format", item.formatLabel],
          ["Group size", `${span(item.groupSize)} people`],
          ["Themes", item.themes.join(", ")],
          ["Values", item.values.map((value) => labels[value] || value).join(", ")],
        ]),
      );
      if (item.contentNotes.length) {
        element.append(
          make(
            "details",
            { class: "peerkit-card-note" },
            make("summary", {}, `Content notes (${item.contentNotes.length})`),
            make("ul", {}, ...item.contentNotes.map((note) => make("li", {}, note))),
          ),
        );
      }
      return element;
    }
    const cardOf = (item) => (item.element ||= card(item));

    // Draw the cards of the first `upTo` matching items, touching only what changed.
    function draw(upTo) {
      const wanted = matched.slice(0, upTo).map(cardOf);
      const current = list.children;
      let same = 0;
      while (same < wanted.length && same < current.length && current[same] === wanted[same]) same += 1;
      if (same === current.length) list.append(...wanted.slice(same));
      else list.replaceChildren(...wanted);
      for (const element of wanted) if (element.hidden) element.hidden = false;
      drawn = wanted.length;
      offerMore(matched.length - drawn);
    }

    showMore = () => {
      const first = drawn;
      draw(drawn + pageSize);
      const next = list.children[first];
      if (next) next.querySelector("a").focus(); // where the reader goes on from
    };

    function apply() {
      const want = filter.wanted(form);
      if (paged) {
        matched = items.filter((item) => filter.matches(item, want));
        draw(pageSize);
        return shownAll(matched.length);
      }
      let shown = 0;
      for (const record of lists.values()) record.shown = 0;
      for (const item of items) {
        const element = item.element;
        if (!element) continue;
        const match = filter.matches(item, want);
        show(element, match);
        if (!match) continue;
        shown += 1;
        const record = lists.get(element.parentElement);
        if (record) record.shown += 1;
      }
      if (lists.size) {
        const groups = new Map();
        for (const record of lists.values()) {
          show(record.list, record.shown > 0);
          if (record.heading) show(record.heading, record.shown > 0);
          groups.set(record.group, (groups.get(record.group) || 0) + record.shown);
        }
        for (const [group, count] of groups) show(group, count > 0);
        if (folds.size) unfold(groups, shown !== items.length);
      }
      shownAll(shown);
    }

    function unfold(groups, filtering) {
      const found = new Map();
      for (const [group, count] of groups) {
        const fold = folds.get(group);
        if (fold) found.set(fold, (found.get(fold) || 0) + count);
      }
      for (const [fold, count] of found) {
        show(fold, !filtering || count > 0);
        if (filtering && count > 0 && !fold.dataset.peerkitOpened) {
          // once while the filters are on: a theme the reader closes again stays closed
          fold.dataset.peerkitOpened = fold.open ? "by the reader" : "by the filters";
          fold.open = true;
        } else if (!filtering && fold.dataset.peerkitOpened) {
          if (fold.dataset.peerkitOpened === "by the filters") fold.open = false;
          delete fold.dataset.peerkitOpened;
        }
      }
      if (foldNote) show(foldNote, !filtering);
    }

    function shownAll(shown) {
      const noun = nouns[kind];
      const text =
        shown === items.length
          ? `All ${many(shown)} ${noun}`
          : `Showing ${many(shown)} of ${many(items.length)} ${noun}`;
      if (count.textContent !== text) count.textContent = text;
      none.hidden = shown !== 0;
      if (compact) compact.hidden = shown !== items.length;
      remember();
    }

    // Typing: filter once the typing pauses, so each key shows at once.
    let typing = 0;
    const isWords = (target) => target instanceof HTMLInputElement && target.type === "search";
    function typed(event) {
      clearTimeout(typing);
      if (isWords(event.target)) {
        typing = setTimeout(apply, TYPING_PAUSE);
      } else {
        apply();
      }
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

    form.addEventListener("input", typed);
    form.addEventListener("change", (event) => isWords(event.target) || apply());
    form.addEventListener("reset", () => setTimeout(apply));
    if (location.search) restore();
    apply();
  }
})();
