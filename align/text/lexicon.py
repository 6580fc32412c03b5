"""jieba's dictionary and part-of-speech tables, loaded one leading character at a time.

jieba loads its whole prefix dictionary (~500,000 keys, 1–2 s from its marshal cache) the
first time a tokenizer cuts anything, and importing ``jieba.posseg`` parses the 350,000-line
``dict.txt`` again for its module-level tagger — though a document touches only a few hundred
of the dictionary's ~7,000 leading characters. Here the tables are split once into one shard
per leading character, written to a file in the cache folder; a tokenizer's tables fill a
character's shard the first time a key starting with it is looked up or set, so a run pays
for the characters its text uses.

:class:`Tagger` is jieba's ``POSTokenizer`` over such tables (the same cuts, the same tags;
``tests/test_zhtext_pos.py`` compares them on real text), with the HMM over unknown words
decoded by numpy (:class:`Viterbi`).
"""
from __future__ import annotations

import logging
import marshal
import mmap
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from math import log
from pathlib import Path

FORMAT = 2  # bump when the file layout or a shard's contents change
_MAGIC = b"ALIGN-LEXICON\n"
_MIN_FLOAT = -3.14e100  # jieba's log-probability of an emission it has never seen

# jieba.posseg's block patterns (the tagger cuts each block on its own)
RE_HAN_INTERNAL = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_RE_SKIP_INTERNAL = re.compile("(\r\n|\\s)")
_RE_HAN_DETAIL = re.compile("([\u4E00-\u9FD5]+)")
_RE_SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
_RE_ENG = re.compile("[a-zA-Z0-9]+")
_RE_NUM = re.compile("[\\.0-9]+")
_RE_ENG1 = re.compile("^[a-zA-Z0-9]$", re.U)


@dataclass(frozen=True)
class Shard:
    """What the tables hold for one character ``c``: the prefix-dictionary entries and the
    POS tags of the words starting with ``c``, and the POS HMM's states and emission
    log-probabilities of ``c`` itself."""

    freq: dict[str, int]
    tags: dict[str, str]
    states: tuple | None  # None: any state (jieba's char_state_tab has no entry)
    emit: dict[tuple, float]


_FREQ, _TAGS, _HMM = range(3)  # the parts of a shard, each its own blob


@dataclass
class Lexicon:
    """The shard file: a header (totals, HMM start and transition tables, character →
    shard offset and part lengths) and the shards, each part a ``marshal`` blob read when
    asked for. Nothing read is kept here: each part has one reader per table that uses it
    (a tokenizer's prefix dictionary, a tagger's tags, the HMM decoder's rows), which keeps
    what it needs in its own form, so a run does not hold a second copy of the ~400,000
    entries a long document loads."""

    data: bytes | mmap.mmap
    base: int
    total: int
    index: dict[str, tuple[int, int, int, int]]
    start_p: dict
    trans_p: dict
    nrt_counts: dict[str, int]

    @classmethod
    def from_bytes(cls, data: bytes | mmap.mmap) -> Lexicon:
        if data[:len(_MAGIC)] != _MAGIC:
            raise ValueError("not an align lexicon file")
        at = len(_MAGIC)
        size = int.from_bytes(data[at:at + 8], "little")
        header = marshal.loads(data[at + 8:at + 8 + size])
        if header["format"] != FORMAT:
            raise ValueError("lexicon file of another format")
        return cls(data, at + 8 + size, header["total"], header["index"], header["start_p"],
                   header["trans_p"], header["nrt_counts"])

    def _part(self, char: str, part: int):
        where = self.index.get(char)
        if where is None:
            return None
        offset, *lengths = where
        start = self.base + offset + sum(lengths[:part])
        return marshal.loads(self.data[start:start + lengths[part]])

    def shard(self, char: str) -> Shard:
        return Shard(self.freq_of(char), self.tags_of(char), *self.hmm_of(char))

    def freq_of(self, char: str) -> dict[str, int]:
        return self._part(char, _FREQ) or {}

    def tags_of(self, char: str) -> dict[str, str]:
        return self._part(char, _TAGS) or {}

    def hmm_of(self, char: str) -> tuple[tuple | None, dict[tuple, float]]:
        """(the POS HMM's states ``char`` may take, None for any; its emission log-probabilities)."""
        return self._part(char, _HMM) or (None, {})


