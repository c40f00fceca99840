"""Many named regular expressions as one alternation that Python's engine runs fast.

Python's regex engine tries the alternatives of ``a|b|c`` one by one at each position, but
skips an alternative that starts with a literal other than the current character almost for
free. :func:`dispatch` joins named patterns into one alternation nested by the first letters of
their alternatives (a trie), so that each position tries only a few of them; the name of the
group that matched (``Match.lastgroup``) tells which pattern it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

__all__ = ["dispatch", "literal_prefixes"]

_TRIE_DEPTH = 3
_QUANTIFIERS = ("?", "*", "+", "{")


def dispatch(named: Iterable[tuple[str, str]]) -> str:
    """Join named patterns into one alternation, as a trie of their first letters.

    Python's regex engine tries alternatives one by one, but skips one that starts with a
    literal other than the current character almost for free; nesting the alternatives by
    their first three letters makes each word start try a few of them. The group holding the
    alternatives of pattern ``name`` under prefix ``abc`` is named ``name_abc`` (``name_0`` at
    the root). At one position, alternatives under a longer common prefix are tried before the
    others, and the patterns keep their order among themselves.
    """
    return _trie([(name, alt) for name, pattern in named for alt in _alternatives(pattern)], "")


def _trie(items: list[tuple[str, str]], prefix: str) -> str:
    children: dict[str, list[tuple[str, str]]] = defaultdict(list)
    leaves: dict[str, list[str]] = defaultdict(list)
    for name, alternative in items:
        first = alternative[:1]
        if len(prefix) < _TRIE_DEPTH and first.isalnum() and alternative[1:2] not in _QUANTIFIERS:
            children[first].append((name, alternative[1:]))
        else:
            leaves[name].append(alternative)
    parts = [f"{char}(?:{_trie(sub, prefix + char)})" for char, sub in children.items()]
    parts += [f"(?P<{name}_{prefix or 0}>{'|'.join(alts)})" for name, alts in leaves.items()]
    return "|".join(parts)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern, with a leading ``(?:a|b)`` or ``(?:a)?`` group
    multiplied out, so that most alternatives start with a literal letter."""
    out = []
    for alternative in _split_top(pattern):
        if alternative.startswith("(?:"):
            close = _group_end(alternative)
            rest = alternative[close + 1 :]
            is_optional = rest.startswith("?")
            rest = rest[1:] if is_optional else rest
            if rest[:1] not in _QUANTIFIERS:
                inner = _split_top(alternative[3:close])
                out += _alternatives("|".join(a + rest for a in inner))
                out += _alternatives(rest) if is_optional and rest else []
                continue
        out.append(alternative)
    return out


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at the ``|`` outside any group or character class."""
    cuts = [i for i, char, depth in _structure(pattern) if char == "|" and depth == 0]
    bounds = zip([-1, *cuts], [*cuts, len(pattern)], strict=True)
    return [pattern[start + 1 : end] for start, end in bounds]


def _group_end(pattern: str) -> int:
    """The index of the parenthesis closing the group that opens ``pattern``."""
    return next(i for i, char, depth in _structure(pattern) if char == ")" and depth == 0)


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of each character of ``pattern`` outside
    escapes and character classes, which cannot open, close or split a group."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = pattern.index("]", i + 1)
        else:
            depth += {"(": 1, ")": -1}.get(char, 0)
            yield i, char, depth
        i += 1


# --- literal prefixes ---------------------------------------------------------------------------

_SPECIAL = set("\\.^$*+?{}[]|()")
_PREFIX_CHARS = 12  # longer prefixes are cut: they would find no fewer sentences
_PREFIX_FORMS = 64  # spellings of one alternative before its later branches are cut off


def literal_prefixes(pattern: str) -> frozenset[str]:
    """Strings one of which starts every match of ``pattern``, for a quick screen before the
    regular expression runs. Optional letters, small character classes and groups are
    spelled out; a prefix stops at the first construct it cannot spell (``\\w``, ``*``, a
    range), and lookarounds are passed over, which only admits more text. An empty string
    in the answer means some match may start with anything."""
    out: set[str] = set()
    for alternative in _split_top(pattern):
        out |= _spellings(alternative, "")
    # A prefix that starts with another one adds nothing.
    return frozenset(p for p in out if not any(p.startswith(q) for q in out if q != p))


def _spellings(pattern: str, head: str) -> set[str]:
    """The prefixes of ``head`` followed by a match of ``pattern`` (``literal_prefixes``)."""
    i = 0
    while i < len(pattern) and len(head) < _PREFIX_CHARS:
        char = pattern[i]
        if char == "(":
            close = _group_end(pattern[i:]) + i
            inner, rest = pattern[i + 1 : close], pattern[close + 1 :]
            if inner.startswith(("?=", "?!", "?<=", "?<!")):  # zero-width: passed over
                i = close + 1
                continue
            inner = inner[2:] if inner.startswith("?:") else inner
            if inner.startswith("?"):  # a named group or a flag: not spelled out
                return {head}
            choices = _split_top(inner)
        elif char == "[":
            close = pattern.index("]", i + 1)
            members, rest = pattern[i + 1 : close], pattern[close + 1 :]
            if len(members) > 4 or set(members) & set("\\^]") or "-" in members[1:-1]:
                return {head}  # a range, an escape or a negation: not spelled out
            choices = list(members)
        elif char in _SPECIAL:
            return {head}
        else:
            choices, rest = [char], pattern[i + 1 :]
        quantifier = rest[:1]
        if quantifier in ("*", "{"):
            return {head}
        if quantifier == "+":  # once at least; what follows is not spelled out
            return {head + c for c in choices} if all(len(c) == 1 for c in choices) else {head}
        if quantifier == "?":
            rest = rest[1:].removeprefix("?")  # a lazy ? matches the same strings
            choices = [*choices, ""]
        if len(choices) > 1 or (choices and choices[0] and not _is_plain(choices[0])):
            if len(choices) > _PREFIX_FORMS:
                return {head}
            out: set[str] = set()
            for choice in choices:
                out |= _spellings(choice + rest, head)
                if len(out) > _PREFIX_FORMS:
                    return {head}
            return out
        head += choices[0]
        pattern, i = rest, 0
    return {head[:_PREFIX_CHARS]}


def _is_plain(text: str) -> bool:
    return not any(c in _SPECIAL for c in text)
