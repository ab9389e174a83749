"""Sentences and abbreviation definitions of a passage, exactly as spaCy finds them
(`spacy.blank("en")` with scispaCy's tokenizer, the sentencizer and scispaCy's
AbbreviationDetector), tokenizing only the few places they depend on.

The tokenizer runs at about 0.2 MB/s, but both results depend on little of its output:

- spaCy cuts a text at whitespace and tokenizes each piece on its own (a piece's tokens never
  depend on its neighbours), so tokens are cached per piece (`piece_tokens`). A single space
  after a piece is the token's trailing whitespace; any other whitespace run is a token.
- The sentencizer starts a new sentence at the first token after a token in `punct_chars`
  ('.', '!', '?', ...) that is neither punctuation nor in `punct_chars`. Only pieces holding such
  a character, and the pieces right after them, need tokens.
- The abbreviation detector reads `( ... )` spans of at most 8 tokens and the words before them
  (Schwartz & Hearst 2003): only the pieces around a '(' need tokens.

`check_against_spacy` runs the real pipeline on a passage and compares; the tests use it.
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import NamedTuple, Optional

MAX_INNER_TOKENS = 8  # scispaCy: a parenthesis with more tokens is not an abbreviation definition
MAX_SHORT_TOKENS = 3  # ...with more than this many, the long form is inside the parentheses


@lru_cache(maxsize=1)
def nlp():
    """spaCy blank English with scispaCy's tokenizer, a sentencizer and the abbreviation detector."""
    import warnings

    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers the factory)
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = spacy.blank("en")
        model.tokenizer = combined_rule_tokenizer(model)
        model.add_pipe("sentencizer")
        model.add_pipe("abbreviation_detector")
    model.max_length = 5_000_000
    return model


class Token(NamedTuple):
    start: int  # offsets in the passage
    end: int
    text: str
    ends_sentence: bool  # in the sentencizer's punct_chars
    is_punct: bool
    space_after: bool  # spaCy's `whitespace_` is " "


PieceToken = tuple[int, int, str, bool, bool]  # start, end (in the piece), text, ends_sentence, is_punct
MAX_CACHED_PIECES = 200_000


class PieceTokenizer:
    """scispaCy's tokenizer applied to pieces (whitespace-free strings, or whitespace runs), with a
    cache. It runs on a vocabulary without lexical attributes (they are the tokenizer's main cost
    and do not change its tokens); `is_punct` is computed with the reference model's function."""

    def __init__(self):
        import spacy
        from scispacy.custom_tokenizer import combined_rule_tokenizer
        from spacy.attrs import IS_PUNCT

        reference = nlp()
        bare = spacy.blank("en")
        bare.vocab.lex_attr_getters = {}
        self._tokenizer = combined_rule_tokenizer(bare)
        self._is_punct = reference.vocab.lex_attr_getters[IS_PUNCT]
        self.punct_chars = frozenset(reference.get_pipe("sentencizer").punct_chars)
        self._cache: dict[str, tuple[PieceToken, ...]] = {}

    def tokens(self, piece: str) -> tuple[PieceToken, ...]:
        toks = self._cache.get(piece)
        if toks is None:
            toks = self._store(piece, [(t.idx, t.idx + len(t.text), t.text) for t in self._tokenizer(piece)])
        return toks

    def prefetch(self, pieces) -> None:
        """Tokenize the pieces not in the cache, non-space ones in one call (joined by single
        spaces: each piece is still tokenized on its own)."""
        todo = [p for p in dict.fromkeys(pieces) if p not in self._cache and p and not p[0].isspace()]
        if not todo:
            return
        doc = self._tokenizer(" ".join(todo))
        k, base, found = 0, 0, []
        for t in doc:
            while t.idx >= base + len(todo[k]) + 1:
                self._store(todo[k], found)
                base += len(todo[k]) + 1
                k, found = k + 1, []
            found.append((t.idx - base, t.idx - base + len(t.text), t.text))
        self._store(todo[k], found)

    def _store(self, piece: str, found: list[tuple[int, int, str]]) -> tuple[PieceToken, ...]:
        if len(self._cache) >= MAX_CACHED_PIECES:
            self._cache.clear()
        punct = self.punct_chars
        toks = tuple((a, b, t, t in punct, self._is_punct(t)) for a, b, t in found)
        self._cache[piece] = toks
        return toks


