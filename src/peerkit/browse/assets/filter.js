// The one filter of the catalogue, the activity library, the reflection bank and the planner:
// what the form asks for (`wanted`) and whether an item of the curriculum index matches it
// (`matches`). Loaded before browse.js and planner.js, which both use it, so a filter means
// the same on every page; with the two things both pages also need: the minutes an activity
// goes into a plan at, and fetching an index once. Text from the index is only compared,
// never written into the page.
window.peerkitFilter = (() => {
  "use strict";

  /** A whole number above 0 from a form field or the address bar, else 0 (no filter). */
  const number = (value) => {
    const n = Number.parseInt(String(value || ""), 10);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };

  /** What the filter form asks for; a field the form lacks asks for nothing. */
  function wanted(form) {
    const data = new FormData(form);
    return {
      words: String(data.get("q") || "").toLowerCase().split(/\s+/).filter(Boolean),
      theme: String(data.get("theme") || ""),
      format: String(data.get("format") || ""),
      size: number(data.get("size")),
      fits: number(data.get("fits")),
      from: number(data.get("from")),
      to: number(data.get("to")),
      audience: String(data.get("audience") || ""),
      values: data.getAll("value").map(String),
    };
  }

  /** Whether `item` (a module, activity or prompt from the index, with its `module` and the
   * `words` a search looks in) is what `want` asks for. */
  function matches(item, want) {
    const module = item.module;
    // Lower-cased once per item, not on every key.
    const text = (item.searchText ??= item.words.join(" ").toLowerCase());
    if (!want.words.every((word) => text.includes(word))) return false;
    if (want.theme && !module.themes.includes(want.theme)) return false;
    if (want.audience && !module.audience.includes(want.audience)) return false;
    if (!want.values.every((value) => module.values.includes(value))) return false;
    const format = item.format || module.format;
    if (want.format && !format.includes(want.format)) return false;
    const group = item.groupSize || module.groupSize;
    if (want.size && (want.size < group[0] || want.size > group[1])) return false;
    // A module fits if its shortest version (a short version, say) fits the time there is.
    if (want.fits && (module.shortest ?? module.duration[0]) > want.fits) return false;
    // An activity is in a minutes range if the two ranges overlap.
    if (item.minutes && want.from && item.minutes[1] < want.from) return false;
    if (item.minutes && want.to && item.minutes[0] > want.to) return false;
    return true;
  }

  /** An activity from the index as an item to filter: with its module and searchable words. */
  const activity = (a, modules) => ({
    ...a,
    module: modules.get(a.module),
    words: [a.title, a.aim, modules.get(a.module).title],
  });

  /** The minutes an activity of `low` to `high` minutes goes into a plan at, when the list
   * was filtered to "up to `to`": `to`, within the activity's range; 0 with no such filter. */
  const plannedMinutes = (low, high, to) =>
    to && low && high ? Math.min(Math.max(to, low), high) : 0;

  /** A script of the site (an index), fetched once, as a promise of the global it sets. A
   * fetch that fails is forgotten, so the next call tries again. */
  const fetched = new Map();
  function loadScript(address, name) {
    if (window[name]) return Promise.resolve(window[name]);
    if (!fetched.has(address)) {
      fetched.set(
        address,
        new Promise((resolve, reject) => {
          const tag = document.createElement("script");
          tag.src = new URL(address, document.baseURI).href;
          tag.onload = () => resolve(window[name]);
          tag.onerror = () => {
            tag.remove();
            fetched.delete(address);
            reject(new Error(`${address} not loaded`));
          };
          document.head.append(tag);
        }),
      );
    }
    return fetched.get(address);
  }

  return { number, wanted, matches, activity, plannedMinutes, loadScript };
})();
