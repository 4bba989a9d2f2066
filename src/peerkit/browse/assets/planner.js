// The session planner: pick activities, order them, time them, print or download the plan.
//
// The page lists the activities and an empty plan in HTML and is shown first; the loader
// below then fetches what the planner plans with (window.peerkitPlanner, from
// index-planner.js: the modules and activities without their steps) just after the first
// paint, and the planner takes over the lists. The steps, materials and notes the printed
// agenda shows come from the whole curriculum index (window.peerkitIndex, index.js, ten times
// the size on a large site), fetched once the plan holds an activity. The plan lives in the
// address bar (so it can be bookmarked and shared) and in this browser's local storage, one
// plan per site. Everything from the index or the address bar is written with textContent,
// never as HTML.
((planner) => {
  "use strict";

  const script = document.currentScript;
  if (!document.querySelector("[data-peerkit-planner]")) return;
  // A script of the site (index-planner.js, index.js) once, as a promise of what it sets.
  const fetchScript = (address, name) => window.peerkitFilter.loadScript(address, name);
  const details = () =>
    script && script.dataset.details
      ? fetchScript(script.dataset.details, "peerkitIndex")
      : Promise.resolve(window.peerkitIndex);
  function loadIndex() {
    if (window.peerkitPlanner) return planner(window.peerkitPlanner, details);
    if (!script || !script.dataset.index) return;
    fetchScript(script.dataset.index, "peerkitPlanner").then(
      (index) => planner(index, details),
      () => {
        // Say why the buttons stay disabled (the list above still links every activity).
        const found = document.querySelector("[data-planner-found]");
        if (found) {
          found.textContent =
            "The planner could not load its list of activities, so its buttons stay off. Check your connection, then reload the page.";
        }
      },
    );
  }
  requestAnimationFrame(() => setTimeout(loadIndex, 0));
})((index, loadDetails) => {
  "use strict";

  const root = document.querySelector("[data-peerkit-planner]");
  if (!root || !index) return;

  const MAX_ITEMS = 100;
  const TEXT_LIMIT = 200;
  const base = root.dataset.base || "";
  // Every site opened from file:// shares one origin: keep each site's plan under its own key.
  const STORAGE_KEY = `peerkit-planner:${new URL(base || "./", location.href).pathname}`;
  const $ = (selector) => root.querySelector(selector);
  const modules = new Map(index.modules.map((m) => [m.id, m]));
  const activities = new Map(index.activities.map((a) => [a.id, a]));
  const kinds = new Map(index.kinds.map((k) => [k.kind, k]));

  // The printed agenda's steps, materials and notes, from the whole index: fetched once the
  // plan holds an activity (or Print is pressed), then the agenda is drawn again.
  let detailed = null;
  let detailsMissing = false; // index.js could not be fetched: the agenda says so
  function withDetails() {
    if (!detailed) {
      detailed = loadDetails().then((full) => {
        for (const a of (full && full.activities) || []) {
          const activity = activities.get(a.id);
          if (!activity) continue;
          for (const key of ["contentNotes", "materials", "steps", "onlineVariation"]) activity[key] = a[key];
        }
        retime(); // the printed agenda only: the rows, and the field being typed in, stay
      }, () => {
        detailsMissing = true; // offline without index.js: the agenda prints without the steps
        retime();
      });
    }
    return detailed;
  }

  const details = $("[data-planner-details]");
  const list = $("[data-planner-items]");
  const total = $("[data-planner-total]");
  const empty = $("[data-planner-empty]");
  const announcer = $("[data-planner-announce]");
  const notice = $("[data-planner-notice]");
  const problem = $("[data-planner-problem]");
  const count = $("[data-planner-count]");
  let arrivedWithAdd = false; // "Add to plan" in the activity library linked here

  // --- the plan, and tidying what comes from outside -------------------------------------

  const blank = () => ({ title: "", date: "", start: "10:00", available: 120, items: [] });
  let plan = blank();
  let saved = null; // the plan this browser held before a shared link replaced it

  /** Text as one tidy line: no control or separator characters, direction overrides,
   * noncharacters (U+FFFE…) or lone surrogates, the characters `peerkit check` refuses; at
   * most `limit` characters (counted so that an emoji is never cut in half). */
  function tidy(value, limit = TEXT_LIMIT) {
    const text = String(value ?? "")
      .replace(/[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}\u202A-\u202E\u2066-\u2069]/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
    return Array.from(text).slice(0, limit).join("").trim();
  }

  const wholeMinutes = (value, fallback) => {
    const n = Number(String(value ?? "").trim());
    return Number.isInteger(n) && n >= 1 && n <= 480 ? n : fallback;
  };
  const validTime = (value) => /^([01]\d|2[0-3]):[0-5]\d$/.test(String(value || ""));
  const validDate = (value) => {
    const text = String(value || "");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
  };

  /** An item from the address bar or storage, or null if it names nothing we know. */
  function cleanItem(item) {
    if (!item || typeof item !== "object") return null;
    if (item.kind === "activity") {
      const activity = activities.get(item.id);
      if (!activity) return null;
      return { kind: "activity", id: item.id, minutes: wholeMinutes(item.minutes, activity.plannedMinutes) };
    }
    const kind = kinds.get(item.kind);
    if (!kind) return null;
    return { kind: item.kind, text: tidy(item.text) || kind.label, minutes: wholeMinutes(item.minutes, kind.minutes) };
  }

  /** True when an activity is planned in fewer minutes than its shortest: the downloaded
   * plan then says `shortened: true`, so `peerkit check` accepts it and the packs say so. */
  function shortened(item) {
    const activity = item && item.kind === "activity" ? activities.get(item.id) : null;
    return Boolean(activity) && item.minutes < activity.minutes[0];
  }

  /** A plan with only what the planner understands, and how many items were left out. */
  function cleanPlan(raw) {
    const fresh = blank();
    if (!raw || typeof raw !== "object") return { plan: fresh, dropped: 0 };
    const given = Array.isArray(raw.items) ? raw.items : [];
    const known = given.map(cleanItem).filter(Boolean);
    const items = known.slice(0, MAX_ITEMS);
    return {
      plan: {
        title: tidy(raw.title),
        date: validDate(raw.date) ? raw.date : "",
        start: validTime(raw.start) ? raw.start : fresh.start,
        available: wholeMinutes(raw.available, fresh.available),
        items,
      },
      dropped: given.length - known.length,
      over: known.length - items.length,
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

  function stored() {
    try {
      return cleanPlan(JSON.parse(localStorage.getItem(STORAGE_KEY) || "null")).plan;
    } catch {
      return blank();
    }
  }

  function load() {
    const params = new URLSearchParams(location.search);
    const messages = [];
    if (["item", "title", "start"].some((name) => params.has(name))) {
      const linked = fromQuery(params);
      plan = linked.plan;
      const before = stored();
      if (before.items.length && toQuery(before) !== toQuery(plan)) saved = before;
      if (linked.dropped) {
        messages.push(
          `${plural(linked.dropped, "item")} in this link ${linked.dropped === 1 ? "is" : "are"} not in this curriculum, so ${linked.dropped === 1 ? "it was" : "they were"} left out.`,
        );
      }
      if (linked.over) {
        messages.push(
          `A plan can hold ${MAX_ITEMS} items, and this link has ${MAX_ITEMS + linked.over}, so the last ${plural(linked.over, "item")} ${linked.over === 1 ? "was" : "were"} left out.`,
        );
      }
    } else {
      plan = stored();
    }
    // "Add to plan" in the activity library links here with ?add=ID, or ?add=ID~MINUTES
    // when the library was filtered to a number of minutes.
    for (const value of params.getAll("add")) {
      const [id, minutes] = value.split("~");
      const item = cleanItem({ kind: "activity", id, minutes });
      if (item && plan.items.length < MAX_ITEMS) {
        plan.items.push(item);
        messages.push(`Added ${titleOf(item)}.`);
        arrivedWithAdd = true;
      }
    }
    if (saved) messages.push("This link replaced the plan saved in this browser.");
    showNotice(messages.join(" "), Boolean(saved));
  }

  // "Run this plan on a projector" carries the plan too, so run mode has it where this
  // browser keeps no storage (a private window, strict settings).
  const runLink = document.querySelector(".peerkit-run a");
  const runPage = runLink ? runLink.getAttribute("href").split("?")[0] : "";

  function save() {
    const query = toQuery(plan);
    history.replaceState(history.state, "", `${location.pathname}?${query}${location.hash}`);
    if (runLink) runLink.setAttribute("href", `${runPage}?${query}`);
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
  const used = () => plan.items.reduce((sum, item) => sum + item.minutes, 0);

  function timed() {
    let at = toMinutes(plan.start);
    const end = at + plan.available;
    return plan.items.map((item) => {
      const row = { item, start: at, end: at + item.minutes, over: at + item.minutes > end };
      at = row.end;
      return row;
    });
  }

  const titleOf = (item) => (item.kind === "activity" ? activities.get(item.id).title : item.text);

  function summary() {
    const minutes = used();
    const over = minutes - plan.available;
    return (
      `${plural(plan.items.length, "item")}, ${minutes} of ${plan.available} minutes. ` +
      `Ends at ${clock(toMinutes(plan.start) + minutes)}.` +
      (over > 0 ? ` Runs ${plural(over, "minute")} over the time available.` : "")
    );
  }

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

  function button(label, action, position) {
    return element("button", {
      type: "button",
      class: "md-button peerkit-small-button",
      "data-item-action": action,
      "data-position": String(position),
      text: label,
    });
  }

  /** Names that say which item a control belongs to, starting with its visible label. */
  function name(row, title) {
    row.querySelector("[data-item-action=up]").setAttribute("aria-label", `Up: move ${title} earlier`);
    row.querySelector("[data-item-action=down]").setAttribute("aria-label", `Down: move ${title} later`);
    row.querySelector("[data-item-action=remove]").setAttribute("aria-label", `Remove ${title}`);
    row.querySelector("[data-item-minutes]").setAttribute("aria-label", `Minutes for ${title}`);
  }

  /** Builds the list again: only when items are added, moved or removed. */
  function drawItems() {
    list.replaceChildren(
      ...plan.items.map((item, position) => {
        const activity = item.kind === "activity" ? activities.get(item.id) : null;
        const label = activity
          ? element("a", { href: base + activity.url, text: activity.title })
          : element("input", {
              type: "text",
              value: item.text,
              maxlength: String(TEXT_LIMIT),
              "aria-label": `Text of item ${position + 1}, ${kinds.get(item.kind).label}`,
              "data-item-text": String(position),
            });
        const what = activity
          ? `Activity from ${modules.get(activity.module).title}, ${activity.minutes[0]}–${activity.minutes[1]} minutes`
          : kinds.get(item.kind).label;
        const row = element(
          "li",
          { class: "peerkit-planner-item", "data-position": String(position) },
          element("span", { class: "peerkit-planner-time" }),
          element("span", { class: "peerkit-planner-name" }, label, " ", element("span", { class: "peerkit-hint", text: what })),
          element("strong", { class: "peerkit-over-flag", text: "Over time", hidden: "" }),
          element("strong", { class: "peerkit-short-flag", text: "Shortened", hidden: "" }),
          element(
            "span",
            { class: "peerkit-planner-minutes" },
            element("label", { for: `planner-minutes-${position}`, text: "Minutes" }),
            element("input", {
              id: `planner-minutes-${position}`,
              type: "number",
              min: "1",
              max: "480",
              value: String(item.minutes),
              "data-item-minutes": String(position),
            }),
          ),
          element(
            "span",
            { class: "peerkit-planner-buttons" },
            button("Up", "up", position),
            button("Down", "down", position),
            button("Remove", "remove", position),
          ),
        );
        name(row, titleOf(item));
        return row;
      }),
    );
    empty.hidden = plan.items.length > 0;
    count.textContent = String(plan.items.length);
    showProblem("");
    retime();
  }

  /** Times, overrun flags, the total and the printed agenda, without touching the controls
   * (so typing, focus and the next click are never lost). */
  function retime() {
    const rows = timed();
    rows.forEach(({ start, end, over }, position) => {
      const row = list.children[position];
      if (!row) return;
      row.querySelector(".peerkit-planner-time").textContent = `${clock(start)}–${clock(end)}`;
      row.classList.toggle("peerkit-over", over);
      row.querySelector(".peerkit-over-flag").hidden = !over;
      row.querySelector(".peerkit-short-flag").hidden = !shortened(plan.items[position]);
    });
    total.classList.toggle("peerkit-over", used() > plan.available);
    total.textContent = summary();
    drawPrint(rows);
  }

  function drawPrint(rows) {
    const print = $("[data-planner-print]");
    const when = [plan.date, `${plan.start} to ${clock(toMinutes(plan.start) + used())}`]
      .filter(Boolean)
      .join(", ");
    const header = ["Time", "Item", "Minutes"].map((h) => element("th", { scope: "col", text: h }));
    const table = element(
      "table",
      { class: "peerkit-agenda" },
      element("thead", {}, element("tr", {}, ...header)),
      element(
        "tbody",
        {},
        ...rows.map(({ item, start, end, over }) =>
          element(
            "tr",
            {},
            element("td", { text: `${clock(start)}–${clock(end)}` }),
            element("td", { text: titleOf(item) + (over ? " (over time)" : "") }),
            element("td", { text: String(item.minutes) }),
          ),
        ),
      ),
    );
    if (rows.some(({ item }) => item.kind === "activity")) withDetails();
    const steps = rows
      .filter(({ item }) => item.kind === "activity")
      .map(({ item, start }) => {
        const activity = activities.get(item.id);
        return element(
          "section",
          { class: "peerkit-agenda-activity" },
          element("h3", { text: `${clock(start)} ${activity.title} (${item.minutes} minutes)` }),
          element("p", { text: activity.aim }),
          ...(activity.contentNotes || []).map((note) => element("p", { text: `Content note: ${note}` })),
          activity.materials && activity.materials.length
            ? element("p", { text: `You need: ${activity.materials.join("; ")}` })
            : null,
          element("ol", {}, ...(activity.steps || []).map((step) => element("li", { text: step }))),
          activity.onlineVariation
            ? element("p", { text: `Online: ${activity.onlineVariation}` })
            : null,
        );
      });
    const missing =
      detailsMissing && steps.length
        ? element("p", {
            text: "The activities' steps could not be loaded, so this agenda leaves them out: reload the page when you are online, then print again.",
          })
        : null;
    print.replaceChildren(
      element("h2", { text: plan.title || "Session plan" }),
      element("p", { text: when }),
      table,
      ...[missing, ...steps].filter(Boolean),
    );
  }

  function drawDetails() {
    details.elements.title.value = plan.title;
    details.elements.date.value = plan.date;
    details.elements.start.value = plan.start;
    details.elements.available.value = String(plan.available);
  }

  /** A refusal, said next to the buttons that caused it (and aloud). */
  function showProblem(message) {
    problem.hidden = !message;
    problem.textContent = message;
    if (!message) return;
    announce(message);
    // Below the button, which may sit at the foot of the screen: bring it into sight.
    problem.scrollIntoView({ block: "nearest" });
  }

  function showNotice(message, offerRestore) {
    notice.hidden = !message;
    notice.querySelector("[data-planner-notice-text]").textContent = message;
    notice.querySelector("[data-planner-action=restore]").hidden = !offerRestore;
  }

  // --- picking activities --------------------------------------------------------------------

  const filters = $("[data-planner-filters]");
  const results = $("[data-planner-results]");
  const found = $("[data-planner-found]");

  // On a large site the list holds a page of rows at a time ("Show more" adds the next).
  const rows = Number(results.dataset.plannerRows) || Infinity;
  const more = $("[data-planner-more]");
  let shown = index.activities;
  let drawn = results.children.length;
  function offerMore() {
    if (!more) return;
    const left = shown.length - drawn;
    more.parentElement.hidden = left <= 0;
    more.textContent = `Show ${Math.min(rows, left)} more`;
    $("[data-planner-more-left]").textContent = `(${left.toLocaleString("en-GB")} not shown yet)`;
  }
  if (more) {
    more.addEventListener("click", () => {
      const first = drawn;
      drawn = Math.min(shown.length, drawn + rows);
      results.append(...shown.slice(first, drawn).map(row));
      offerMore();
      results.children[first]?.querySelector("a").focus();
    });
    offerMore();
  }

  function drawResults() {
    // The activity library's filter (filter.js): the same fields mean the same here.
    const { activity, matches, wanted } = window.peerkitFilter;
    const want = wanted(filters);
    shown = index.activities.filter((a) => matches(activity(a, modules), want));
    found.textContent =
      shown.length === index.activities.length
        ? `All ${shown.length.toLocaleString("en-GB")} activities`
        : `${shown.length.toLocaleString("en-GB")} ${shown.length === 1 ? "activity" : "activities"} found`;
    drawn = Math.min(shown.length, rows);
    results.replaceChildren(...shown.slice(0, drawn).map(row));
    offerMore();
  }

  function row(a) {
    return element(
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

  function announce(message) {
    announcer.textContent = "";
    // Emptied first, then filled a moment later, so a repeated message is read again.
    setTimeout(() => {
      announcer.textContent = message;
    }, 50);
  }

  /** A short confirmation beside the button that added something (replacing any other). */
  function confirmBeside(button, message) {
    for (const old of root.querySelectorAll("[data-planner-added]")) old.remove();
    button.after(element("span", { class: "peerkit-planner-added", "data-planner-added": "", text: message }));
  }

  function add(item, button) {
    if (plan.items.length >= MAX_ITEMS) {
      const full = `A plan can hold ${MAX_ITEMS} items. Remove one to add another.`;
      confirmBeside(button, full);
      announce(full);
      return;
    }
    plan.items.push(item);
    save();
    drawItems();
    const at = clock(timed().at(-1).start);
    confirmBeside(button, `Added at ${at}, item ${plan.items.length}`);
    announce(`Added ${titleOf(item)} at ${at}. ${summary()}`);
  }

  /** A module's version: its whole running order, each item at the version's minutes. */
  function addVersion(key, button) {
    const [moduleId, versionId] = key.split("~");
    const module = modules.get(moduleId);
    const version = module && (module.versions || []).find((v) => v.id === versionId);
    if (!version) return;
    const items = version.items.map(cleanItem).filter(Boolean);
    if (plan.items.length + items.length > MAX_ITEMS) {
      const full = `A plan can hold ${MAX_ITEMS} items, and this adds ${items.length}. Remove some first.`;
      confirmBeside(button, full);
      announce(full);
      return;
    }
    const from = plan.items.length;
    plan.items.push(...items);
    if (!plan.title) plan.title = tidy(`${module.title}: ${version.label.toLowerCase()}`);
    save();
    drawDetails();
    drawItems();
    const at = clock(timed()[from].start);
    confirmBeside(button, `Added ${items.length} items from ${at}`);
    announce(`Added the ${version.label.toLowerCase()} of ${module.title}, ${items.length} items from ${at}. ${summary()}`);
  }

  function move(action, position) {
    const item = plan.items[position];
    if (!item) return;
    const title = titleOf(item);
    if (action === "remove") {
      plan.items.splice(position, 1);
      save();
      drawItems();
      announce(`Removed ${title}. ${summary()}`);
      const next = list.querySelectorAll("[data-item-action=remove]")[Math.min(position, plan.items.length - 1)];
      (next || $("#planner-yours")).focus();
      return;
    }
    const to = action === "up" ? position - 1 : position + 1;
    if (to < 0 || to >= plan.items.length) {
      announce(`${title} is already ${to < 0 ? "first" : "last"}.`);
      return;
    }
    plan.items.splice(position, 1);
    plan.items.splice(to, 0, item);
    save();
    drawItems();
    announce(`Moved ${title} to position ${to + 1} of ${plan.items.length}. ${summary()}`);
    list.querySelector(`[data-item-action="${action}"][data-position="${to}"]`)?.focus();
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target || !root.contains(target)) return;
    if (target.dataset.addActivity) {
      // Filtered to "up to N minutes", an activity that can run in N goes in at N.
      const activity = activities.get(target.dataset.addActivity);
      const upTo = wholeMinutes(new FormData(filters).get("to"), 0);
      const minutes =
        (activity && window.peerkitFilter.plannedMinutes(activity.minutes[0], activity.minutes[1], upTo)) ||
        undefined;
      const item = cleanItem({ kind: "activity", id: target.dataset.addActivity, minutes });
      if (item) add(item, target);
    } else if (target.dataset.addVersion) {
      addVersion(target.dataset.addVersion, target);
    } else if (target.dataset.addKind) {
      const item = cleanItem({ kind: target.dataset.addKind });
      if (item) add(item, target);
    } else if (target.dataset.itemAction) {
      move(target.dataset.itemAction, Number(target.dataset.position));
    } else if (target.dataset.plannerAction === "print") {
      // The agenda's steps may still be on their way: print once they are here.
      if (plan.items.some((item) => item.kind === "activity")) withDetails().finally(() => window.print());
      else window.print();
    } else if (target.dataset.plannerAction === "download") {
      download();
    } else if (target.dataset.plannerAction === "restore" && saved) {
      plan = saved;
      saved = null;
      save();
      drawDetails();
      drawItems();
      showNotice("", false);
      announce(`Back to the plan saved in this browser. ${summary()}`);
    } else if (target.dataset.plannerAction === "clear") {
      if (plan.items.length === 0 || window.confirm("Remove every item and start a new plan?")) {
        plan = blank();
        save();
        drawDetails();
        drawItems();
        announce("Started a new plan.");
      }
    }
  });

  // Minutes and text follow each keystroke; the list itself is left alone while you type.
  list.addEventListener("input", (event) => {
    const target = event.target;
    if (target.dataset.itemMinutes !== undefined) {
      const item = plan.items[Number(target.dataset.itemMinutes)];
      item.minutes = wholeMinutes(target.value, item.minutes);
    } else if (target.dataset.itemText !== undefined) {
      const item = plan.items[Number(target.dataset.itemText)];
      item.text = tidy(target.value) || kinds.get(item.kind).label;
      name(target.closest("li"), item.text);
    } else {
      return;
    }
    save();
    retime();
  });

  list.addEventListener("change", (event) => {
    const target = event.target;
    if (target.dataset.itemMinutes !== undefined) {
      const item = plan.items[Number(target.dataset.itemMinutes)];
      target.value = String(item.minutes); // a value that was not a whole number goes back
      announce(`${titleOf(item)} takes ${plural(item.minutes, "minute")}. ${summary()}`);
    } else if (target.dataset.itemText !== undefined) {
      target.value = plan.items[Number(target.dataset.itemText)].text;
    }
  });

  function readDetails() {
    const fields = details.elements;
    plan.title = tidy(fields.title.value);
    plan.date = validDate(fields.date.value) ? fields.date.value : "";
    plan.start = validTime(fields.start.value) ? fields.start.value : plan.start;
    plan.available = wholeMinutes(fields.available.value, plan.available);
    save();
    retime();
  }
  details.addEventListener("input", readDetails);
  details.addEventListener("change", (event) => {
    readDetails();
    if (event.target.name !== "title") drawDetails();
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
      if (shortened(item)) lines.push("    shortened: true");
    }
    return `${lines.join("\n")}\n`;
  }

  function filename() {
    const slug = (plan.title || "session plan")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "");
    return `${Array.from(slug).slice(0, 60).join("").replace(/-+$/, "") || "session-plan"}.yml`;
  }

  function download() {
    const over = used() - plan.available;
    let refusal = "";
    if (plan.items.length === 0) refusal = "Add at least one item before downloading the plan.";
    else if (over > 0) {
      refusal =
        `The plan runs ${plural(over, "minute")} over the time available, and peerkit would ` +
        "refuse it. Shorten or remove an item, or give the session more minutes, then download.";
    }
    if (refusal) {
      showProblem(refusal);
      return;
    }
    showProblem("");
    const link = element("a", {
      href: URL.createObjectURL(new Blob([yaml()], { type: "text/yaml" })),
      download: filename(),
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  // --- start ---------------------------------------------------------------------------

  load();
  for (const part of root.querySelectorAll("[data-planner-ui]")) part.hidden = false;
  for (const field of root.querySelectorAll("[data-planner-wait]")) field.disabled = false;
  drawDetails();
  drawKinds();
  // The page already lists every activity: redraw only if the filters hold something.
  if ([...new FormData(filters).values()].some((value) => String(value).trim())) drawResults();
  save();
  drawItems();
  $("[data-planner-jump]").addEventListener("click", (event) => {
    event.preventDefault();
    const heading = $("#planner-yours");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  });
  // Arriving from "Add to plan": the plan, with what was added, is where focus starts.
  if (arrivedWithAdd) {
    const heading = $("#planner-yours");
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }
});