@lru_cache(maxsize=1)
def piece_tokenizer() -> PieceTokenizer:
    return PieceTokenizer()


def piece_tokens(piece: str) -> tuple[PieceToken, ...]:
    """(start, end, text, in punct_chars, is_punct) of each token of one piece, as spaCy's
    tokenizer makes them inside any text (offsets relative to the piece)."""
    return piece_tokenizer().tokens(piece)


@lru_cache(maxsize=1)
def _punct_piece() -> re.Pattern:
    """A whole piece holding a character of the sentencizer's punct_chars."""
    chars = "".join(sorted(piece_tokenizer().punct_chars))
    return re.compile(r"(?<!\S)\S*?[" + re.escape(chars) + r"]\S*")


_NON_SPACE = re.compile(r"\S+")
_PAREN_PIECE = re.compile(r"(?<!\S)\S*?\(\S*")


def _run_start(text: str, end: int, space: bool) -> int:
    """Where the run of whitespace (`space`) or of other characters that ends at `end` starts."""
    i = end
    while i > 0 and text[i - 1].isspace() == space:
        i -= 1
    return i


class _Passage:
    """A passage cut into spaCy's pieces: non-space runs and whitespace tokens."""

    def __init__(self, text: str):
        self.text = text

    def piece_at(self, start: int) -> tuple[int, int]:
        """The non-space piece starting at `start`."""
        return start, _NON_SPACE.match(self.text, start).end()

    def next_piece(self, piece: tuple[int, int]) -> Optional[tuple[int, int]]:
        text, (start, end) = self.text, piece
        if end >= len(text):
            return None
        if text[start].isspace():
            return self.piece_at(end)
        m = _NON_SPACE.search(text, end)
        q = m.start() if m else len(text)
        ws_start = end + 1 if text[end] == " " else end  # a single space after a piece is not a token
        if q > ws_start:
            return ws_start, q
        return self.piece_at(q) if q < len(text) else None

    def previous_piece(self, piece: tuple[int, int]) -> Optional[tuple[int, int]]:
        text, start = self.text, piece[0]
        if start == 0:
            return None
        if text[start].isspace():
            a = start - 1 if text[start - 1] == " " and not text[start - 1 - 1:start - 1].isspace() else start
            if a == 0:
                return None
            return _run_start(text, a, False), a
        q = _run_start(text, start, True)  # the end of the piece before, or 0
        if q == 0:
            return 0, start  # leading whitespace is a token
        ws_start = q + 1 if text[q] == " " else q
        if start > ws_start:
            return ws_start, start
        return _run_start(text, q, False), q

    def pieces_before(self, piece: tuple[int, int], n: int) -> list[tuple[int, int]]:
        """Up to `n` pieces before `piece`, nearest first."""
        out = []
        while len(out) < n:
            piece = self.previous_piece(piece)
            if piece is None:
                break
            out.append(piece)
        return out

    def tokens(self, piece: tuple[int, int]) -> list[Token]:
        start, end = piece
        text = self.text
        toks = piece_tokenizer().tokens(text[start:end])
        space_after = end < len(text) and text[end] == " " and not text[start].isspace()
        last = len(toks) - 1
        return [Token(start + a, start + b, t, sp, p, space_after and i == last) for i, (a, b, t, sp, p) in enumerate(toks)]


