// peerkit's search worker: Material's own worker, with pages that hold every word of the
// query ranked first.
//
// This worker runs Material's unchanged (PEERKIT_MATERIAL_WORKER is written in at build time)
// and adds two things:
//
// - Stemmed words are found whole. Material adds `*` to every word of a query, and lunr
//   leaves such words unstemmed, so "online*" misses the index's stem "onlin" and "sharing*"
//   misses "share". Each plain word is also asked for as itself (`word^1`), which lunr stems.
// - Material scores each section on its own, so a short heading that holds one word of
//   "online communities" can outrank the page that is about online communities. Before each
//   list of results goes back to the page, the pages that hold every word of the query (in
//   any of their sections, after stemming) move above those that hold only some, keeping
//   Material's order within each group, and the words each result is "missing" are worked
//   out on the stems.
//
// It also remembers each word's stem (building the index and ranking stem the same words many
// times) and works out each page's words as soon as the index is ready, a few pages at a time
// (a query in between works out those of the pages it finds first).
//
// On a large site it also loads the lunr index built with the site (`peerkit.searchlunr`) in
// place of building it from every entry before the first result (seconds at 1,000 modules):
// Material's worker still sets up its index as it always does, but lunr's builder, asked to
// build, loads the prebuilt one (`lunr.Index.load`), and the tables Material highlights
// results with are filled in for each result as it is shown.
//
// It runs as a real worker over http and inside the iframe-worker shim from a folder.
(() => {
  "use strict";

  const MATERIAL = "PEERKIT_MATERIAL_WORKER";
  const PREBUILT = "PEERKIT_PREBUILT"; // search/search_lunr.json, from this worker
  const PREBUILT_FORMAT = "peerkit-lunr-1";
  const SETUP = 0;
  const READY = 1;
  const QUERY = 2;
  const RESULT = 3;

  const inFrame = typeof document !== "undefined" && document.currentScript;
  const here = inFrame ? document.currentScript.src : self.location.href;

  let docs = [];
  let prebuilt = null; // lunr's serialised index, for the next index Material builds
  let separator = /[\s\-]+/;
  let words = new Map(); // location (page or section) -> Set of its stemmed words
  let phrases = new Map(); // page location -> " its stemmed words in order, common words left out "
  let byPage = null; // page location -> its entries, in the order of the index
  let read = new Set(); // pages whose words are in `words` and `phrases`
  let setups = 0;
  let tableOf = null; // (entry) => fills Material's highlighting tables for it, when prebuilt
  let warmed = 0; // entries whose tables are filled, in order
  const queries = []; // { query, number } handed on to Material's worker, not yet answered
  let asked = 0; // queries received
  let passing = false; // a query handed on to Material's worker

  addEventListener("message", (event) => {
    if (passing) return;
    const message = event.data || {};
    if (message.type === SETUP) {
      docs = message.data.docs || [];
      separator = new RegExp(message.data.config.separator || "[\\s\\-]+", "g");
      words = new Map();
      phrases = new Map();
      byPage = null;
      read = new Set();
      setups += 1;
      tableOf = null;
      warmed = 0;
      prebuilt = message.data.config.peerkit_prebuilt ? loadPrebuilt(docs) : null;
    } else if (message.type === QUERY) {
      // Queries that arrived while another was answered wait in line: only the last of them
      // is answered (the search box shows only the answer to what it holds now), so that a
      // word typed quickly does not wait for the answers to each of its first letters.
      event.stopImmediatePropagation();
      const number = ++asked;
      setTimeout(() => {
        if (number !== asked) return;
        const query = String(message.data || "");
        queries.push({ query, number });
        passing = true;
        try {
          dispatchEvent(new MessageEvent("message", { data: { ...message, data: whole(query) } }));
        } finally {
          passing = false;
        }
      });
    }
  });

  /** The index built with the site, in lunr's serialised form; null when there is none that
   * fits these entries (Material's worker then builds its own, as it always has). From a
   * folder, search_index.js holds it (read from the page that runs the shim); over http it is
   * a file beside search_index.json. */
  function loadPrebuilt(entries) {
    let shipped = null;
    try {
      if (inFrame) {
        shipped = parent.__peerkit_lunr || null;
      } else {
        const request = new XMLHttpRequest();
        request.open("GET", new URL(PREBUILT, here).href, false); // a worker may wait
        request.send();
        if (request.status === 200) shipped = JSON.parse(request.responseText);
      }
    } catch (error) {
      console.warn("peerkit: the prebuilt search index could not be read", error);
      return null;
    }
    if (!shipped || shipped.format !== PREBUILT_FORMAT || shipped.docs !== entries.length) {
      return null;
    }
    const fields = shipped.fields;
    // A word's entries in each field, as lunr keeps them, made when lunr first asks.
    function Posting(index, rows) {
      this._index = index;
      this.rows = rows;
    }
    fields.forEach((field, n) => {
      Object.defineProperty(Posting.prototype, field, {
        get() {
          const found = {};
          for (const [place, ...position] of this.rows[n]) {
            found[entries[place].location] = { position };
          }
          Object.defineProperty(this, field, { value: found });
          return found;
        },
      });
    });
    const invertedIndex = shipped.terms.map(([term, index, ...rows]) => [
      term,
      new Posting(index, rows),
    ]);
    const serialised = { version: shipped.version, fields, fieldVectors: [], invertedIndex };
    serialised.pipeline = shipped.pipeline;
    serialised.peerkitVectors = () => fieldVectors(shipped, entries);
    return serialised;
  }

  /** lunr's field vectors ("field/location" -> lunr.Vector), each made when lunr first asks
   * for it: making all of them (one for each field of each entry) at once takes longer than
   * the rest of the loading. */
  function fieldVectors(shipped, entries) {
    const lunr = self.lunr;
    const fields = shipped.fields;
    const places = new Map();
    entries.forEach((entry, place) => places.set(entry.location, place));
    const made = new Map();
    const vector = (ref) => {
      if (typeof ref !== "string") return undefined;
      let found = made.get(ref);
      if (found) return found;
      const cut = ref.indexOf("/");
      const field = fields.indexOf(ref.slice(0, cut));
      const place = places.get(ref.slice(cut + 1));
      if (cut < 0 || field < 0 || place === undefined) return undefined;
      found = new lunr.Vector(shipped.vectors[place][field]);
      made.set(ref, found);
      return found;
    };
    const refs = () => {
      const all = new Set();
      for (const entry of entries) for (const field of fields) all.add(`${field}/${entry.location}`);
      return [...all];
    };
    return new Proxy(Object.create(null), {
      get: (_, ref) => vector(ref),
      has: (_, ref) => vector(ref) !== undefined,
      ownKeys: () => refs(), // lunr lists them all only for a query that only excludes words
      getOwnPropertyDescriptor: (_, ref) => {
        const value = vector(ref);
        return value && { value, writable: true, enumerable: true, configurable: true };
      },
    });
  }

  /** lunr's builder, made to load the prebuilt index when there is one: Material's worker
   * sets it up (tokenizer, fields, pipeline) and adds every entry as before, but adding does
   * nothing and building loads. Material highlights each result with tables its tokenizer
   * fills while entries are added: here they are filled for an entry when first asked for. */
  function loadWhenPrebuilt(lunr) {
    const Builder = lunr && lunr.Builder;
    if (!Builder || Builder.prototype.peerkitLoads) return;
    const { add, field, build } = Builder.prototype;
    Builder.prototype.peerkitLoads = true;
    Builder.prototype.field = function (name, attributes) {
      (this.peerkitExtractors ||= {})[name] = attributes && attributes.extractor;
      return field.call(this, name, attributes);
    };
    Builder.prototype.add = function (...args) {
      if (!prebuilt) return add.apply(this, args);
      return undefined;
    };
    Builder.prototype.build = function () {
      if (!prebuilt) return build.call(this);
      const serialised = prebuilt;
      prebuilt = null;
      const index = lunr.Index.load(serialised);
      index.fieldVectors = serialised.peerkitVectors();
      fillTablesWhenAsked(this.peerkitExtractors || {}, this.tokenizer);
      return index;
    };
  }

  function fillTablesWhenAsked(extractors, tokenize) {
    const names = Object.keys(extractors).filter((name) => extractors[name]);
    if (!names.length || typeof tokenize !== "function") return;
    // The table map is Material's own; its extractors are the only way to it.
    let tables = null;
    const set = Map.prototype.set;
    try {
      Map.prototype.set = function (...args) {
        tables = this;
        return set.apply(this, args);
      };
      extractors[names[0]]({ location: "\u0000", [names[0]]: "" });
    } finally {
      Map.prototype.set = set;
    }
    if (!tables) return;
    tables.delete(`\u0000:${names[0]}`);
    const byLocation = new Map();
    for (const doc of docs) byLocation.set(doc.location || "", doc);
    tableOf = (doc) => {
      for (const name of names) tables.get(`${doc.location || ""}:${name}`);
    };
    const get = Map.prototype.get;
    tables.get = function (id) {
      let table = get.call(this, id);
      if (table === undefined && typeof id === "string") {
        const cut = id.lastIndexOf(":");
        const doc = byLocation.get(id.slice(0, cut));
        const extract = extractors[id.slice(cut + 1)];
        if (doc && extract && extract(doc) !== undefined) {
          tokenize(doc[id.slice(cut + 1)]);
          table = get.call(this, id);
        }
      }
      return table;
    };
  }

  const pageOf = (location) => location.split("#")[0];
  const commonWords = new Map();
  function common(word) {
    let answer = commonWords.get(word);
    if (answer === undefined) {
      answer = !self.lunr.stopWordFilter(new self.lunr.Token(word.toLowerCase(), {}));
      commonWords.set(word, answer);
    }
    return answer;
  }

  const stems = new Map();
  function stem(word) {
    let stemmed = stems.get(word);
    if (stemmed === undefined) {
      const lunr = self.lunr;
      const token = lunr.trimmer(new lunr.Token(word.toLowerCase(), {}));
      stemmed = lunr.stemmer(token).toString();
      stems.set(word, stemmed);
    }
    return stemmed;
  }

  /** lunr's stemmer, remembering each word's stem: a curriculum uses the same few thousand
   * words again and again, and stemming each anew is most of the time it takes to build the
   * index before the first result. */
  function rememberStems(lunr) {
    const stemmer = lunr && lunr.stemmer;
    if (!stemmer || stemmer.peerkitRemembers) return;
    const known = new Map();
    const once = (word) => {
      let stemmed = known.get(word);
      if (stemmed === undefined) {
        stemmed = stemmer(new lunr.Token(word, {})).toString();
        known.set(word, stemmed);
      }
      return stemmed;
    };
    const remembering = (token) => token.update(once);
    remembering.label = stemmer.label; // the same registered pipeline function for lunr
    remembering.peerkitRemembers = true;
    lunr.stemmer = remembering;
  }

  /** Each plain word of the query, also asked for whole (stemmed by lunr); common words
   * ("what", "is", "a") left out, since with Material's `*` "what*" would match every
   * heading that starts with "What". Queries with quotes or lunr's own syntax are left as
   * they are. */
  function whole(query) {
    if (!self.lunr || /["*+~^:]|(^|\s)-/.test(query)) return query;
    const words = query.trim().split(/\s+/).filter(Boolean);
    const plain = (word) => /^[\p{L}\p{N}'’]+$/u.test(word);
    const kept = words.filter((word) => !plain(word) || !common(word));
    const asked = kept.length ? kept : words;
    return asked.flatMap((word) => (plain(word) ? [word, `${word}^1`] : [word])).join(" ");
  }

  /** Each entry's stemmed words (and each page's, all its entries'), and each page's words in
   * order (common words left out) for `together`: worked out for a page when first asked
   * for, and for every page a few at a time once the index is ready. */
  function readPage(page) {
    if (read.has(page)) return;
    read.add(page);
    if (!byPage) {
      byPage = new Map();
      for (const doc of docs) {
        const key = pageOf(doc.location || "");
        if (!byPage.has(key)) byPage.set(key, []);
        byPage.get(key).push(doc);
      }
    }
    const entries = byPage.get(page);
    if (!entries) return;
    const add = (location, word) => {
      if (!words.has(location)) words.set(location, new Set());
      words.get(location).add(word);
    };
    let runs = " ";
    for (const doc of entries) {
      const location = doc.location || "";
      const text = [doc.title, doc.text, doc.keywords, doc.synonyms, doc.tag_synonyms, ...(doc.tags || [])]
        .filter(Boolean)
        .join(" ")
        .replace(/<[^>]+>/g, " ");
      const run = [];
      for (const word of text.split(separator)) {
        if (!word) continue;
        const stemmed = stem(word);
        add(location, stemmed);
        if (location !== page) add(page, stemmed);
        if (!common(word)) run.push(stemmed);
      }
      runs += `${run.join(" ")} | `;
    }
    phrases.set(page, runs);
  }

  const wordsOf = (location) => {
    readPage(pageOf(location));
    return words.get(location) || new Set();
  };

  /** Every page's words, and with a prebuilt index every entry's highlighting tables, a few
   * milliseconds at a time, so that a query waits little. */
  function readPages(setup) {
    if (setup !== setups) return;
    readPage(""); // groups the entries by page
    const started = Date.now();
    const later = () => {
      if (Date.now() - started < 8) return false;
      setTimeout(() => readPages(setup));
      return true;
    };
    for (const page of byPage.keys()) {
      readPage(page);
      if (later()) return;
    }
    while (tableOf && warmed < docs.length) {
      tableOf(docs[warmed]);
      warmed += 1;
      if (later()) return;
    }
  }

  /** The query's words that count: lunr's syntax and common words left out, stemmed. */
  function queryTerms(query) {
    const lunr = self.lunr;
    const terms = [];
    for (const raw of query.replace(/[+\-~^*:]/g, " ").split(separator)) {
      const word = raw.trim().toLowerCase();
      if (!word || common(word)) continue;
      terms.push({ word, stem: stem(word) });
    }
    return terms;
  }

  function holds(set, term) {
    if (set.has(term.stem) || set.has(term.word)) return true;
    for (const word of set) {
      if (word.startsWith(term.word) || word.startsWith(term.stem)) return true;
    }
    return false;
  }

  function rerank(items, query) {
    if (!self.lunr || !items.length) return items;
    const terms = queryTerms(query);
    const covered = (group) => {
      const set = wordsOf(pageOf(group[0]?.location || ""));
      return terms.filter((term) => holds(set, term)).length;
    };
    // What Material shows as "Missing": worked out on the stems.
    for (const group of items) {
      for (const item of group) {
        if (!item.terms) continue;
        const set = wordsOf(item.location);
        for (const key of Object.keys(item.terms)) {
          item.terms[key] = holds(set, { word: key.toLowerCase(), stem: stem(key) });
        }
      }
    }
    if (terms.length < 2) return items;
    // The query's words side by side, as typed ("online communities").
    const phrase = ` ${terms.map((term) => term.stem).join(" ")} `;
    const together = (group) => {
      const page = pageOf(group[0]?.location || "");
      readPage(page);
      return (phrases.get(page) || "").includes(phrase);
    };
    return items
      .map((group, position) => ({ group, position, together: together(group), covered: covered(group) }))
      .sort((a, b) => b.together - a.together || b.covered - a.covered || a.position - b.position)
      .map(({ group }) => group);
  }

  const send = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message && message.type === READY) {
      // Index ready: work out each page's words while the person is still typing.
      const setup = setups;
      setTimeout(() => readPages(setup));
    }
    if (message && message.type === RESULT) {
      const { query, number } = queries.shift() || { query: "", number: asked };
      // An answer to a query the box no longer holds (another came in while this one was
      // answered) is not sent: the page would only spend time showing it.
      setTimeout(() => {
        if (number !== asked) return;
        if (message.data && Array.isArray(message.data.items)) {
          message.data.items = rerank(message.data.items, query);
        }
        send(message, ...rest);
      });
      return undefined;
    }
    return send(message, ...rest);
  };

  // A real worker loads Material's at once; the iframe-worker shim (file://) returns a promise.
  const loaded = importScripts(new URL(MATERIAL, here).href);
  const ready = () => {
    rememberStems(self.lunr);
    loadWhenPrebuilt(self.lunr);
  };
  ready();
  if (loaded && typeof loaded.then === "function") loaded.then(ready);
})();
