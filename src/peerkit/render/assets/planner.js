// The session planner: pick activities, order them, time them, print or download the plan.
//
// Reads the curriculum index (window.peerkitIndex, from index.js). The plan lives in the
// address bar (so it can be bookmarked and shared) and in this browser's local storage.
// Everything from the index or the address bar is written with textContent, never as HTML.
(() => {
  "use strict";

  const root = document.querySelector("[data-peerkit-planner]");
  const index = window.peerkitIndex;
  if (!root || !index) return;

  const STORAGE_KEY = "peerkit-planner";
  const base = root.dataset.base || "";
  const $ = (selector) => root.querySelector(selector);
  const modules = new Map(index.modules.map((m) => [m.id, m]));
  const activities = new Map(index.activities.map((a) => [a.id, a]));
  const kinds = new Map(index.kinds.map((k) => [k.kind, k]));

  const details = $("[data-planner-details]");
  const list = $("[data-planner-items]");
  const total = $("[data-planner-total]");
  const empty = $("[data-planner-empty]");
  const announcer = $("[data-planner-announce]");

  // --- the plan ------------------------------------------------------------------------

  const blank = () => ({ title: "", date: "", start: "10:00", available: 120, items: [] });
  let plan = blank();

  const wholeMinutes = (value, fallback) => {
    const n = Number.parseInt(String(value ?? ""), 10);
    return Number.isFinite(n) && n >= 1 && n <= 480 ? n : fallback;
  };
  const validTime = (value) => /^([01]\d|2[0-3]):[0-5]\d$/.test(String(value || ""));
  const validDate = (value) => /^\d{4}-\d{2}-\d{2}$/.test(String(value || ""));

  /** An item from the address bar or storage, or null if it names nothing we know. */
  function cleanItem(item) {
    if (!item || typeof item !== "object") return null;
    if (item.kind === "activity") {
      const activity = activities.get(item.id);
      if (!activity) return null;
      return { kind: "activity", id: item.id, minutes: wholeMinutes(item.minutes, activity.minutes[1]) };
    }
    const kind = kinds.get(item.kind);
    if (!kind) return null;
    const text = String(item.text || "").trim().slice(0, 200) || kind.label;
    return { kind: item.kind, text, minutes: wholeMinutes(item.minutes, kind.minutes) };
  }

  function cleanPlan(raw) {
    const fresh = blank();
    if (!raw || typeof raw !== "object") return fresh;
    return {
      title: String(raw.title || "").slice(0, 200),
      date: validDate(raw.date) ? raw.date : "",
      start: validTime(raw.start) ? raw.start : fresh.start,
      available: wholeMinutes(raw.available, fresh.available),
      items: (Array.isArray(raw.items) ? raw.items : []).map(cleanItem).filter(Boolean).slice(0, 100),
    };
  }

  // In the address bar: ?title=…&start=10:00&available=120&item=activity~ID~25&item=break~15~Tea
  function toQuery(p) {
    const params = new URLSearchParams();
    if (p.title) params.set("title", p.title);
    if (p.date) params.set("date", p.date);
    params.set("start", p.start);
    params.set("available", String(p.available));
    for (const item of p.items) {
      params.append(
        "item",
        item.kind === "activity"
          ? `activity~${item.id}~${item.minutes}`
          : `${item.kind}~${item.minutes}~${item.text}`,
      );
    }
    return params.toString();
  }

  function fromQuery(params) {
    const items = params.getAll("item").map((value) => {
      const [kind, first = "", ...rest] = value.split("~");
      return kind === "activity"
        ? { kind, id: first, minutes: rest[0] }
        : { kind, minutes: first, text: rest.join("~") };
    });
    return cleanPlan({
      title: params.get("title"),
      date: params.get("date"),
      start: params.get("start"),
      available: params.get("available"),
      items,
    });
  }

  function load() {
    const params = new URLSearchParams(location.search);
    if (["item", "title", "start"].some((name) => params.has(name))) {
      plan = fromQuery(params);
    } else {
      try {
        plan = cleanPlan(JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"));
      } catch {
        plan = blank();
      }
    }
    // "Add to plan" in the activity library links here with ?add=ID.
    for (const id of params.getAll("add")) {
      const item = cleanItem({ kind: "activity", id });
      if (item) plan.items.push(item);
    }
  }

  function save() {
    const query = toQuery(plan);
    history.replaceState(history.state, "", `${location.pathname}?${query}${location.hash}`);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(plan));
    } catch {
      // Storage may be off or full: the address bar still holds the plan.
    }
  }

  // --- clock arithmetic --------------------------------------------------------------------

  const toMinutes = (time) => {
    const [h, m] = time.split(":").map(Number);
    return h * 60 + m;
  };
  const clock = (minutes) => {
    const day = ((minutes % 1440) + 1440) % 1440;
    return `${String(Math.floor(day / 60)).padStart(2, "0")}:${String(day % 60).padStart(2, "0")}`;
  };
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  function timed() {
    let at = toMinutes(plan.start);
    const end = at + plan.available;
    return plan.items.map((item) => {
      const row = { item, start: at, end: at + item.minutes, over: at + item.minutes > end };
      at = row.end;
      return row;
    });
  }

  const titleOf = (item) =>
    item.kind === "activity" ? activities.get(item.id).title : item.text;

  // --- drawing -----------------------------------------------------------------------

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function button(label, action, position, ariaLabel) {
    return element("button", {
      type: "button",
      class: "md-button peerkit-small-button",
      "data-item-action": action,
      "data-position": String(position),
      "aria-label": ariaLabel,
      text: label,
    });
  }

  function drawItems() {
    const rows = timed();
    list.replaceChildren(
      ...rows.map(({ item, start, end, over }, position) => {
        const title = titleOf(item);
        const activity = item.kind === "activity" ? activities.get(item.id) : null;
        const name = activity
          ? element("a", { href: base + activity.url, text: activity.title })
          : element("input", {
              type: "text",
              value: item.text,
              maxlength: "200",
              "aria-label": `Text of item ${position + 1}`,
              "data-item-text": String(position),
            });
        const what = activity
          ? element("span", { class: "peerkit-hint", text: `Activity from ${modules.get(activity.module).title}, ${activity.minutes[0]}–${activity.minutes[1]} minutes` })
          : element("span", { class: "peerkit-hint", text: kinds.get(item.kind).label });
        const minutesId = `planner-minutes-${position}`;
        return element(
          "li",
          { class: over ? "peerkit-planner-item peerkit-over" : "peerkit-planner-item" },
          element("span", { class: "peerkit-planner-time", text: `${clock(start)}–${clock(end)}` }),
          element("span", { class: "peerkit-planner-name" }, name, " ", what),
          over ? element("strong", { class: "peerkit-over-flag", text: "Over time" }) : null,
          element(
            "span",
            { class: "peerkit-planner-minutes" },
            element("label", { for: minutesId, text: "Minutes" }),
            element("input", {
              id: minutesId,
              type: "number",
              min: "1",
              max: "480",
              value: String(item.minutes),
              "data-item-minutes": String(position),
              "aria-label": `Minutes for ${title}`,
            }),
          ),
          element(
            "span",
            { class: "peerkit-planner-buttons" },
            button("Up", "up", position, `Move ${title} earlier`),
            button("Down", "down", position, `Move ${title} later`),
            button("Remove", "remove", position, `Remove ${title}`),
          ),
        );
      }),
    );
    empty.hidden = rows.length > 0;
    const used = plan.items.reduce((sum, item) => sum + item.minutes, 0);
    const ends = clock(toMinutes(plan.start) + used);
    const over = used - plan.available;
    total.classList.toggle("peerkit-over", over > 0);
    total.textContent =
      `${plural(rows.length, "item")}, ${used} of ${plan.available} minutes. Ends at ${ends}.` +
      (over > 0 ? ` Runs ${plural(over, "minute")} over the time available.` : "");
    drawPrint(rows, used);
  }

  function drawPrint(rows, used) {
    const print = $("[data-planner-print]");
    const heading = plan.title || "Session plan";
    const when = [plan.date, `${plan.start} to ${clock(toMinutes(plan.start) + used)}`]
      .filter(Boolean)
      .join(", ");
    const table = element(
      "table",
      { class: "peerkit-agenda" },
      element("thead", {}, element("tr", {}, ...["Time", "Item", "Minutes"].map((h) => element("th", { scope: "col", text: h })))),
      element(
        "tbody",
        {},
        ...rows.map(({ item, start, end }) =>
          element(
            "tr",
            {},
            element("td", { text: `${clock(start)}–${clock(end)}` }),
            element("td", { text: titleOf(item) }),
            element("td", { text: String(item.minutes) }),
          ),
        ),
      ),
    );
    const steps = rows
      .filter(({ item }) => item.kind === "activity")
      .map(({ item, start }) => {
        const activity = activities.get(item.id);
        return element(
          "section",
          { class: "peerkit-agenda-activity" },
          element("h3", { text: `${clock(start)} ${activity.title} (${item.minutes} minutes)` }),
          element("p", { text: activity.aim }),
          activity.materials.length
            ? element("p", { text: `You need: ${activity.materials.join("; ")}` })
            : null,
          element("ol", {}, ...activity.steps.map((step) => element("li", { text: step }))),
        );
      });
    print.replaceChildren(
      element("h2", { text: heading }),
      element("p", { text: when }),
      table,
      ...steps,
    );
  }

  function drawDetails() {
    details.elements.title.value = plan.title;
    details.elements.date.value = plan.date;
    details.elements.start.value = plan.start;
    details.elements.available.value = String(plan.available);
  }

  // --- picking activities --------------------------------------------------------------------

  const filters = $("[data-planner-filters]");
  const results = $("[data-planner-results]");
  const found = $("[data-planner-found]");

  function drawResults() {
    const data = new FormData(filters);
    const words = String(data.get("q") || "").toLowerCase().split(/\s+/).filter(Boolean);
    const theme = String(data.get("theme") || "");
    const format = String(data.get("format") || "");
    const size = wholeMinutes(data.get("size"), 0);
    const upTo = wholeMinutes(data.get("to"), 0);
    const shown = index.activities.filter((a) => {
      const module = modules.get(a.module);
      const text = `${a.title} ${a.aim} ${module.title}`.toLowerCase();
      return (
        words.every((word) => text.includes(word)) &&
        (!theme || module.themes.includes(theme)) &&
        (!format || a.format.includes(format)) &&
        (!size || (a.groupSize[0] <= size && size <= a.groupSize[1])) &&
        (!upTo || a.minutes[0] <= upTo)
      );
    });
    found.textContent =
      shown.length === index.activities.length
        ? `All ${shown.length} activities`
        : `${shown.length} ${shown.length === 1 ? "activity" : "activities"} found`;
    results.replaceChildren(
      ...shown.map((a) =>
        element(
          "li",
          { "data-activity": a.id },
          element(
            "span",
            {},
            element("a", { href: base + a.url, text: a.title }),
            " ",
            element("span", {
              class: "peerkit-hint",
              text: `${modules.get(a.module).title} · ${a.minutes[0]}–${a.minutes[1]} min · ${a.formatLabel}`,
            }),
          ),
          element("button", {
            type: "button",
            class: "md-button peerkit-small-button",
            "data-add-activity": a.id,
            "aria-label": `Add ${a.title} to the plan`,
            text: "Add",
          }),
        ),
      ),
    );
  }

  function drawKinds() {
    $("[data-planner-kinds]").replaceChildren(
      ...index.kinds.map((k) =>
        element("button", {
          type: "button",
          class: "md-button peerkit-small-button",
          "data-add-kind": k.kind,
          text: `Add ${k.label.toLowerCase()}`,
        }),
      ),
    );
  }

  // --- changes -----------------------------------------------------------------------

  function changed(message) {
    save();
    drawItems();
    if (message) {
      announcer.textContent = "";
      // A fresh text node each time, so screen readers read repeats too.
      setTimeout(() => {
        announcer.textContent = `${message} ${total.textContent}`;
      }, 50);
    }
  }

  function add(item) {
    plan.items.push(item);
    const row = timed().at(-1);
    changed(`Added ${titleOf(item)} at ${clock(row.start)}.`);
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target || !root.contains(target)) return;
    if (target.dataset.addActivity) {
      const item = cleanItem({ kind: "activity", id: target.dataset.addActivity });
      if (item) add(item);
    } else if (target.dataset.addKind) {
      const item = cleanItem({ kind: target.dataset.addKind });
      if (item) add(item);
    } else if (target.dataset.itemAction) {
      move(target.dataset.itemAction, Number(target.dataset.position));
    } else if (target.dataset.plannerAction === "print") {
      window.print();
    } else if (target.dataset.plannerAction === "download") {
      download();
    } else if (target.dataset.plannerAction === "clear") {
      if (plan.items.length === 0 || window.confirm("Remove every item and start a new plan?")) {
        plan = blank();
        drawDetails();
        changed("Started a new plan.");
      }
    }
  });

  function move(action, position) {
    const item = plan.items[position];
    if (!item) return;
    const title = titleOf(item);
    let to = position;
    if (action === "remove") {
      plan.items.splice(position, 1);
      changed(`Removed ${title}.`);
      const next = list.querySelectorAll("[data-item-action=remove]")[Math.min(position, plan.items.length - 1)];
      (next || $("#planner-yours")).focus?.();
      return;
    }
    to = action === "up" ? position - 1 : position + 1;
    if (to < 0 || to >= plan.items.length) return;
    plan.items.splice(position, 1);
    plan.items.splice(to, 0, item);
    changed(`Moved ${title} to position ${to + 1} of ${plan.items.length}.`);
    const again = list.querySelector(`[data-item-action="${action}"][data-position="${to}"]`);
    (again || list.querySelector(`[data-position="${to}"]`))?.focus();
  }

  list.addEventListener("change", (event) => {
    const target = event.target;
    if (target.dataset.itemMinutes !== undefined) {
      const item = plan.items[Number(target.dataset.itemMinutes)];
      item.minutes = wholeMinutes(target.value, item.minutes);
      changed(`${titleOf(item)} now takes ${plural(item.minutes, "minute")}.`);
      list.querySelector(`[data-item-minutes="${target.dataset.itemMinutes}"]`)?.focus();
    } else if (target.dataset.itemText !== undefined) {
      const item = plan.items[Number(target.dataset.itemText)];
      item.text = String(target.value).trim().slice(0, 200) || kinds.get(item.kind).label;
      changed();
    }
  });

  // Times and the total follow each keystroke; a field is tidied when you leave it.
  function readDetails() {
    const fields = details.elements;
    plan.title = String(fields.title.value).slice(0, 200);
    plan.date = validDate(fields.date.value) ? fields.date.value : "";
    plan.start = validTime(fields.start.value) ? fields.start.value : plan.start;
    plan.available = wholeMinutes(fields.available.value, plan.available);
    changed();
  }
  details.addEventListener("input", readDetails);
  details.addEventListener("change", () => {
    readDetails();
    drawDetails();
  });
  details.addEventListener("submit", (event) => event.preventDefault());
  filters.addEventListener("input", drawResults);
  filters.addEventListener("submit", (event) => event.preventDefault());

  // --- download as a sessions/ file ----------------------------------------------------------

  // JSON strings are valid YAML double-quoted strings, so every text is quoted safely.
  const quote = (text) => JSON.stringify(text);

  function yaml() {
    const lines = [
      "# A session plan made with the session planner.",
      "# Check it:  peerkit check modules --plans THIS-FILE",
      "# Print it:  peerkit pack THIS-FILE",
      `title: ${quote(plan.title || "Session plan")}`,
    ];
    if (plan.date) lines.push(`date: ${plan.date}`);
    lines.push(`start: ${quote(plan.start)}`, `available: ${plan.available}`, "items:");
    for (const item of plan.items) {
      if (item.kind === "activity") lines.push(`  - activity: ${item.id}`);
      else lines.push(`  - ${item.kind}: ${quote(item.text)}`);
      lines.push(`    minutes: ${item.minutes}`);
    }
    return `${lines.join("\n")}\n`;
  }

  function download() {
    if (plan.items.length === 0) {
      announcer.textContent = "Add at least one item before downloading the plan.";
      return;
    }
    const slug =
      (plan.title || "session-plan")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 60) || "session-plan";
    const link = element("a", {
      href: URL.createObjectURL(new Blob([yaml()], { type: "text/yaml" })),
      download: `${slug}.yml`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  // --- start ---------------------------------------------------------------------------

  load();
  for (const part of root.querySelectorAll("[data-planner-ui]")) part.hidden = false;
  drawDetails();
  drawKinds();
  drawResults();
  save();
  drawItems();
})();
