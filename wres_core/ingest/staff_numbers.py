"""Staff numbers, hashed for finding the few that repeat, without pandas.

A staff-level extract has a million or more staff numbers, nearly all distinct; only numbers
that occur twice in one organisation and year matter (``build``'s duplicate check). So each
number is folded into a 64-bit hash straight from Arrow's buffers, :func:`maybe_repeated`
rules out most rows with two ``np.bincount`` passes over the hash, and only the rows left are
compared exactly. It imports only numpy and pyarrow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    from wres_core.ingest.source import Factor

_MIX = np.uint64(0x9E3779B97F4A7C15)
#: The mask that keeps the first k bytes of a little-endian 8-byte word, for k = 0 .. 8.
_KEEP_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
#: Buckets of the cheap first pass of :func:`maybe_repeated`: at most 2**22 (a 32 MB count
#: table), fewer for fewer values (about two buckets a value).
_BUCKET_BITS = 22
#: Numbers longer than this are given exact codes from a dictionary instead of a hash.
_LONGEST_HASHED = 64


def maybe_repeated(values: np.ndarray) -> np.ndarray:
    """True for every value that may occur more than once (at least all that do).

    Most staff numbers occur once: counting the values' buckets (two independent slices of
    their bits, after mixing) rules most of them out with ``np.bincount``; only the rest are
    sorted (``np.unique``) to find the values that really repeat.
    """
    mixed = values >> np.uint64(33)  # murmur3's finaliser (in place): every bit counts
    mixed ^= values
    mixed *= np.uint64(0xFF51AFD7ED558CCD)
    mixed ^= mixed >> np.uint64(33)
    bits = min(_BUCKET_BITS, max(8, len(values).bit_length() + 1))
    size = 1 << bits
    low = (mixed >> np.uint64(64 - bits)).view(np.int64)  # below 2**bits: no copy
    candidates = np.flatnonzero(np.bincount(low, minlength=size)[low] > 1)
    del low
    high = ((mixed[candidates] >> np.uint64(64 - 2 * bits)) & np.uint64(size - 1)
            ).astype(np.intp)
    candidates = candidates[np.bincount(high, minlength=size)[high] > 1]
    _, inverse, counts = np.unique(values[candidates], return_inverse=True,
                                   return_counts=True)
    out = np.zeros(len(values), dtype=bool)
    out[candidates[counts[inverse] > 1]] = True
    return out


@dataclass(frozen=True)
class IdColumn:
    """Staff numbers, for finding repeats without turning a million of them into Python.

    ``hash`` folds each number into one integer for a fast first pass (equal numbers, equal
    hashes); ``repeated`` is True for every row whose hash occurs more than once (so at least
    every number that repeats: :func:`maybe_repeated`); ``exact`` gives the numbers of some
    rows exactly, to check the rows whose hashes repeat; ``valid`` is False for blanks.
    Build one with :meth:`of_hashes`, which finds ``repeated``.
    """

    valid: np.ndarray
    hash: np.ndarray  # (rows,) uint64
    exact: Callable[[np.ndarray], np.ndarray]  # row positions -> comparable values
    text: Callable[[np.ndarray], list[str]]  # row positions -> the numbers as written
    repeated: np.ndarray

    @classmethod
    def of_hashes(cls, valid: np.ndarray, hashes: np.ndarray,
                  exact: Callable[[np.ndarray], np.ndarray],
                  text: Callable[[np.ndarray], list[str]]) -> IdColumn:
        return cls(valid, hashes, exact, text, maybe_repeated(hashes))

    @classmethod
    def from_factor(cls, factor: Factor) -> IdColumn:
        codes = factor.codes
        labels = factor.labels
        return cls.of_hashes(codes >= 0, codes.clip(0).astype(np.uint64) * _MIX,
                             lambda rows: codes[rows],
                             lambda rows: [labels[c] for c in codes[rows]])


def staff_number_column(column: pa.ChunkedArray) -> IdColumn:
    """Staff numbers (strings, blanks null) hashed eight bytes at a time from Arrow's buffers.

    Each number, stripped of white space, is read as little-endian 64-bit words (the last
    zero-padded to eight bytes) and its words are folded; only rows whose hashes repeat are
    compared exactly (see ``exact``).
    """
    import pyarrow.compute as pc  # here: importing it delays the prefetch's start

    trimmed = pc.fill_null(pc.utf8_trim_whitespace(column), "").cast(pa.binary())
    trimmed = trimmed.combine_chunks()
    n = len(trimmed)
    offsets = np.frombuffer(trimmed.buffers()[1], dtype=np.int32)[
        trimmed.offset:trimmed.offset + n + 1]
    lengths = np.diff(offsets)
    valid = lengths > 0
    widest = int(lengths.max()) if n else 0

    def text(rows: np.ndarray) -> list[str]:
        values = trimmed.take(pa.array(np.asarray(rows, dtype=np.int64))).to_pylist()
        return [v.decode("utf-8", "replace") for v in values]

    def exact(rows: np.ndarray) -> np.ndarray:
        return np.array(trimmed.take(pa.array(np.asarray(rows, dtype=np.int64))).to_pylist(),
                        dtype=object)

    if widest > _LONGEST_HASHED:  # long identifiers: exact codes from a dictionary instead
        codes = np.asarray(trimmed.dictionary_encode().indices.to_numpy(zero_copy_only=False),
                           dtype=np.uint64)
        return IdColumn.of_hashes(valid, codes * _MIX, lambda rows: codes[rows], text)
    data = trimmed.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    words = -(-widest // 8)
    # Zeros after the last number: every word of every number starts inside the buffer.
    padded = np.concatenate([raw, np.zeros(8 * max(words, 1), dtype=np.uint8)])
    # The eight bytes from every position as one word: an unaligned view (stride one byte),
    # so that one gather per word reads every number's next eight bytes at once.
    word_at = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    starts = offsets[:-1]
    folded = np.zeros(n, dtype=np.uint64)
    for word in range(words):
        left = np.clip(lengths - 8 * word, 0, 8)  # bytes of each number still to read
        value = word_at[starts + 8 * word]  # first byte lowest
        value &= _KEEP_BYTES[left]
        value ^= folded * _MIX
        # Only a number's own words are folded, so that its hash does not depend on the
        # longest value in the column (a title row, say).
        np.copyto(folded, value, where=left > 0)
    folded *= _MIX
    return IdColumn.of_hashes(valid, folded, exact, text)
