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

Those pieces are found from the characters they hold (a scan `re` does quickly: a character
class first, no lookbehind), their boundaries with str.find/rfind (`_Passage`); `analyze` scans
each passage once for both results and tokenizes the pieces of all passages in one call.

`check_against_spacy` runs the real pipeline on a passage and compares; the tests use it.
"""
from __future__ import annotations

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


_new_token = tuple.__new__  # Token(...) without the Python-level __new__ of a NamedTuple
PieceToken = tuple[int, int, str, bool, bool]  # start, end (in the piece), text, ends_sentence, is_punct
MAX_CACHED_PIECES = 200_000


class PieceTokenizer:
    """scispaCy's tokenizer applied to pieces (whitespace-free strings, or whitespace runs), with a
    cache. It runs on a vocabulary without lexical attributes (they are the tokenizer's main cost
    and do not change its tokens); `is_punct` is computed with the reference model's function."""

    def __init__(self):
        import warnings

        import spacy
        from scispacy.custom_tokenizer import combined_rule_tokenizer
        from spacy.attrs import IS_PUNCT
        from spacy.pipeline import Sentencizer

        # the reference model's `is_punct` and sentence-ending characters, taken without building
        # it (its abbreviation detector and second tokenizer cost a worker a fifth of a second)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (scispaCy's patterns make `re` warn of set syntax)
            bare = spacy.blank("en")
            self._is_punct = bare.vocab.lex_attr_getters[IS_PUNCT]
            bare.vocab.lex_attr_getters = {}
            self._tokenizer = combined_rule_tokenizer(bare)
        self.punct_chars = frozenset(Sentencizer.default_punct_chars)
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
def _punct_finders() -> tuple[re.Pattern, re.Pattern, frozenset]:
    """Patterns of a piece from its first character of the sentencizer's punct_chars: of its
    ASCII ones ('.', '!', '?': a small set `re` scans for quickly), of any of them; and the set of
    the non-ASCII ones."""
    chars = piece_tokenizer().punct_chars
    ascii_chars = "".join(sorted(c for c in chars if c.isascii()))
    return (re.compile("[" + re.escape(ascii_chars) + r"]\S*"), re.compile("[" + re.escape("".join(sorted(chars))) + r"]\S*"),
            frozenset(c for c in chars if not c.isascii()))


def _punct_finder(text: str) -> re.Pattern:
    """The cheapest pattern finding every punct_chars character of `text`."""
    ascii_finder, full_finder, non_ascii = _punct_finders()
    if text.isascii() or non_ascii.isdisjoint(_NON_ASCII.findall(text)):
        return ascii_finder
    return full_finder


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PAREN = re.compile(r"\(\S*")
# every character str.isspace() (and `re`'s \s) holds to be whitespace, but the space
OTHER_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_OTHER_SPACE = re.compile("[" + re.escape(OTHER_SPACES) + "]")
_UP_TO_NINE_PIECES = re.compile(r"(?:\s*\S+){1,%d}" % (MAX_INNER_TOKENS + 1))


