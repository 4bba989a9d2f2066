"""Material's search index built when the site is built, so the browser loads it in place of
building it before the first result.

Material's search worker builds a lunr index from `search_index.json` in the browser, each
time a page opens search: at 1,000 modules that took seconds before the first result. This
module builds the same index with lunr.py (a port of lunr.js) and writes it in lunr's own
serialised form, which peerkit's worker hands to `lunr.Index.load` (see search-worker.js).

To be the same index, it does what Material's worker does with each entry:

- Material's tokenizer: text outside HTML tags, split on the index's `separator`, each word
  lower-cased, its position kept as Material encodes it (`block << 20 | n`, for the
  highlighting of results);
- lunr.js's English pipeline: the trimmer (punctuation at a word's ends, ASCII as in
  JavaScript), the stop words, and lunr.js's Porter stemmer (lunr.py's, with step 1c as
  lunr.js has it: a final "y" after a consonant that is not the first letter becomes "i");
- Material's settings: `location` as the reference, `b(0)`, each field's boost, each entry's
  boost, positions as the only metadata.

An index that cannot be reproduced this way (a language other than English, a separator
Python's `re` reads differently) is not built, and the browser builds it as before.
`tests/test_search_prebuilt.py` builds the reference site's index in Chromium with
Material's own worker and checks that it is this one, term for term.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from lunr.builder import Builder
from lunr.field_ref import FieldRef
from lunr.stemmer import PorterStemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token

JS_WHITESPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
"""What `\\s` matches in a JavaScript regular expression."""

FILE = "search_lunr.json"
"""The prebuilt index's file, beside search_index.json."""

LUNR_VERSION = "2.3.9"
"""The lunr.js in Material's worker (`lunr.Index.load` warns when an index says otherwise)."""

PIPELINE = ("trimmer", "stopWordFilter", "stemmer")
"""lunr.js's pipeline, in its order; Material removes those the index's config leaves out."""

Doc = dict[str, Any]


def js_separator(source: str) -> re.Pattern[str] | None:
    """`source`, a JavaScript regular expression, as a Python pattern that splits text the
    same way; None when it cannot be sure to (it does not compile, or it can match nothing,
    where the two languages step on differently)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source):
            escaped = source[i + 1]
            if escaped == "s":
                out.append(JS_WHITESPACE if in_class else f"[{JS_WHITESPACE}]")
            elif escaped == "S":
                if in_class:
                    return None
                out.append(f"[^{JS_WHITESPACE}]")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    try:
        pattern = re.compile("".join(out), re.ASCII)  # \w, \d and \b as JavaScript has them
    except re.error:
        return None
    return None if pattern.match("") else pattern


def _int32(value: int) -> int:
    """`value` as JavaScript's bitwise operators leave it (a signed 32-bit integer)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


_TAG_MARKS = re.compile(r"[<>]")


def _sections(text: str) -> list[tuple[int, int, int, int]]:
    """Material's `extract`: (block, kind, start, end) for each run of markup (kind 0 an
    opening tag, 2 a closing one) and of text (1), a block ending with each closing tag at
    the outer level."""
    out: list[tuple[int, int, int, int]] = []
    block = start = depth = 0
    for mark in _TAG_MARKS.finditer(text):
        end = mark.start()
        if mark[0] == "<":
            if end > start:
                out.append((block, 1, start, end))
                start = end
            continue
        if text[start + 1 : start + 2] == "/":
            depth -= 1
            if depth == 0:
                out.append((block, 2, start, end + 1))
                block += 1
        elif text[end - 1 : end] != "/":
            if depth == 0:
                out.append((block, 0, start, end + 1))
            depth += 1
        start = end + 1
    if len(text) > start:
        out.append((block, 1, start, len(text)))
    return out


