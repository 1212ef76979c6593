"""Thai word segmentation (pythainlp's newmm) over its own dictionary, loaded fast.

newmm asks its dictionary one thing: which words start at a position of the text
(`prefixes`). pythainlp answers it from a trie of Python dicts that it builds from its
62,000 words on first use — 0.6 s of CPU in every process, most of a short run's time.
A MARISA trie of the same words is built in C++ in 0.05 s and answers the same question,
so the segmentation is newmm's own, word for word (tests/test_thai_words.py compares it
with pythainlp's default on the examples), at a tenth of the start-up.

Every caller in the project segments through `words()`, so one dictionary is built per
process (and shared by forked OCR workers, see extract.sources.load_shared_data).
"""

from __future__ import annotations

from functools import lru_cache


class _Dictionary:
    """pythainlp's `Trie` interface, as newmm uses it, over a MARISA trie."""

    def __init__(self, entries: frozenset[str]) -> None:
        import marisa_trie

        # pythainlp's Trie strips every word as it adds it; so does this one.
        stripped = {word.strip() for word in entries} - {""}
        self._trie = marisa_trie.Trie(stripped)
        self._longest = max(map(len, stripped), default=0)
        self._size = len(stripped)

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """Words of the dictionary that begin `text[start:]`, shortest first (as pythainlp)."""
        found: list[str] = self._trie.prefixes(text[start : start + self._longest])
        return sorted(found, key=len)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._trie

    def __len__(self) -> int:
        return self._size


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """pythainlp's Thai word list (the dictionary newmm segments with by default)."""
    from pythainlp.corpus import thai_words

    return thai_words()


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    return _Dictionary(dictionary_words())


def words(text: str, *, keep_whitespace: bool = True) -> list[str]:
    """`text` cut into words by newmm, as `pythainlp.tokenize.word_tokenize` would."""
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(
        text,
        engine="newmm",
        custom_dict=_dictionary(),  # type: ignore[arg-type]  # a Trie in all but name
        keep_whitespace=keep_whitespace,
    )


def load() -> None:
    """Build the dictionary now (before OCR workers are forked, so that they share it)."""
    _dictionary()