# ---------------------------------------------------------------- sentences
def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` as spaCy's sentencizer cuts it (`doc.sents`:
    from a sentence's first token to the end of its last token)."""
    if not text:
        return []
    tokenizer = piece_tokenizer()
    punct_chars = tokenizer.punct_chars
    passage = _Passage(text)
    starts = [0]
    done = 0  # pieces before this offset are read
    for m in _punct_piece().finditer(text):
        if m.start() < done:
            continue
        piece: Optional[tuple[int, int]] = (m.start(), m.end())
        seen_period = False
        while piece is not None:
            start, end = piece
            first = text[start]
            if seen_period and first.isalnum() and first not in punct_chars:
                starts.append(start)  # a token starting with a letter or digit is no punctuation
                break
            for a, _b, _t, ends_sentence, is_punct in tokenizer.tokens(text[start:end]):
                if seen_period and not is_punct and not ends_sentence:
                    starts.append(start + a)
                    seen_period = False
                elif ends_sentence:
                    seen_period = True
            done = end
            if not seen_period:
                break
            piece = passage.next_piece(piece)
    ends = [_token_end_before(text, s) for s in starts[1:]] + [_token_end_before(text, len(text))]
    return list(zip(starts, ends))


def _token_end_before(text: str, offset: int) -> int:
    """The end of the last token before `offset` (a token start, or the text's end): one less
    when the character before is a single space that follows a piece (no token of its own)."""
    if offset >= 2 and text[offset - 1] == " " and not text[offset - 2].isspace():
        return offset - 1
    return offset


# ---------------------------------------------------------------- abbreviations
def abbreviation_definitions(text: str) -> list[tuple[str, str, int]]:
    """(short form, long form, offset of the short form) for each abbreviation `text` defines,
    as scispaCy's AbbreviationDetector finds them (its definitions; not its later uses of a
    short form), in its order."""
    if "(" not in text or ")" not in text:
        return []
    passage = _Passage(text)
    matches = []  # (open, close, tokens before open (nearest last), inner tokens)
    for m in _PAREN_PIECE.finditer(text):
        piece = (m.start(), m.end())
        toks = passage.tokens(piece)
        # a ')' token within reach lies in the next MAX_INNER_TOKENS + 1 pieces (a piece is a token or more)
        reach = _reach(text, m.end())
        for k, tok in enumerate(toks):
            if tok.text != "(":
                continue
            after, nxt = toks[k + 1:], piece
            while len(after) <= MAX_INNER_TOKENS:
                nxt = passage.next_piece(nxt)
                if nxt is None or nxt[0] >= reach:
                    break
                after += passage.tokens(nxt)
            for j, close in enumerate(after[:MAX_INNER_TOKENS + 1]):
                if close.text == ")" and j >= 1:
                    matches.append((tok, close, piece, toks[:k], after[:j]))
    matches.sort(key=lambda x: (x[1].start, -x[0].start))  # spaCy's Matcher: by end, then latest start
    # scispaCy's `filter_matches`: (short form, long form or the number of tokens before to read)
    candidates = []
    for open_tok, _close, piece, before_in_piece, inner in matches:
        if open_tok.start == 0:
            continue  # scispaCy skips a parenthesis that starts the text
        if len(inner) > MAX_SHORT_TOKENS:
            short, long = _tokens_before(passage, piece, before_in_piece, 1), inner
            if _unbalanced(long):
                continue
        else:
            length = sum(len(t.text) for t in inner)
            short, long = inner, min(length + 5, length * 2)
        if not _short_form_ok(text, short):
            continue
        if isinstance(long, int):
            before = passage.pieces_before(piece, long)
            window = text[before[-1][0] if before else piece[0]:open_tok.start]  # holds the long form's tokens
            if not _in_order(_span_text(text, short), window):
                continue  # no long form there: skip reading its tokens
        candidates.append((short, long, piece, before_in_piece))
    piece_tokenizer().prefetch(
        text[a:b] for short, long, piece, before in candidates if isinstance(long, int)
        for a, b in passage.pieces_before(piece, long - len(before))
    )
    out: list[tuple[str, str, int]] = []
    seen_long: set[str] = set()
    seen_short: set[str] = set()
    for short, long, piece, before_in_piece in candidates:
        if isinstance(long, int):
            long = _tokens_before(passage, piece, before_in_piece, long)
        long_form = _find_long_form(long, short)
        if not long_form:
            continue
        long_text = _span_text(text, long_form)
        short_text = _span_text(text, short)
        if long_text in seen_long or short_text in seen_short:
            continue
        seen_long.add(long_text)
        seen_short.add(short_text)
        out.append((short_text, long_text, short[0].start))
    return out


def _reach(text: str, offset: int) -> int:
    """One past the last ')' in the MAX_INNER_TOKENS + 1 pieces after `offset` (or `offset`)."""
    end = offset
    for end_match in itertools.islice(_NON_SPACE.finditer(text, offset), MAX_INNER_TOKENS + 1):
        end = end_match.end()
    return text.rfind(")", offset, end) + 1 or offset


def _tokens_before(passage: _Passage, piece, before_in_piece: list[Token], n: int) -> list[Token]:
    """The `n` tokens before a '(' token (fewer at the start of the text), in text order."""
    toks = list(before_in_piece)
    while len(toks) < n:
        piece = passage.previous_piece(piece)
        if piece is None:
            break
        toks = passage.tokens(piece) + toks
    return toks[len(toks) - n:] if len(toks) > n else toks


def _in_order(short: str, window: str) -> bool:
    """Are the short form's letters and digits in `window`, in order, ignoring case? (Needed for
    `_find_long_form` to find a long form in any part of the window.)"""
    window = window.lower()
    pos = len(window)
    for ch in reversed(short):
        if ch.isalnum():
            pos = window.rfind(ch.lower(), 0, pos)
            if pos < 0:
                return False
    return True


def _span_text(text: str, toks: list[Token]) -> str:
    return text[toks[0].start:toks[-1].end] if toks else ""


def _unbalanced(toks: list[Token]) -> bool:
    depth = 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            if depth == 0:
                return True
            depth -= 1
    return depth != 0


def _short_form_ok(text: str, short: list[Token]) -> bool:
    """scispaCy's `short_form_filter`."""
    if not all(2 <= len(t.text) < 10 for t in short):
        return False
    s = _span_text(text, short)
    if sum(c.isalpha() for c in s) / len(s) < 0.5:
        return False
    return s[0].isalpha()


def _find_long_form(long: list[Token], short: list[Token]) -> Optional[list[Token]]:
    """scispaCy's `find_abbreviation` (Schwartz & Hearst) on tokens: the long form's tokens, or None."""
    long_form = " ".join(t.text for t in long)
    short_form = " ".join(t.text for t in short)
    long_index = len(long_form) - 1
    short_index = len(short_form) - 1
    while short_index >= 0:
        current = short_form[short_index].lower()
        if not current.isalnum():
            short_index -= 1
            continue
        while (long_index >= 0 and long_form[long_index].lower() != current) or (
            short_index == 0 and long_index > 0 and long_form[long_index - 1].isalnum()
        ):
            long_index -= 1
        if long_index < 0:
            return None
        long_index -= 1
        short_index -= 1
    long_index += 1
    word_lengths = 0
    starting_index = None
    for i, t in enumerate(long):
        word_lengths += len(t.text) + (1 if t.space_after else 0)
        if word_lengths > long_index:
            starting_index = i
            break
    return long[starting_index:]


# ---------------------------------------------------------------- batching
def prefetch(passages) -> None:
    """Tokenize, in one call, the pieces `sentence_spans` and `abbreviation_definitions` will
    read in these passages (a speed-up only: the results do not change)."""
    punct_piece, pieces = _punct_piece(), []
    for text in passages:
        for m in punct_piece.finditer(text):
            pieces.append(m.group())
            nxt = _NON_SPACE.search(text, m.end())
            if nxt and not nxt.group()[0].isalnum():
                pieces.append(nxt.group())
        if "(" not in text or ")" not in text:
            continue
        for m in _PAREN_PIECE.finditer(text):
            pieces.append(m.group())
            q = _run_start(text, m.start(), True)
            if q:
                pieces.append(text[_run_start(text, q, False):q])
            reach = _reach(text, m.end())
            for nxt in _NON_SPACE.finditer(text, m.end()):
                if nxt.start() >= reach:
                    break
                pieces.append(nxt.group())
    piece_tokenizer().prefetch(pieces)


# ---------------------------------------------------------------- the reference
def check_against_spacy(text: str) -> tuple[list, list, list, list]:
    """(ours, spaCy's) sentence spans and (ours, spaCy's) abbreviation definitions of `text`."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = nlp()(text)
    spacy_sents = [(s.start_char, s.end_char) for s in doc.sents]
    spacy_abbrevs, seen = [], set()
    for a in doc._.abbreviations:
        key = (a.text, a._.long_form.text)
        if key not in seen:  # the detector also lists every later use of a short form
            seen.add(key)
            spacy_abbrevs.append((a.text, a._.long_form.text))
    ours = [(s, l) for s, l, _ in abbreviation_definitions(text)]
    return sentence_spans(text), spacy_sents, ours, spacy_abbrevs
