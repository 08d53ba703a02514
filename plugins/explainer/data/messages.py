"""The small helpers the readers of events.yaml share: wording a message and looking at a node.

Every message names what is wrong and how to fix it, so the wording lives here once, used by
pass 1 (`read_values`), pass 2 (`validate`) and the model builder (`build`): how a value from
the file is quoted and clipped, what shape a node has, which near miss to suggest, why an
address or a key is not acceptable.
"""
from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .fields import CODE_PATTERN, MAX_SLUG_LENGTH, Collection
from .vocab import Vocabulary

# Every pattern is used with `fullmatch` (see fields.SLUG_PATTERN).
_CODE = re.compile(CODE_PATTERN)
_NULL_TAG = "tag:yaml.org,2002:null"
_HOST = re.compile(r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
_IPV4 = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){3}")
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SINGULAR = {"countries": "country", "laws": "law", "actors": "actor", "sources": "source"}
"""How messages name one entry of each collection a reference can point to."""


@functools.cache
def members(vocab: type[Vocabulary]) -> dict[str, Vocabulary]:
    """Value -> member of a vocabulary: what a choice written in the file can name."""
    return {member.value: member for member in vocab}


def is_null(node: Node) -> bool:
    """True for a value left empty (`key:`), or written as a plain `~` / `null`."""
    # libyaml reports a plain scalar's style as '', the pure-Python parser as None.
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG and not node.style


def shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the single value {quoted(node.value)}" if len(node.value) <= 40 else "a single value"


def suggest(word: str, choices: Iterable[str], *, list_all: bool) -> str | None:
    """'; did you mean 'x'?' for a near miss, else the allowed names (or None)."""
    choices = list(choices)
    lowered = {choice.lower(): choice for choice in choices}
    match = lowered.get(word.lower())
    if match is None:
        close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
        match = close[0] if close else None
    if match is not None:
        return f"; did you mean {quoted(match)}?"
    if list_all:
        return f"; the fields here are: {', '.join(choices)}"
    return None


def with_article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "my-slug"


def example_key(collection: Collection) -> str:
    return "KG" if collection.key == "code" else "my-slug"


def too_long(slug: str) -> str:
    return (f"{quoted(slug)} is {len(slug)} characters long; a slug or id may have at most {MAX_SLUG_LENGTH} "
            "(it becomes a file name and part of a web address): shorten it")


def key_format_message(collection: Collection, key: str) -> str:
    if collection.key == "code":
        hint = f"; did you mean '{key.upper()}'?" if _CODE.fullmatch(key.upper()) else ""
        return (f"{quoted(key)} is not a country code: use two capital letters (ISO 3166-1 alpha-2, "
                f"EU for the European Union){hint}")
    return (f"{quoted(key)} is not a valid slug: use lower-case letters, digits and single hyphens, "
            f"e.g. {quoted(slugify(key))}")


def url_problem(text: str) -> str | None:
    """Why `text` is not an acceptable http(s) address, or None when it is."""
    if not text.strip():
        return "'url' is empty: write the address, starting with https://"
    for index, char in enumerate(text):
        if char.isspace() or ord(char) < 0x20 or 0x7f <= ord(char) < 0xa0:
            return (f"the address contains a space or invisible character at position {index + 1}; "
                    "remove it (encode a real space as %20)")
    scheme = _URL_SCHEME.match(text)
    if scheme is None:
        return f"'{clip(text)}' is not a full address: start it with https://"
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        return f"{quoted(name + ':')} addresses are not allowed: an address must start with https:// or http://"
    if not text[len(name) + 1:].startswith("//"):
        return f"'{clip(text)}' is malformed: write {name}:// followed by the host name"
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return f"'{clip(text)}' is malformed: check the host name and port"
    if not host:
        return f"'{clip(text)}' has no host name after {name}://"
    if "@" in parts.netloc:
        return f"'{clip(text)}' contains a user name or password ('@' before the host); remove it"
    if not (_HOST.fullmatch(host) or _IPV4.fullmatch(host)):
        return f"'{clip(text)}' has an invalid host name {quoted(host)}"
    return None


def clip(text: str, limit: int = 80) -> str:
    """Shorten a value quoted in a message, so a megabyte-long value gives a one-line message."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def quoted(text: str) -> str:
    """A value from the file, quoted (and clipped) for a message."""
    return f"'{clip(text)}'"