class _Passage:
    """A passage cut into spaCy's pieces: non-space runs and whitespace tokens.

    Piece boundaries are found with str.find/rfind on `ws`, the text with every whitespace
    character a space (the same length, so the same offsets): exact, as a piece boundary depends
    only on which characters are whitespace."""

    def __init__(self, text: str):
        self.text = text
        self.ws = _OTHER_SPACE.sub(" ", text) if _OTHER_SPACE.search(text) else text
        self._punct: Optional[list[tuple[int, int]]] = None
        self._paren: Optional[list[tuple[int, int, int]]] = None

    def piece_end(self, start: int) -> int:
        """The end of the non-space run from `start`."""
        end = self.ws.find(" ", start)
        return len(self.text) if end < 0 else end

    def next_non_space(self, offset: int) -> int:
        """The first non-space character at or after `offset` (or the text's end)."""
        ws, n = self.ws, len(self.ws)
        while offset < n and ws[offset] == " ":
            offset += 1
        return offset

    def run_start(self, end: int, space: bool) -> int:
        """Where the run of whitespace (`space`) or of other characters that ends at `end` starts."""
        ws = self.ws
        if not space:
            return ws.rfind(" ", 0, end) + 1
        while end > 0 and ws[end - 1] == " ":
            end -= 1
        return end

    def piece_at(self, start: int) -> tuple[int, int]:
        """The non-space piece starting at `start`."""
        return start, self.piece_end(start)

    def pieces_holding(self, finder: re.Pattern) -> list[tuple[int, int]]:
        """The non-space pieces holding a character `finder` finds: it finds the rest of the piece
        from the first one (`[...]\\S*`)."""
        rfind = self.ws.rfind
        return [(rfind(" ", 0, m.start()) + 1, m.end()) for m in finder.finditer(self.text)]

    def punct_pieces(self) -> list[tuple[int, int]]:
        """The pieces holding a character of the sentencizer's punct_chars."""
        if self._punct is None:
            self._punct = self.pieces_holding(_punct_finder(self.text))
        return self._punct

    def paren_pieces(self) -> list[tuple[int, int, int]]:
        """(start, end, `_reach` from the end) of the pieces holding a '('."""
        if self._paren is None:
            text = self.text
            self._paren = [(a, b, _reach(text, b)) for a, b in self.pieces_holding(_PAREN)] if "(" in text else []
        return self._paren

    def next_piece(self, piece: tuple[int, int]) -> Optional[tuple[int, int]]:
        text, (start, end) = self.text, piece
        n = len(text)
        if end >= n:
            return None
        if text[start].isspace():
            return self.piece_at(end)
        ws = self.ws
        if text[end] == " " and end + 1 < n and ws[end + 1] != " ":
            return self.piece_at(end + 1)  # the usual case: one space between two pieces
        q = self.next_non_space(end)
        ws_start = end + 1 if text[end] == " " else end  # a single space after a piece is not a token
        if q > ws_start:
            return ws_start, q
        return self.piece_at(q) if q < n else None

    def previous_piece(self, piece: tuple[int, int]) -> Optional[tuple[int, int]]:
        text, start = self.text, piece[0]
        if start == 0:
            return None
        if text[start].isspace():
            a = start - 1 if text[start - 1] == " " and not text[start - 1 - 1:start - 1].isspace() else start
            if a == 0:
                return None
            return self.run_start(a, False), a
        q = self.run_start(start, True)  # the end of the piece before, or 0
        if q == 0:
            return 0, start  # leading whitespace is a token
        ws_start = q + 1 if text[q] == " " else q
        if start > ws_start:
            return ws_start, start
        return self.run_start(q, False), q

    def pieces_before(self, piece: tuple[int, int], n: int) -> list[tuple[int, int]]:
        """Up to `n` pieces before `piece`, nearest first."""
        text, ws = self.text, self.ws
        out = []
        while len(out) < n:
            start = piece[0]
            if start >= 2 and text[start - 1] == " " and ws[start - 2] != " " and ws[start] != " ":
                piece = ws.rfind(" ", 0, start - 1) + 1, start - 1  # the usual case: a word and one space before
            else:
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
        if len(toks) == 1:  # most pieces: a word
            ((a, b, t, sp, p),) = toks
            return [_new_token(Token, (start + a, start + b, t, sp, p, space_after))]
        last = len(toks) - 1
        return [_new_token(Token, (start + a, start + b, t, sp, p, space_after and i == last))
                for i, (a, b, t, sp, p) in enumerate(toks)]