class OnDemand(dict):
    """A dict that fills the entries of a leading character (from ``fill``) the first time a
    key starting with it is looked up or set, so it answers as if it held them all. Only
    the look-ups jieba makes are supported; iterating it sees only what was filled."""

    __slots__ = ("_fill", "_filled", "plain_get")

    def __init__(self, fill: Callable[[str], dict]):
        super().__init__()
        self._fill, self._filled = fill, set()
        self.plain_get = super().get  # no filling: for keys whose head ``fill_heads`` filled

    def _fill_for(self, head: str) -> None:
        self._filled.add(head)
        entries = self._fill(head)
        if entries:
            dict.update(self, entries)

    def __contains__(self, key) -> bool:
        if key[:1] not in self._filled:
            self._fill_for(key[:1])
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        if key[:1] not in self._filled:
            self._fill_for(key[:1])
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if key[:1] not in self._filled:
            self._fill_for(key[:1])
        return dict.get(self, key, default)

    def __setitem__(self, key, value) -> None:
        if key[:1] not in self._filled:
            self._fill_for(key[:1])
        dict.__setitem__(self, key, value)

    def fill_heads(self, text: str) -> None:
        """Fill the entries of every character of ``text``: after this, the plain dict's own
        look-ups (``dict.get(self, key)``) answer right for any key taken from ``text``."""
        for char in set(text).difference(self._filled):
            self._fill_for(char)