def material_tokens(value: object, separator: re.Pattern[str]) -> list[Token]:
    """Material's tokenizer: each word of `value` (a string or a list of them) outside HTML
    tags, lower-cased, with its position in Material's position table."""
    if value is None:
        return []
    tokens: list[Token] = []
    table: list[int] = []  # entries per block: only their number matters here
    for text in value if isinstance(value, list) else [value]:
        text = str(text)
        total = len(table)
        for block, kind, start, end in _sections(text):
            block += total
            while len(table) <= block:
                table.append(0)
            if kind != 1:
                table[block] += 1
                continue
            section = text[start:end]
            at = 0
            for match in [*separator.finditer(section), None]:
                until = match.start() if match else len(section)
                if at < until:
                    table[block] += 1
                    position = _int32((block << 20) | (table[block] - 1))
                    tokens.append(Token(section[at:until].lower(), {"position": position}))
                if match:
                    if match.end() == match.start():
                        raise SeparatorMatchesNothing  # JavaScript steps on differently
                    at = match.end()
    return tokens


class SeparatorMatchesNothing(Exception):
    """The separator matched an empty string: the two languages' regular expressions go on
    from there differently, so the browser must build the index."""


_LEADING = re.compile(r"^\W+", re.ASCII)
_TRAILING = re.compile(r"\W+$", re.ASCII)


def trimmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """lunr.js's trimmer: non-word characters (ASCII's idea of a word) off both ends."""
    return token.update(lambda s, _: _TRAILING.sub("", _LEADING.sub("", s)))


class _Stemmer(PorterStemmer):  # type: ignore[misc]
    """lunr.py's Porter stemmer, with step 1c as lunr.js has it, so both stem every word
    alike ("try" → "tri", "lay" stays "lay")."""

    def step1c(self) -> None:
        word: str = self.b  # type: ignore[has-type]
        k: int = self.k
        if word[k] == "y" and k - 1 > self.k0 and word[k - 1] not in "aeiou":
            self.b = word[:k] + "i" + word[k + 1 :]


_stems: dict[str, str] = {}
_stemmer = _Stemmer()


def stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """lunr.js's stemmer (each word's stem remembered: a curriculum repeats its words)."""

    def stem(word: str, _: object) -> str:
        found = _stems.get(word)
        if found is None:
            found = _stems[word] = _stemmer.stem(word)
        return found

    return token.update(stem)


FUNCTIONS: dict[str, Callable[..., Token | None]] = {
    "trimmer": trimmer,
    "stopWordFilter": stop_word_filter,
    "stemmer": stemmer,
}
for _label, _function in FUNCTIONS.items():
    _function.label = _label  # type: ignore[attr-defined]


class MaterialBuilder(Builder):  # type: ignore[misc]
    """lunr.py's builder with a tokenizer of its own (lunr.js lets a builder set
    `this.tokenizer`, as Material's worker does; lunr.py always splits on white space)."""

    def __init__(self, tokenize: Callable[[object], list[Token]]) -> None:
        super().__init__()
        self.tokenize = tokenize
        self.terms: dict[str, list[str]] = {}  # a word -> what the pipeline makes of it

    def _terms(self, tokens: list[Token]) -> list[tuple[str, dict[str, Any]]]:
        """`self.pipeline` run on each token: (term, the token's metadata), each word's outcome
        remembered (the pipeline's functions look at nothing but the word, and a curriculum
        repeats its words)."""
        out = []
        for token in tokens:
            word = token.string
            made = self.terms.get(word)
            if made is None:
                made = self.terms[word] = [str(t) for t in self.pipeline.run([Token(word)])]
            out += [(term, token.metadata) for term in made]
        return out

    def add(self, doc: Doc, attributes: dict[str, Any] | None = None) -> None:
        """lunr.py's `Builder.add`, with `self.tokenize` for its tokenizer."""
        doc_ref = str(doc[self._ref])
        self._documents[doc_ref] = attributes or {}
        self.document_count += 1
        (position,) = self.metadata_whitelist  # ["position"], as Material has it
        for field_name, field in self._fields.items():
            terms = self._terms(self.tokenize(field.extractor(doc)))
            field_ref = str(FieldRef(doc_ref, field_name))
            field_terms: dict[str, int] = defaultdict(int)
            self.field_term_frequencies[field_ref] = field_terms
            self.field_lengths[field_ref] = len(terms)
            for key, metadata in terms:
                field_terms[key] += 1
                posting = self.inverted_index.get(key)
                if posting is None:
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[key] = posting
                # Each entry's positions as a bare list, not lunr's {"position": [...]}: a
                # dict fewer for each word of each entry (a third of the build's memory).
                found = posting[field_name].get(doc_ref)
                if found is None:
                    found = posting[field_name][doc_ref] = []
                found.append(metadata[position])


