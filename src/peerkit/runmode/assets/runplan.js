/* peerkit run mode for the session planner's plan: puts the screens of the planner's items
   (from this page's templates) in the planner's order before runmode.js starts. The plan is
   read from the address bar (the planner's own format) or from the planner's local storage.
   Text from the plan is written with textContent, never as HTML. */
(() => {
  "use strict";
  const main = document.getElementById("run");
  const library = document.getElementById("run-library");
  if (!main || !library || !("planner" in main.dataset)) return;
  const data = JSON.parse(library.dataset.json);
  const params = new URLSearchParams(location.search);
  const tidy = (value) => String(value ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
  const whole = (value, fallback) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 1 && n <= 480 ? n : fallback;
  };

  function fromQuery() {
    return {
      title: params.get("title"),
      start: params.get("start"),
      items: params.getAll("item").map((value) => {
        const [kind, first = "", ...rest] = value.split("~");
        return kind === "activity" ? { kind, id: first, minutes: rest[0] }
          : { kind, minutes: first, text: rest.join("~") };
      }),
    };
  }
  function stored() {
    try {
      const key = `peerkit-planner:${new URL("../", location.href).pathname}`;
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (e) { return null; }
  }
  const raw = params.has("item") ? fromQuery() : stored();
  if (!raw || !Array.isArray(raw.items)) return;
  const start = /^([01]\d|2[0-3]):[0-5]\d$/.test(String(raw.start)) ? raw.start : "10:00";
  const items = raw.items.map((item) => {
    if (item && item.kind === "activity" && data.activities[item.id]) {
      const a = data.activities[item.id];
      return { ...a, kind: "activity", id: item.id, minutes: whole(item.minutes, 15) };
    }
    if (item && item.kind !== "activity" && item.kind !== "module" && data.kinds[item.kind]) {
      return { kind: item.kind, title: tidy(item.text) || data.kinds[item.kind],
        minutes: whole(item.minutes, 10), notes: [], steps: [] };
    }
    return null;
  }).filter(Boolean).slice(0, 100);
  if (!items.length) return;

  // Each item starts when the one before it ends, as the planner shows it.
  const [h, m] = start.split(":").map(Number);
  let offset = 0;
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (minutes) => {
    const t = (((h * 60 + m + minutes) % 1440) + 1440) % 1440;
    return `${pad(Math.floor(t / 60))}:${pad(t % 60)}`;
  };
  for (const item of items) {
    Object.assign(item, { day: 1, offset, start: clock(offset) });
    offset += item.minutes;
  }

  const screens = [];
  const noted = new Set();
  const sections = (selector) => {
    const template = document.querySelector(selector);
    return template ? Array.from(template.content.querySelectorAll(".screen"), (s) => s.cloneNode(true)) : [];
  };
  items.forEach((item, index) => {
    let mine;
    if (item.kind === "activity") {
      mine = [];
      if (!noted.has(item.module)) {
        noted.add(item.module);
        mine = sections(`template[data-module-notes="${CSS.escape(item.module)}"]`);
      }
      mine = mine.concat(sections(`template[data-activity="${CSS.escape(item.id)}"]`));
    } else {
      mine = sections(`template[data-kind="${CSS.escape(item.kind)}"]`);
      for (const screen of mine) {
        const heading = screen.querySelector("h1");
        if (screen.classList.contains("screen-welcome")) {
          heading.textContent = raw.title ? `Welcome to ${tidy(raw.title)}` : "Welcome";
        } else if (!screen.classList.contains("screen-support")) {
          heading.textContent = item.title;
        }
        const back = screen.querySelector(".back-at");
        if (back) {
          back.textContent = clock(item.offset + item.minutes);
          back.setAttribute("datetime", back.textContent);
        }
      }
    }
    for (const screen of mine) {
      screen.dataset.item = String(index);
      screens.push(screen);
    }
  });

  const total = screens.length;
  screens.forEach((screen, i) => {
    const n = i + 1;
    screen.id = `screen-${n}`;
    screen.querySelector("h1").id = `screen-${n}-h`;
    screen.setAttribute("aria-labelledby", `screen-${n}-h`);
    const count = screen.querySelector(".screen-count");
    if (count) count.textContent = ` · ${n} of ${total}`;
    if (screen.classList.contains("screen-note")) {
      const after = screens.findIndex((s, j) => j > i && s.dataset.item !== screen.dataset.item);
      screen.dataset.skipTo = String(after < 0 ? total : after + 1);
    }
  });
  main.replaceChildren(...screens);
  const plan = { title: tidy(raw.title) || "Your plan", items: items.map((item) => ({
    title: item.title, kind: item.kind, day: 1, start: item.start, offset: item.offset,
    minutes: item.minutes, notes: item.notes, steps: item.steps })) };
  const json = JSON.stringify(plan);
  let hash = 0;
  for (const c of json) hash = (hash * 31 + c.codePointAt(0)) | 0;
  main.dataset.key = `plan:${(hash >>> 0).toString(36)}`;
  const tag = document.createElement("div");
  tag.id = "run-plan";
  tag.hidden = true;
  tag.dataset.json = json;
  document.body.append(tag);
  const list = document.querySelector(".run-jump ol");
  if (list) {
    list.replaceChildren(...items.map((item, index) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.jump = String(index);
      button.textContent = `${item.start} ${item.title}`;
      li.append(button);
      return li;
    }));
  }
  document.title = `Run: ${plan.title}`;
})();
