"""Normalised tokens, shingles and MinHash signatures for near-duplicate text (templates, repeats).

Text is normalised before shingling so that two replies that differ only in a handle, a
number, a URL, a name-like signature or punctuation look the same:

* URLs -> ``<url>``, e-mail addresses -> ``<email>``, @handles -> ``<at>``, digit runs -> ``<n>``,
  a trailing Twitter-style signature (``^JK``, ``-Ana``) is dropped;
* letters are case-folded; punctuation and emoji are dropped;
* Chinese and Japanese characters are one token each (those scripts have no spaces), other
  scripts split into words.

Shingles are runs of ``k`` consecutive tokens (``k=3``), hashed with pandas' stable
``hash_array`` (the same values in every process, unlike Python's ``hash``). A MinHash
signature keeps, for each of ``num_perm`` random bijections of the 64-bit hash space, the
smallest permuted shingle hash of a message; the share of equal positions between two
signatures estimates the Jaccard similarity of their shingle sets. Everything after
tokenisation is vectorised with numpy (one ``minimum.reduceat`` per permutation).

This is our own small MinHash rather than ``datasketch``: datasketch builds one Python object
per message, which is far slower for whole-corpus batches, and we need nothing but signatures
and banded keys.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
#: Twitter-style signatures: "^JK", "/CH", "-Ana" (at the end, or before a trailing URL)
_SIGNATURE = re.compile(
    r"(?:\s\^\s?\w{1,12}|\s/[A-Z]{1,3}|(?:\s|(?<=[a-z.!]))[-–—~]\s?[A-Z][a-z]{1,11})(?=\s*(?:https?://\S+\s*)?$)"
)
_DIGITS = re.compile(r"\d+(?:[.,:/-]\d+)*")
#: one CJK character, a placeholder, or a run of letters
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|<(?:url|email|at|n)>|[^\W\d_]+")

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def normalise(text: str) -> str:
    """Mask URLs, e-mail addresses, handles, numbers and a trailing signature; case-fold."""
    # each pattern runs only on texts holding a character it needs (a fast substring test)
    if any(ch in text for ch in "^/-–—~"):
        text = _SIGNATURE.sub("", text)
    if "://" in text or "w." in text or "W." in text:
        text = _URL.sub(" <url> ", text)
    if "@" in text:
        text = _EMAIL.sub(" <email> ", text)
        text = _HANDLE.sub(" <at> ", text)
    text = _DIGITS.sub(" <n> ", text)
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Tokens of the normalised text (CJK characters one by one, other scripts by word)."""
    return _TOKEN.findall(normalise(text))


def shingle_strings(toks: Sequence[str], k: int = 3) -> list[str]:
    """The ``k``-token shingles of a token list (one shingle of all tokens if shorter than k)."""
    if len(toks) < k:
        return [" ".join(toks)] if toks else []
    return [" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)]


def shingle_hashes(texts: Sequence[str], k: int = 3, min_tokens: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashed shingles of many texts.

    Returns ``(hashes, owner, n_tokens)``: ``hashes`` (uint64) of every shingle, ``owner`` the
    index of the text each belongs to (non-decreasing), and the number of tokens per text.
    Texts with fewer than ``min_tokens`` tokens contribute no shingles.
    """
    flat: list[str] = []
    owner: list[int] = []
    n_tokens = np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        toks = tokens(text)
        n_tokens[i] = len(toks)
        if len(toks) < min_tokens:
            continue
        sh = shingle_strings(toks, k)
        flat.extend(sh)
        owner.extend([i] * len(sh))
    if not flat:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), n_tokens
    hashes = pd.util.hash_array(np.asarray(flat, dtype=object), categorize=True)
    return hashes.astype(np.uint64), np.asarray(owner, dtype=np.int64), n_tokens


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)  # odd: a bijection mod 2**64
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def minhash(hashes: np.ndarray, owner: np.ndarray, n: int, num_perm: int = 64, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (``n x num_perm``, uint32) of the shingle sets; and which rows have any shingle.

    Rows without shingles get an all-zero signature and ``False`` in the second array.
    """
    sig = np.zeros((n, num_perm), dtype=np.uint32)
    has = np.zeros(n, dtype=bool)
    if not len(hashes):
        return sig, has
    owners, starts = np.unique(owner, return_index=True)
    has[owners] = True
    a, b = _permutations(num_perm, seed)
    with np.errstate(over="ignore"):
        for j in range(num_perm):
            x = hashes * a[j] + b[j]  # wraps mod 2**64
            x ^= x >> np.uint64(29)
            sig[owners, j] = (np.minimum.reduceat(x, starts) >> np.uint64(32)).astype(np.uint32)
    return sig, has


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 key per row and band (``n x bands``): equal keys = equal signature slices."""
    n, num_perm = sig.shape
    rows = num_perm // bands
    if rows * bands != num_perm:
        raise ValueError(f"num_perm={num_perm} is not a multiple of bands={bands}")
    rng = np.random.default_rng(7)
    mult = rng.integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for bnd in range(bands):
            part = sig[:, bnd * rows : (bnd + 1) * rows].astype(np.uint64)
            k = np.zeros(n, dtype=np.uint64)
            for r in range(rows):
                k = (k ^ part[:, r]) * mult[r]
            keys[:, bnd] = k ^ np.uint64(bnd)
    return keys


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Row-wise share of equal MinHash positions (an estimate of Jaccard similarity)."""
    return (sig_a == sig_b).mean(axis=1)
