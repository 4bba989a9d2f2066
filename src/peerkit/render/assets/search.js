// Search without weighing down every page. peerkit writes this script inline at the end of
// each page (never in <head>), just before Material's bundle.
//
// - Opened from a folder (file://), browsers refuse Web Workers, so the iframe-worker shim
//   (served by the site itself) stands in for them. Only there: over http it is never loaded.
// - Material fetches the whole search index (hundreds of KB) as soon as a page loads (over
//   http search_index.json, from a folder search_index.js). Here that request waits until
//   someone opens search (focuses the search box, presses a search
//   shortcut or taps the search button), so reading a page costs nothing for search.
(() => {
  "use strict";

  const script = document.currentScript;
  if (location.protocol === "file:" && script?.dataset.shim && !("IFrameWorker" in window)) {
    const shim = new URL(script.dataset.shim, location.href).href;
    // Written in while the page is still being read, so the shim runs before Material's
    // (deferred) bundle starts its search worker.
    document.write(`<script src="${shim}"><\/script>`);
  }

  const INDEX = /\/search\/search_index\.json(?:$|[?#])/;
  const SCRIPT = /\/search\/search_index\.js(?:$|[?#])/;
  const waiting = [];
  let wanted = false;

  // From a folder Material reads the index from a script (search_index.js) it adds to <head>
  // as the page loads: that script waits the same way.
  const head = document.head;
  const append = head.appendChild;
  head.appendChild = function (node) {
    if (!wanted && node instanceof HTMLScriptElement && SCRIPT.test(node.src)) {
      waiting.push(() => append.call(head, node));
      return node;
    }
    return append.call(this, node);
  };

  function release() {
    if (wanted) return;
    wanted = true;
    for (const send of waiting.splice(0)) send();
  }

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const index = new WeakSet();
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (INDEX.test(String(url))) index.add(this);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (wanted || !index.has(this)) return send.apply(this, args);
    waiting.push(() => send.apply(this, args));
    return undefined;
  };

  // What opens search: the search box or its button, a shortcut, or a page that starts with
  // search open (a shared ?q= link).
  const isSearch = (target) =>
    target instanceof Element &&
    target.closest("[data-md-component=search], label[for=__search], .md-search");
  document.addEventListener("focusin", (event) => isSearch(event.target) && release(), true);
  document.addEventListener("pointerdown", (event) => isSearch(event.target) && release(), true);
  document.addEventListener(
    "keydown",
    (event) => ["f", "s", "/"].includes(event.key) && !event.ctrlKey && !event.metaKey && release(),
    true,
  );
  document.addEventListener(
    "change",
    (event) => event.target instanceof Element && event.target.id === "__search" && release(),
    true,
  );
  if (new URLSearchParams(location.search).has("q")) release();
})();
