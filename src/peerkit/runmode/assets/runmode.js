/* peerkit run mode: one screen at a time for the projector, and (with #presenter) the
   presenter view, kept in step through BroadcastChannel, localStorage and postMessage
   (whichever the browser allows: all three work from a folder in Chromium). No sound, no
   animation, nothing fetched. */
(() => {
  "use strict";
  const root = document.documentElement;
  const main = document.getElementById("run");
  const data = document.getElementById("run-plan");
  if (!main || !data) return;
  root.classList.add("js");
  const screens = Array.from(main.querySelectorAll(".screen"));
  // A screen too full for a small window scrolls: keyboard users can reach it.
  for (const screen of screens) screen.tabIndex = 0;
  const items = JSON.parse(data.dataset.json).items;
  const key = "peerkit-run:" + main.dataset.key;
  const presenter = location.hash === "#presenter";
  const me = Math.random().toString(36).slice(2);
  const MINUTE = 60000;
  const KEEP = 12 * 60 * MINUTE; // a saved place older than this is a new session
  const THEME = "peerkit-run-theme";
  const black = document.querySelector(".run-black");
  const help = document.querySelector(".run-help");
  const jump = document.querySelector(".run-jump");
  let child = null;
  let view = null;

  const now = () => Date.now();
  const itemOf = (index) => Number(screens[index].dataset.item);
  const clamp = (n, lo, hi) => Math.min(hi, Math.max(lo, n));

  function fresh() {
    return { screen: 0, step: 0, black: false, started: now(), paused: null, pausedFor: 0,
      itemAt: 0, stepAt: 0, seq: 0, from: me, saved: now() };
  }
  /** Milliseconds of the session so far, leaving out time paused. */
  function elapsed(s = state) {
    const t = now();
    return t - s.started - s.pausedFor - (s.paused !== null ? t - s.paused : 0);
  }

  let state = fresh();
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && now() - saved.saved < KEEP && saved.screen < screens.length) state = saved;
  } catch (e) { /* private mode: start afresh */ }
  try { if (localStorage.getItem(THEME)) root.dataset.theme = localStorage.getItem(THEME); }
  catch (e) { /* no storage */ }

  // --- keeping windows in step ---------------------------------------------------------
  let channel = null;
  try {
    channel = new BroadcastChannel(key);
    channel.onmessage = (event) => receive(event.data);
  } catch (e) { channel = null; }
  window.addEventListener("storage", (event) => {
    if (event.key === key && event.newValue) receive({ state: JSON.parse(event.newValue) });
  });
  window.addEventListener("message", (event) => {
    if (event.source !== window.opener && event.source !== child) return;
    if (event.data && event.data.key === key) receive(event.data);
  });
  function send(message) {
    message.key = key;
    if (channel) channel.postMessage(message);
    for (const other of [window.opener, child]) {
      try { if (other && !other.closed) other.postMessage(message, "*"); }
      catch (e) { /* closed meanwhile */ }
    }
  }
  function receive(message) {
    if (!message) return;
    if (message.hello) { send({ state }); return; }
    const s = message.state;
    if (!s || typeof s.seq !== "number") return;
    if (s.seq > state.seq || (s.seq === state.seq && s.from > state.from)) {
      state = s;
      render();
    }
  }
  function commit(next) {
    next.seq = state.seq + 1;
    next.from = me;
    next.saved = now();
    state = next;
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* no storage */ }
    send({ state });
    render();
  }

  // --- moving through the plan -----------------------------------------------------------
  function go(index) {
    index = clamp(index, 0, screens.length - 1);
    if (index === state.screen) return;
    const next = { ...state, screen: index, black: false };
    const before = items[itemOf(state.screen)];
    const after = items[itemOf(index)];
    if (before !== after) {
      if (before.day !== after.day) {
        Object.assign(next, { started: now(), pausedFor: 0, paused: state.paused !== null ? now() : null });
        next.itemAt = 0;
      } else {
        next.itemAt = elapsed();
      }
      next.step = 0;
      next.stepAt = next.itemAt;
    }
    commit(next);
  }
  function firstScreenOf(item) {
    return screens.findIndex((s) => itemOf(screens.indexOf(s)) === item);
  }
  function skip() {
    const to = Number(screens[state.screen].dataset.skipTo || 0);
    if (to) go(to - 1);
  }
  function step(by) {
    const steps = items[itemOf(state.screen)].steps;
    if (!steps.length) return;
    commit({ ...state, step: clamp(state.step + by, 0, steps.length - 1), stepAt: elapsed() });
  }
  function pause() {
    if (state.paused === null) commit({ ...state, paused: now() });
    else commit({ ...state, pausedFor: state.pausedFor + now() - state.paused, paused: null });
  }
  function restart() {
    commit({ ...state, started: now() - items[itemOf(state.screen)].offset * MINUTE,
      pausedFor: 0, paused: null, itemAt: items[itemOf(state.screen)].offset * MINUTE,
      stepAt: items[itemOf(state.screen)].offset * MINUTE });
  }
  function theme() {
    const dark = root.dataset.theme
      ? root.dataset.theme === "dark"
      : matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
    try { localStorage.setItem(THEME, root.dataset.theme); } catch (e) { /* no storage */ }
  }
  function openPresenter() {
    child = window.open(location.href.split("#")[0] + "#presenter", key.replace(/\W/g, "-"),
      "width=1280,height=800");
    if (child) setTimeout(() => send({ state }), 300);
  }

  // --- figures -----------------------------------------------------------------------
  const pad = (n) => String(n).padStart(2, "0");
  function span(ms) {
    const sign = ms < 0 ? "−" : "";
    const s = Math.floor(Math.abs(ms) / 1000);
    return `${sign}${Math.floor(s / 60)}:${pad(s % 60)}`;
  }
  function clock(date) {
    return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }
  /** Minutes behind the plan (negative: ahead): how late the current item started, and
   * how far it has run past its own minutes. */
  function behind() {
    const item = items[itemOf(state.screen)];
    const e = elapsed();
    const over = Math.max(0, e - state.itemAt - item.minutes * MINUTE);
    return Math.round((state.itemAt - item.offset * MINUTE + over) / MINUTE);
  }
  function planText(minutes) {
    if (minutes === 0) return "On time";
    const n = Math.abs(minutes);
    return `${n} minute${n === 1 ? "" : "s"} ${minutes > 0 ? "behind" : "ahead"}`;
  }
  function backAt() {
    const item = items[itemOf(state.screen)];
    const wall = now() - (elapsed() - state.itemAt) + item.minutes * MINUTE;
    return clock(new Date(wall));
  }

  // --- drawing -------------------------------------------------------------------------
  function render() {
    screens.forEach((screen, index) => { screen.hidden = index !== state.screen; });
    const current = screens[state.screen];
    const back = current.querySelector(".back-at");
    if (back) back.textContent = backAt();
    if (black) black.hidden = !state.black;
    document.title = `${presenter ? "Presenter: " : ""}${state.screen + 1}/${screens.length} ` +
      current.querySelector("h1").textContent;
    if (presenter) drawPresenter();
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }
  function preview(index) {
    if (index >= screens.length) return el("p", { text: "The end of the session." });
    const copy = screens[index].cloneNode(true);
    copy.hidden = false;
    copy.removeAttribute("id");
    copy.removeAttribute("tabindex");
    copy.removeAttribute("aria-labelledby");
    for (const node of copy.querySelectorAll("[id]")) node.removeAttribute("id");
    for (const heading of copy.querySelectorAll("h1, h2")) {
      const p = el("p", { class: heading.tagName === "H1" ? "screen-title" : "screen-sub" });
      p.append(...heading.childNodes);
      heading.replaceWith(p);
    }
    return el("div", { class: "preview" }, copy);
  }
  function button(label, action, extra = {}) {
    const b = el("button", { type: "button", text: label, ...extra });
    b.addEventListener("click", action);
    return b;
  }
  function buildPresenter() {
    document.body.classList.add("presenter");
    const bar = el("header", { class: "presenter-bar" },
      el("h1", { class: "presenter-title", text: `Presenter: ${JSON.parse(data.dataset.json).title}` }),
      figure("Time now", "clock"), figure("This item", "item"), figure("Left", "left"),
      figure("Step", "step"), figure("Plan", "plan"));
    view = {
      bar,
      now: el("section", { class: "presenter-now", "aria-labelledby": "p-now" }),
      next: el("section", { class: "presenter-next", "aria-labelledby": "p-next" }),
      notes: el("section", { class: "presenter-notes", "aria-labelledby": "p-notes", tabindex: "0" }),
    };
    const controls = el("nav", { class: "presenter-controls", "aria-label": "Presenter controls" },
      button("← Previous", () => go(state.screen - 1)),
      button("Next →", () => go(state.screen + 1)),
      button("Previous step", () => step(-1)),
      button("Next step", () => step(1)),
      button("Pause", pause, { "data-pause": "" }),
      button("Black screen", () => commit({ ...state, black: !state.black })),
      button("Go to…", () => openDialog(jump)),
      button("Keys", () => openDialog(help)));
    const wrap = el("main", { class: "presenter-view" }, bar, view.now, view.next, view.notes);
    main.removeAttribute("aria-live");
    main.setAttribute("aria-hidden", "true");
    document.body.prepend(wrap, controls);
  }
  function figure(caption, name) {
    return el("div", { class: "figure" }, el("span", { class: "caption", text: caption }),
      el("output", { "data-figure": name, class: name === "item" || name === "left" ? "timer" : "" }));
  }
  function drawPresenter() {
    if (!view) buildPresenter();
    const index = state.screen;
    const item = items[itemOf(index)];
    view.now.replaceChildren(
      el("h2", { id: "p-now", text: `Now: screen ${index + 1} of ${screens.length}, ${item.start} ${item.title}` }),
      preview(index));
    view.next.replaceChildren(el("h2", { id: "p-next", text: "Next" }), preview(index + 1));
    const notes = [el("h2", { id: "p-notes", text: `Notes: ${item.title} (${item.minutes} minutes)` })];
    if (screens[index].dataset.skipTo) {
      notes.push(el("p", { class: "skip-hint", text: "A content note: press S to skip this activity, or → to go on." }));
    }
    if (item.steps.length) {
      const list = el("ol", { class: "presenter-steps" });
      item.steps.forEach((s, i) => {
        const li = el("li", i === state.step ? { class: "current", "aria-current": "step" } : {});
        if (s.minutes) li.append(el("span", { class: "minutes", text: `${s.minutes} min · ` }));
        li.append(s.text);
        list.append(li);
      });
      notes.push(list);
    }
    for (const note of item.notes) {
      for (const part of note.split(/\n\s*\n/)) notes.push(el("p", { text: part }));
    }
    view.notes.replaceChildren(...notes);
    const current = view.notes.querySelector("li.current");
    if (current && view.notes.scrollHeight > view.notes.clientHeight) {
      // The current step in sight within the notes (the page itself does not move).
      view.notes.scrollTop = current.offsetTop - view.notes.offsetTop - 8;
    }
    const pauseButton = document.querySelector("[data-pause]");
    if (pauseButton) pauseButton.textContent = state.paused !== null ? "Resume" : "Pause";
    tick();
  }
  function tick() {
    if (!view) return;
    const item = items[itemOf(state.screen)];
    const e = elapsed();
    const inItem = e - state.itemAt;
    const left = item.minutes * MINUTE - inItem;
    const set = (name, text, extra) => {
      const out = view.bar.querySelector(`[data-figure="${name}"]`);
      out.textContent = text;
      if (extra) for (const [k, v] of Object.entries(extra)) out.dataset[k] = v;
      return out;
    };
    set("clock", clock(new Date()) + (state.paused !== null ? " (timer paused)" : ""));
    set("item", `${span(inItem)} of ${item.minutes}:00`);
    const leftOut = set("left", left >= 0 ? `${span(left)} left` : `${span(-left)} over`);
    const soon = Math.min(2 * MINUTE, (item.minutes * MINUTE) / 4);
    leftOut.classList.toggle("soon", left >= 0 && left <= soon);
    leftOut.classList.toggle("over", left < 0);
    const s = item.steps[state.step];
    if (s) {
      const inStep = e - state.stepAt;
      const stepLeft = s.minutes ? s.minutes * MINUTE - inStep : null;
      const minutes = s.minutes
        ? ` of ${s.minutes}:00, ${stepLeft >= 0 ? `${span(stepLeft)} left` : `${span(-stepLeft)} over`}`
        : "";
      set("step", `${state.step + 1} of ${item.steps.length}: ${span(inStep)}${minutes}`);
    } else set("step", "none");
    const minutes = behind();
    const planOut = set("plan", planText(minutes), { behind: String(minutes) });
    planOut.classList.toggle("behind", minutes > 0);
  }

  // --- dialogs -------------------------------------------------------------------------
  let returnFocus = null;
  function openDialog(dialog) {
    if (!dialog) return;
    closeDialogs();
    returnFocus = document.activeElement;
    dialog.hidden = false;
    const first = dialog === jump
      ? dialog.querySelector(`[data-jump="${itemOf(state.screen)}"]`)
      : dialog.querySelector("button");
    if (first) first.focus();
  }
  function closeDialogs() {
    const open = [help, jump].some((d) => d && !d.hidden);
    for (const d of [help, jump]) if (d) d.hidden = true;
    if (open && returnFocus && returnFocus.focus) returnFocus.focus();
  }
  const dialogOpen = () => [help, jump].some((d) => d && !d.hidden);

  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-run], [data-jump]");
    if (!target) return;
    const action = target.dataset.run;
    if (target.dataset.jump !== undefined) {
      closeDialogs();
      go(firstScreenOf(Number(target.dataset.jump)));
    } else if (action === "next") go(state.screen + 1);
    else if (action === "prev") go(state.screen - 1);
    else if (action === "presenter") openPresenter();
    else if (action === "help") openDialog(help);
    else if (action === "close") closeDialogs();
  });

  // ↓ and ↑ first scroll a screen (or the presenter's notes) too long for the projector,
  // then move on at its end; Page Down, Space and a clicker always move on.
  function scrollsFurther(event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return null;
    const target = event.target.closest && event.target.closest(".screen, .presenter-notes");
    const box = target || screens[state.screen];
    if (!box || box.scrollHeight <= box.clientHeight + 1) return null;
    const further =
      event.key === "ArrowUp"
        ? box.scrollTop > 0
        : box.scrollTop + box.clientHeight < box.scrollHeight - 1;
    return further ? box : null;
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (dialogOpen()) {
      if (event.key === "Escape" || event.key === "?") { closeDialogs(); event.preventDefault(); }
      if (jump && !jump.hidden && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        const buttons = Array.from(jump.querySelectorAll("li button"));
        const at = buttons.indexOf(document.activeElement);
        const next = buttons[clamp(at + (event.key === "ArrowDown" ? 1 : -1), 0, buttons.length - 1)];
        if (next) next.focus();
        event.preventDefault();
      }
      return;
    }
    const onControl = event.target.closest && event.target.closest("button, a, input");
    if (onControl && (event.key === " " || event.key === "Enter")) return;
    const scroller = scrollsFurther(event);
    if (scroller) {
      if (scroller.contains(event.target)) return; // the browser scrolls what has focus
      scroller.scrollBy({ top: (event.key === "ArrowDown" ? 1 : -1) * 48 });
      event.preventDefault();
      return;
    }
    const actions = {
      ArrowRight: () => go(state.screen + 1), ArrowDown: () => go(state.screen + 1),
      PageDown: () => go(state.screen + 1), " ": () => go(state.screen + 1),
      ArrowLeft: () => go(state.screen - 1), ArrowUp: () => go(state.screen - 1),
      PageUp: () => go(state.screen - 1), Backspace: () => go(state.screen - 1),
      Home: () => go(0), End: () => go(screens.length - 1),
      g: () => openDialog(jump), s: skip, p: pause, r: restart,
      n: () => step(1), "]": () => step(1), "[": () => step(-1),
      b: () => commit({ ...state, black: !state.black }),
      ".": () => commit({ ...state, black: !state.black }),
      Escape: () => state.black && commit({ ...state, black: false }),
      w: openPresenter, t: theme, "?": () => openDialog(help),
      f: () => (document.fullscreenElement ? document.exitFullscreen()
        : root.requestFullscreen && root.requestFullscreen().catch(() => {})),
    };
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key] ||
      actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // --- touch and pointer ----------------------------------------------------------------
  let touch = null;
  document.addEventListener("touchstart", (event) => {
    touch = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
  }, { passive: true });
  document.addEventListener("touchend", (event) => {
    if (!touch || dialogOpen()) return;
    const t = event.changedTouches[0];
    const dx = t.clientX - touch.x;
    const dy = t.clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) go(state.screen + (dx < 0 ? 1 : -1));
    else if (Math.abs(dx) < 10 && Math.abs(dy) < 10 && !presenter && event.target.closest(".run-screens")) {
      if (t.clientX > innerWidth * 0.67) go(state.screen + 1);
      else if (t.clientX < innerWidth * 0.33) go(state.screen - 1);
    }
  });
  const bar = document.querySelector(".run-bar");
  let hideBar = 0;
  document.addEventListener("mousemove", () => {
    if (!bar) return;
    bar.classList.add("shown");
    clearTimeout(hideBar);
    hideBar = setTimeout(() => bar.classList.remove("shown"), 3000);
  });

  render();
  setInterval(() => {
    tick();
    const back = screens[state.screen].querySelector(".back-at");
    if (back && state.paused === null) back.textContent = backAt();
  }, 1000);
  send({ hello: true });
})();
