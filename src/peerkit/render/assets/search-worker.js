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
// times) and works out each page's words as soon as the index is built, before the first query.
//
// It runs as a real worker over http and inside the iframe-worker shim from a folder.
(() => {
  "use strict";

  const MATERIAL = "PEERKIT_MATERIAL_WORKER";
  const SETUP = 0;
  const READY = 1;
  const QUERY = 2;
  const RESULT = 3;

  const inFrame = typeof document !== "undefined" && document.currentScript;
  const here = inFrame ? document.currentScript.src : self.location.href;

  let docs = [];
  let separator = /[\s\-]+/;
  let words = null; // location (page or section) -> Set of its stemmed words, at first query
  let phrases = null; // page location -> " its stemmed words in order, common words left out "
  const queries = [];

  addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === SETUP) {
      docs = message.data.docs || [];
      separator = new RegExp(message.data.config.separator || "[\\s\\-]+", "g");
      words = null;
      phrases = null;
    } else if (message.type === QUERY) {
      const query = String(message.data || "");
      queries.push(query);
      message.data = whole(query);
    }
  });

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

  function pageWords() {
    const pages = new Map();
    const runs = new Map();
    const add = (location, word) => {
      if (!pages.has(location)) pages.set(location, new Set());
      pages.get(location).add(word);
    };
    for (const doc of docs) {
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
        if (location !== pageOf(location)) add(pageOf(location), stemmed);
        if (!common(word)) run.push(stemmed);
      }
      const page = pageOf(location);
      runs.set(page, `${runs.get(page) || " "}${run.join(" ")} | `);
    }
    phrases = runs;
    return pages;
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
    words = words || pageWords();
    const covered = (group) => {
      const set = words.get(pageOf(group[0]?.location || "")) || new Set();
      return terms.filter((term) => holds(set, term)).length;
    };
    // What Material shows as "Missing": worked out on the stems.
    for (const group of items) {
      for (const item of group) {
        if (!item.terms) continue;
        const set = words.get(item.location) || new Set();
        for (const key of Object.keys(item.terms)) {
          item.terms[key] = holds(set, { word: key.toLowerCase(), stem: stem(key) });
        }
      }
    }
    if (terms.length < 2) return items;
    // The query's words side by side, as typed ("online communities").
    const phrase = ` ${terms.map((term) => term.stem).join(" ")} `;
    const together = (group) => (phrases.get(pageOf(group[0]?.location || "")) || "").includes(phrase);
    return items
      .map((group, position) => ({ group, position, together: together(group), covered: covered(group) }))
      .sort((a, b) => b.together - a.together || b.covered - a.covered || a.position - b.position)
      .map(({ group }) => group);
  }

  const send = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message && message.type === READY) {
      // Index built: work out each page's words while the person is still typing.
      setTimeout(() => {
        words = words || pageWords();
      });
    }
    if (message && message.type === RESULT) {
      const query = queries.shift() || "";
      if (message.data && Array.isArray(message.data.items)) {
        message.data.items = rerank(message.data.items, query);
      }
    }
    return send(message, ...rest);
  };

  // A real worker loads Material's at once; the iframe-worker shim (file://) returns a promise.
  const loaded = importScripts(new URL(MATERIAL, here).href);
  rememberStems(self.lunr);
  if (loaded && typeof loaded.then === "function") loaded.then(() => rememberStems(self.lunr));
})();
