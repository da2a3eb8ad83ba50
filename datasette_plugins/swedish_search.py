"""Swedish words to a full-text query: inflections and compounds, on the existing index.

Swedish inflects by suffix (återkoppling, återkopplingen, återkopplingar)
and writes compounds as one word (brukarrepresentant). A word index finds
only the exact word, so "återkopplingen" missed every "återkoppling".

How a typed word is matched:

1. stemmed with the Snowball Swedish stemmer (``snowballstemmer``, the
   Snowball project's own generated code): återkopplingen -> återkoppling,
   representanterna -> representant. Snowball only removes endings, so the
   stem is the start of every form it came from;
2. folded as the index folds (lower case, diacritics removed: the index is
   ``unicode61 remove_diacritics 2``, so "fontanhuset" finds "Fontänhuset");
3. looked up in the index's own vocabulary (an ``fts5vocab`` table over
   ``answers_fts``): every indexed word that *contains* the stem matches,
   so "representant" finds brukarrepresentanten and "koppling" finds
   återkopplingen (a compound's part finds the compound; the reverse is
   not true). A stem of fewer than three letters matches only whole words
   that start with it, so "ja" does not find every "kaja";
4. the matching words become one FTS5 query, ``("w1" OR "w2") AND (...)``:
   every typed word must match; the index does the rest and ``snippet()``
   marks the words it matched.

Why not a trigram index, which finds substrings itself: it is nine times
the size of the word index (bench/swedish_search.py), and the index is
merged into one segment at every batch release of free text and every
withdrawal (collector/respondent/search_release.py, erasure.py: no residue,
no arrival order), so its size is paid on every release. The vocabulary has one row per
distinct word, so the lookup costs one pass over it per search instead.

Withdrawn text is never found: a withdrawal deletes the answers and merges
the index in its transaction, so their words leave the vocabulary too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field

from markupsafe import Markup
from markupsafe import escape

MAX_WORDS = 8  # more words than this are left out (and the page says so)
MAX_TERMS_PER_WORD = 2000  # a stem inside more indexed words than this is too general to search
INSIDE_WORDS_FROM = 3  # stems this long match inside words (compounds); shorter ones only at a word's start
# snippet() markers: private-use characters, never HTML, turned into <mark> after escaping.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
VOCABULARY_TABLE = "temp.medverkan_answer_terms"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchWord:
    typed: str
    stem: str  # folded like the index
    shown: str  # the stem as the stemmer gave it (å, ä, ö kept), for the page
    terms: list[str] = field(default_factory=list)  # indexed words that match

    @property
    def too_general(self) -> bool:
        return len(self.terms) > MAX_TERMS_PER_WORD


@dataclass
class SearchPlan:
    words: list[SearchWord]
    dropped: list[str]  # typed words past MAX_WORDS

    @property
    def too_general(self) -> list[str]:
        return [w.typed for w in self.words if w.too_general]

    def expression(self) -> str | None:
        """The FTS5 query, or None when some word matches no indexed word (so nothing can match)."""
        if not self.words or any(not w.terms or w.too_general for w in self.words):
            return None
        return " AND ".join("(" + " OR ".join(_quoted(t) for t in w.terms) + ")" for w in self.words)


def _quoted(term: str) -> str:
    """An FTS5 string: every character literal, never operator syntax."""
    return '"' + term.replace('"', '""') + '"'


@functools.lru_cache(maxsize=1)
def _stemmer():
    """Imported when first searched, not when Datasette loads the plugin (it loads 30 languages)."""
    import snowballstemmer

    return snowballstemmer.stemmer("swedish")


def fold(text: str) -> str:
    """As ``unicode61 remove_diacritics 2`` folds: lower case, combining marks removed (ä -> a)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """The Snowball Swedish stem (återkopplingen -> återkoppling)."""
    return _stemmer().stemWord(word.lower())


def typed_words(text: str) -> list[str]:
    """The words of a query, in order, each once; punctuation and operators are just separators."""
    seen, words = set(), []
    for word in _WORD.findall(text.lower()):
        word = word.strip("_")
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def plan(text: str, vocabulary) -> SearchPlan:
    """Which indexed words each typed word matches (``vocabulary``: the index's distinct words)."""
    words = typed_words(text)
    searched = []
    for word in words[:MAX_WORDS]:
        shown = stem(word) or word
        searched.append(SearchWord(typed=word, stem=fold(shown), shown=shown))
    vocabulary = list(vocabulary)
    for word in searched:
        if len(word.stem) >= INSIDE_WORDS_FROM:
            word.terms = [term for term in vocabulary if word.stem in term]
        else:
            word.terms = [term for term in vocabulary if term.startswith(word.stem)]
    return SearchPlan(words=searched, dropped=words[MAX_WORDS:])


def index_vocabulary(conn) -> list[str]:
    """Every word in the full-text index now (deleted answers' words are gone after the merge).

    The ``fts5vocab`` table is a connection's temporary table: it stores
    nothing, reads ``answers_fts`` itself, and works on Datasette's
    read-only connections.
    """
    conn.execute(f"create virtual table if not exists {VOCABULARY_TABLE} using fts5vocab(main, 'answers_fts', 'row')")
    return [row[0] for row in conn.execute(f"select term from {VOCABULARY_TABLE}")]


def marked(snippet: str | None) -> Markup:
    """A snippet with ``snippet()``'s markers as ``<mark>``, everything else escaped.

    The answer is a respondent's text: escaped whole, then only our markers
    become tags, always balanced (a marker character typed by a respondent
    can at most mark text, never open a tag).
    """
    out, open_mark = [], False
    for piece in re.split(f"({MARK_OPEN}|{MARK_CLOSE})", snippet or ""):
        if piece == MARK_OPEN:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == MARK_CLOSE:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(str(escape(piece)))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))