def _js_order(term: str) -> bytes:
    """Sorts as JavaScript compares strings (UTF-16 code units), the order lunr.js's
    `Index.load` needs its terms in."""
    return term.encode("utf-16-be", "surrogatepass")


def builder_for(index: dict[str, Any]) -> MaterialBuilder | None:
    """A builder holding every entry of `index` (a search_index.json) as Material's worker
    would add them, its field vectors worked out; None when that cannot be done the same way
    here."""
    config = index.get("config", {})
    if list(config.get("lang") or ["en"]) != ["en"]:
        return None
    separator = js_separator(str(config.get("separator", r"[\s\-]+")))
    pipeline = config.get("pipeline", list(PIPELINE))
    if separator is None or not set(pipeline) <= set(PIPELINE):
        return None
    builder = MaterialBuilder(lambda value: material_tokens(value, separator))
    for label in PIPELINE:
        if label in pipeline:
            builder.pipeline.add(FUNCTIONS[label])
    builder.metadata_whitelist = ["position"]
    builder.b(0)
    builder.ref("location")
    for name, spec in (config.get("fields") or {}).items():
        builder.field(name, boost=(spec or {}).get("boost") or 1, extractor=_field(name))
    try:
        for doc in index.get("docs", []):
            builder.add(doc, {"boost": doc.get("boost") or 1})
    except SeparatorMatchesNothing:
        return None
    builder._calculate_average_field_lengths()
    builder._create_field_vectors()
    return builder


def prebuilt_index(index: dict[str, Any]) -> dict[str, Any] | None:
    """The lunr index Material's worker would build from `index`, in lunr's serialised form
    (what `lunr.Index.load` reads); None when it cannot be built the same way here."""
    builder = builder_for(index)
    if builder is None:
        return None
    return {
        "version": LUNR_VERSION,
        "fields": list(builder._fields),
        "fieldVectors": [[ref, v.elements] for ref, v in builder.field_vectors.items()],
        "invertedIndex": [
            [term, _lunr_posting(builder.inverted_index[term])]
            for term in sorted(builder.inverted_index, key=_js_order)
        ],
        "pipeline": _search_pipeline(index),
    }


def _lunr_posting(posting: dict[str, Any]) -> dict[str, Any]:
    """A term's posting as lunr writes it: each entry's positions under "position"."""
    return {
        name: found if name == "_index" else {ref: {"position": at} for ref, at in found.items()}
        for name, found in posting.items()
    }


def shipped_index(index: dict[str, Any]) -> dict[str, Any] | None:
    """`prebuilt_index` in fewer bytes, as peerkit's worker reads it: each entry by its place
    in `index["docs"]` in place of its address (which lunr's form repeats for every word and
    field). `terms`: [term, its number, then per field [[entry, position, ...], ...]];
    `vectors`: per entry, per field, lunr's vector (term number, score, ...)."""
    builder = builder_for(index)
    if builder is None:
        return None
    docs = index.get("docs", [])
    place = {doc["location"]: n for n, doc in enumerate(docs)}
    fields = list(builder._fields)
    terms = []
    for term in sorted(builder.inverted_index, key=_js_order):
        posting = builder.inverted_index.pop(term)  # let go of each as its row is made
        row: list[Any] = [term, posting["_index"]]
        for name in fields:
            row.append([[place[ref], *found] for ref, found in posting[name].items()])
        terms.append(row)
    vectors = [
        [builder.field_vectors.pop(f"{name}/{doc['location']}").elements for name in fields]
        for doc in docs
    ]
    return {
        "format": "peerkit-lunr-1",
        "version": LUNR_VERSION,
        "fields": fields,
        "pipeline": _search_pipeline(index),
        "docs": len(docs),
        "terms": terms,
        "vectors": vectors,
    }


def _search_pipeline(index: dict[str, Any]) -> list[str]:
    """lunr.js's search pipeline as Material leaves it: the stemmer, unless the config
    leaves it out."""
    return ["stemmer"] if "stemmer" in index.get("config", {}).get("pipeline", PIPELINE) else []


def _field(name: str) -> Callable[[Doc], object]:
    return lambda doc: doc.get(name)