# ---------------------------------------------------------------- sentences
def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` as spaCy's sentencizer cuts it (`doc.sents`:
    from a sentence's first token to the end of its last token)."""
    return _sentence_spans(_Passage(text))


def _sentence_spans(passage: _Passage) -> list[tuple[int, int]]:
    text = passage.text
    if not text:
        return []
    tokenizer = piece_tokenizer()
    cache, punct_chars = tokenizer._cache, tokenizer.punct_chars
    starts = [0]
    done = 0  # pieces before this offset are read
    for start, end in passage.punct_pieces():
        if start < done:
            continue
        seen_period = False
        while True:
            first = text[start]
            if seen_period and first.isalnum() and first not in punct_chars:
                starts.append(start)  # a token starting with a letter or digit is no punctuation
                break
            piece = text[start:end]
            toks = cache.get(piece) or tokenizer.tokens(piece)
            for a, _b, _t, ends_sentence, is_punct in toks:
                if seen_period and not is_punct and not ends_sentence:
                    starts.append(start + a)
                    seen_period = False
                elif ends_sentence:
                    seen_period = True
            done = end
            if not seen_period:
                break
            nxt = passage.next_piece((start, end))
            if nxt is None:
                break
            start, end = nxt
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
    return _abbreviation_definitions(_Passage(text))


def _abbreviation_definitions(passage: _Passage) -> list[tuple[str, str, int]]:
    text = passage.text
    if "(" not in text or ")" not in text:
        return []
    matches = []  # (open, close, tokens before open (nearest last), inner tokens)
    for start, end, reach in passage.paren_pieces():
        # a ')' token within reach lies in the next MAX_INNER_TOKENS + 1 pieces (a piece is a token or more)
        if text.find(")", start, reach) < 0:
            continue  # no ')' in this piece or within reach: no match (and no tokens to read)
        piece = (start, end)
        toks = passage.tokens(piece)
        for k, tok in enumerate(toks):
            if tok.text != "(":
                continue
            # scispaCy matches each ')' of the next MAX_INNER_TOKENS + 1 tokens, but drops a
            # match with a '(' or ')' token inside that is not part of a pair (unbalanced, or a
            # short form token of 1 character): only the first ')' that closes this '(' can give
            # a definition, and the tokens after it are not needed
            after, nxt, depth = toks[k + 1:], piece, 0
            j = 0
            while j <= MAX_INNER_TOKENS:
                if j == len(after):
                    nxt = passage.next_piece(nxt)
                    if nxt is None or nxt[0] >= reach:
                        break
                    after += passage.tokens(nxt)
                    continue
                t = after[j].text
                if t == ")":
                    if depth == 0:
                        if j >= 1:
                            matches.append((tok, after[j], piece, toks[:k], after[:j]))
                        break
                    depth -= 1
                elif t == "(":
                    depth += 1
                j += 1
    matches.sort(key=lambda x: (x[1].start, -x[0].start))  # spaCy's Matcher: by end, then latest start
    # scispaCy's `filter_matches`: (short form, long form or the number of tokens before to read)
    candidates = []
    for open_tok, _close, piece, before_in_piece, inner in matches:
        if open_tok.start == 0:
            continue  # scispaCy skips a parenthesis that starts the text
        if len(inner) > MAX_SHORT_TOKENS:
            short, long = _tokens_before(passage, passage.pieces_before(piece, 1), before_in_piece, 1), inner
            if _unbalanced(long):
                continue
        else:
            length = sum(len(t.text) for t in inner)
            short, long = inner, min(length + 5, length * 2)
        if not _short_form_ok(text, short):
            continue
        before = []
        if isinstance(long, int):
            before = passage.pieces_before(piece, long)  # enough pieces for `long` tokens
            window = text[before[-1][0] if before else piece[0]:open_tok.start]  # holds the long form's tokens
            if not _in_order(_span_text(text, short), window):
                continue  # no long form there: skip reading its tokens
        candidates.append((short, long, piece, before_in_piece, before))
    piece_tokenizer().prefetch(
        text[a:b] for short, long, piece, in_piece, before in candidates if isinstance(long, int)
        for a, b in before[:long - len(in_piece)]
    )
    out: list[tuple[str, str, int]] = []
    seen_long: set[str] = set()
    seen_short: set[str] = set()
    for short, long, piece, before_in_piece, before in candidates:
        if isinstance(long, int):
            long = _tokens_before(passage, before, before_in_piece, long)
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
    m = _UP_TO_NINE_PIECES.match(text, offset)  # greedy: each \S+ a whole piece
    return text.rfind(")", offset, m.end() if m else offset) + 1 or offset


def _tokens_before(passage: _Passage, before: list[tuple[int, int]], before_in_piece: list[Token], n: int) -> list[Token]:
    """The `n` tokens before a '(' token (fewer at the start of the text), in text order:
    `before_in_piece` and the tokens of the pieces `before` (`pieces_before(piece, n)`)."""
    toks = list(before_in_piece)
    for piece in before:
        if len(toks) >= n:
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
    for t in short:
        if not 2 <= len(t.text) < 10:
            return False
    s = _span_text(text, short)
    if sum(map(str.isalpha, s)) / len(s) < 0.5:
        return False
    return s[0].isalpha()


def _find_long_form(long: list[Token], short: list[Token]) -> Optional[list[Token]]:
    """scispaCy's `find_abbreviation` (Schwartz & Hearst) on tokens: the long form's tokens, or None."""
    long_form = " ".join(t.text for t in long)
    short_form = " ".join(t.text for t in short)
    long_index = len(long_form) - 1
    short_index = len(short_form) - 1
    # an ASCII long form lower-cases character by character: its characters equal to `current`
    # are found with rfind (a `current` of another length than 1, from a non-ASCII character,
    # takes the loop)
    lower = long_form.lower() if long_form.isascii() else None
    while short_index >= 0:
        current = short_form[short_index].lower()
        if not current.isalnum():
            short_index -= 1
            continue
        if lower is not None and len(current) == 1:
            long_index = lower.rfind(current, 0, long_index + 1)
            while short_index == 0 and long_index > 0 and long_form[long_index - 1].isalnum():
                long_index = lower.rfind(current, 0, long_index)
        else:
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
    _prefetch([_Passage(text) for text in passages])


def _prefetch(passages: list[_Passage]) -> None:
    cache = piece_tokenizer()._cache
    pieces = []  # those not in the cache
    for passage in passages:
        text, ws, n = passage.text, passage.ws, len(passage.text)
        for start, end in passage.punct_pieces():
            piece = text[start:end]
            if piece not in cache:
                pieces.append(piece)
            q = end + 1  # the next non-space piece: usually after one space
            if q < n and ws[q] == " ":
                q = passage.next_non_space(q)
            if q < n and not text[q].isalnum():
                piece = text[q:passage.piece_end(q)]
                if piece not in cache:
                    pieces.append(piece)
        for start, end, reach in passage.paren_pieces():
            pieces.append(text[start:end])
            q = passage.run_start(start, True)
            if q:
                pieces.append(text[passage.run_start(q, False):q])
            while end < reach:
                start = passage.next_non_space(end)
                if start >= reach:
                    break
                end = passage.piece_end(start)
                pieces.append(text[start:end])
    piece_tokenizer().prefetch(pieces)


def analyze(passages: list[str]) -> list[tuple[list[tuple[int, int]], list[tuple[str, str, int]]]]:
    """`sentence_spans` and `abbreviation_definitions` of each passage (each passage scanned once,
    the pieces of all of them tokenized in one call)."""
    scanned = [_Passage(text) for text in passages]
    _prefetch(scanned)
    return [(_sentence_spans(p), _abbreviation_definitions(p)) for p in scanned]


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