def source_file() -> Path:
    """jieba's default dictionary, ``dict.txt`` inside the installed package."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is None or not spec.origin:
        raise ModuleNotFoundError("Chinese word segmentation needs the package jieba (pip install jieba)")
    return Path(spec.origin).parent / "dict.txt"


def _cache_path(cache_dir: Path) -> Path:
    from importlib.metadata import version

    stat = source_file().stat()
    return cache_dir / f"jieba-lexicon-{FORMAT}-{version('jieba')}-{stat.st_size}-{int(stat.st_mtime)}.bin"


def build() -> bytes:
    """The shard file's bytes, from jieba's own tables (its prefix dictionary as jieba
    builds it, the tags its POS tagger loads, the POS HMM's tables)."""
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(logging.WARNING)
    freq, total = jieba.Tokenizer.gen_pfdict(jieba.get_dict_file())
    tags = posseg.dt.word_tag_tab  # what posseg's module-level tagger parsed from dict.txt
    emit: dict[str, dict] = {}
    for state, chars in posseg.emit_P.items():
        for char, p in chars.items():
            emit.setdefault(char, {})[state] = p
    by_head: dict[str, tuple[dict, dict]] = {}
    for key, count in freq.items():
        by_head.setdefault(key[:1], ({}, {}))[0][key] = count
    for word, tag in tags.items():
        by_head.setdefault(word[:1], ({}, {}))[1][word] = tag
    for char in set(posseg.char_state_tab_P) | set(emit):
        by_head.setdefault(char, ({}, {}))
    nrt_counts: dict[str, int] = {}
    for word, tag in tags.items():
        if tag == "nrt":
            for char in set(word):
                nrt_counts[char] = nrt_counts.get(char, 0) + 1
    blobs, index, offset = [], {}, 0
    for head in sorted(by_head):
        head_freq, head_tags = by_head[head]
        parts = [marshal.dumps(head_freq), marshal.dumps(head_tags),
                 marshal.dumps((posseg.char_state_tab_P.get(head), emit.get(head, {})))]  # _FREQ, _TAGS, _HMM
        index[head] = (offset, *map(len, parts))
        blobs += parts
        offset += sum(map(len, parts))
    header = marshal.dumps({"format": FORMAT, "total": total, "index": index, "start_p": posseg.start_P,
                            "trans_p": posseg.trans_P, "nrt_counts": nrt_counts})
    return b"".join([_MAGIC, len(header).to_bytes(8, "little"), header, *blobs])


@lru_cache(maxsize=2)
def shared(cache_dir: str | None = None) -> Lexicon:
    """The lexicon of this process, from the cache folder's shard file (written there on
    first use; a read-only cache folder costs a rebuild per process, nothing else)."""
    from align.embed.cache import default_cache_dir
    from align.errors import InputError
    from align.fileio import write_bytes

    path = _cache_path(Path(cache_dir) if cache_dir else default_cache_dir())
    try:
        with path.open("rb") as handle:
            return Lexicon.from_bytes(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        pass
    data = build()
    try:
        write_bytes(path, data)
    except InputError:
        pass
    return Lexicon.from_bytes(data)


def tokenizer(lexicon: Lexicon | None = None):
    """A private ``jieba.Tokenizer`` (jieba's module-level one is process-wide: other
    stages and the user's code must not see each other's words) over on-demand tables."""
    import jieba

    lexicon = lexicon or shared()
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = OnDemand(lexicon.freq_of), lexicon.total, True
    return tok


class Tagger:
    """jieba's ``POSTokenizer`` (same cuts, same tags) over a tokenizer of this module, built
    without importing ``jieba.posseg``; ``cut`` yields ``(word, tag)`` pairs."""

    def __init__(self, tok=None, lexicon: Lexicon | None = None):
        lexicon = lexicon or shared()
        self.tokenizer = tok if tok is not None else tokenizer(lexicon)
        self.word_tag_tab = OnDemand(lexicon.tags_of)
        self._decode = Viterbi(lexicon)

    def cut(self, sentence: str, HMM: bool = True) -> Iterator[tuple[str, str]]:  # noqa: N803 (jieba's name)
        if self.tokenizer.user_word_tag_tab:
            for word, tag in self.tokenizer.user_word_tag_tab.items():
                self.word_tag_tab[word] = tag
            self.tokenizer.user_word_tag_tab = {}
        cut_block = self._cut_dag if HMM else self._cut_dag_no_hmm
        for block in RE_HAN_INTERNAL.split(sentence):
            if RE_HAN_INTERNAL.match(block):
                yield from cut_block(block)
                continue
            for piece in _RE_SKIP_INTERNAL.split(block):
                if _RE_SKIP_INTERNAL.match(piece):
                    yield piece, "x"
                    continue
                for char in piece:
                    if _RE_NUM.match(char):
                        yield char, "m"
                    elif _RE_ENG.match(piece):  # jieba tests the whole piece here
                        yield char, "eng"
                    else:
                        yield char, "x"

    def _route(self, sentence: str) -> dict:
        """jieba's best path (``Tokenizer.get_DAG`` then ``Tokenizer.calc``: the same sums, so
        the same route); over on-demand tables, their characters are filled first and then
        looked up as a plain dict, not through a Python-level method per fragment."""
        tok = self.tokenizer
        freq = tok.FREQ
        if not isinstance(freq, OnDemand):
            route: dict = {}
            tok.calc(sentence, tok.get_DAG(sentence), route)
            return route
        freq.fill_heads(sentence)
        get, n, logtotal = freq.plain_get, len(sentence), log(tok.total)
        route = {n: (0, 0)}
        for k in range(n - 1, -1, -1):
            ends, i, frag = [], k, sentence[k]
            while i < n:  # the ends of the dictionary words starting at k (jieba's DAG[k])
                count = get(frag)
                if count is None:
                    break
                if count:
                    ends.append(i)
                i += 1
                frag = sentence[k:i + 1]
            route[k] = max((log(get(sentence[k:x + 1]) or 1) - logtotal + route[x + 1][0], x) for x in ends or [k])
        return route

    def _cut_dag(self, sentence: str) -> Iterator[tuple[str, str]]:
        route, tags, x, buf = self._route(sentence), self.word_tag_tab, 0, ""
        while x < len(sentence):
            y = route[x][1] + 1
            word = sentence[x:y]
            if y - x == 1:
                buf += word
            else:
                if buf:
                    yield from self._flush(buf)
                    buf = ""
                yield word, tags.get(word, "x")
            x = y
        if buf:
            yield from self._flush(buf)

    def _flush(self, buf: str) -> Iterator[tuple[str, str]]:
        """A run of single characters: one word, HMM-recognised words, or the characters."""
        tags = self.word_tag_tab
        if len(buf) == 1:
            yield buf, tags.get(buf, "x")
        elif not self.tokenizer.FREQ.get(buf):
            yield from self._cut_detail(buf)
        else:
            for char in buf:
                yield char, tags.get(char, "x")

    def _cut_dag_no_hmm(self, sentence: str) -> Iterator[tuple[str, str]]:
        route, x, buf = self._route(sentence), 0, ""
        while x < len(sentence):
            y = route[x][1] + 1
            word = sentence[x:y]
            if _RE_ENG1.match(word):
                buf += word
            else:
                if buf:
                    yield buf, "eng"
                    buf = ""
                yield word, self.word_tag_tab.get(word, "x")
            x = y
        if buf:
            yield buf, "eng"

    def _cut_detail(self, sentence: str) -> Iterator[tuple[str, str]]:
        for block in _RE_HAN_DETAIL.split(sentence):
            if _RE_HAN_DETAIL.match(block):
                yield from self._cut_hmm(block)
                continue
            for piece in _RE_SKIP_DETAIL.split(block):
                if not piece:
                    continue
                if _RE_NUM.match(piece):
                    yield piece, "m"
                elif _RE_ENG.match(piece):
                    yield piece, "eng"
                else:
                    yield piece, "x"

    def _cut_hmm(self, sentence: str) -> Iterator[tuple[str, str]]:
        pos_list = self._decode(sentence)[1]
        begin, next_i = 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i][0]
            if pos == "B":
                begin = i
            elif pos == "E":
                yield sentence[begin:i + 1], pos_list[i][1]
                next_i = i + 1
            elif pos == "S":
                yield char, pos_list[i][1]
                next_i = i + 1
        if next_i < len(sentence):
            yield sentence[next_i:], pos_list[next_i][1]


class Viterbi:
    """jieba's POS HMM decoder (``jieba.posseg.viterbi``) with the inner maximum over the
    previous states done by numpy: the same sums in the same order, the same tie-break (the
    greatest state wins), so the same path; pure Python it is most of the checks' time.
    What a character contributes (its allowed states, its emission row) is worked out once
    per character and kept on the decoder: a run decodes the same few thousand characters
    tens of thousands of times."""

    def __init__(self, lexicon: Lexicon):
        import numpy as np

        self._np, self._lexicon = np, lexicon
        self._states = sorted(lexicon.trans_p, reverse=True)  # first maximum = the greatest state
        self._index = {state: i for i, state in enumerate(self._states)}
        n = len(self._states)
        self._start = np.array([lexicon.start_p[state] for state in self._states])
        self._trans = np.full((n, n), float("-inf"))
        self._follows = np.zeros((n, n), dtype=bool)
        for state, nexts in lexicon.trans_p.items():
            for following, p in nexts.items():
                self._trans[self._index[state], self._index[following]] = p
                self._follows[self._index[state], self._index[following]] = True
        self._has_next = self._follows.any(axis=1)
        self._any_state = np.ones(n, dtype=bool)
        self._no_emission = np.full(n, _MIN_FLOAT)
        self._rows: dict[str, tuple] = {}

    def _row(self, char: str) -> tuple:
        """(mask of the states ``char`` may take, their indexes, emission log-probability of
        ``char`` in every state)."""
        row = self._rows.get(char)
        if row is None:
            np, (states, emissions) = self._np, self._lexicon.hmm_of(char)
            if states is None:
                wanted = self._any_state
            else:
                wanted = np.zeros(len(self._states), dtype=bool)
                wanted[[self._index[s] for s in states]] = True
            emit = (np.array([emissions.get(state, _MIN_FLOAT) for state in self._states])
                    if emissions else self._no_emission)
            row = self._rows[char] = (wanted, np.nonzero(wanted)[0], emit)
        return row

    def __call__(self, obs: str):
        np, states = self._np, self._states
        _, current, emit = self._row(obs[0])
        scores = self._start[current] + emit[current]
        back = [None]
        path_states = [current]
        for char in obs[1:]:
            wanted, _, emit = self._row(char)
            keep = self._has_next[current]
            prev, prev_scores = current[keep], scores[keep]
            expected = self._follows[prev].any(axis=0)
            chosen = wanted & expected
            if not chosen.any():
                chosen = expected if expected.any() else self._any_state
            current = np.nonzero(chosen)[0]
            totals = (prev_scores[:, None] + self._trans[prev][:, current]) + emit[current][None, :]
            best = totals.argmax(axis=0)
            scores = totals[best, np.arange(len(current))]
            back.append(prev[best])
            path_states.append(current)
        last = int(scores.argmax())
        prob, state = float(scores[last]), int(path_states[-1][last])
        route = [None] * len(obs)
        for i in range(len(obs) - 1, -1, -1):
            route[i] = states[state]
            if i:
                state = int(back[i][np.searchsorted(path_states[i], state)])
        return prob, route
