#!/usr/bin/env python3
"""Splits the pairs that `duplicates --repo crates` lists into declaration
pairs and the rest, so a count of repeated logic is not drowned by lists.

A declaration pair is one where at least 80% of the code lines on both sides
are declarations: struct or enum fields, variants, attributes, constants,
closing braces, table rows of string literals. Two unrelated types whose six
fields in a row have the same shape ("pub name: Type,") are such a pair:
`duplicates` compares shapes, and every field list looks alike to it.

Usage, from the repository's root:
    duplicates --repo crates --most 200 --seconds 200 > /tmp/dups.txt
    python3 scripts/duplicate-kinds.py /tmp/dups.txt
Prints the two counts, then every pair that is not a declaration pair.
"""

import re
import sys
from pathlib import Path

DECLARATION = re.compile(
    r"""^\s*(
        (pub(\(crate\))?\s)?\w+:\s[^=]*,\s*$     # a field: `pub name: Type,`
      | (pub(\(crate\))?\s)?(struct|enum)\s      # a type's first line
      | \#\[                                     # an attribute
      | \}\s*[,;]?\s*$                           # a closing brace
      | (pub(\(crate\))?\s)?const\s\w+           # a constant
      | \("                                      # a row of a table of strings
      | \];?\s*$                                 # a table's end
      | \w+(\(\w+\))?,\s*(//.*)?$                 # an enum variant
    )""",
    re.VERBOSE,
)


def share(place: str, root: Path) -> float:
    """The share of the code lines of `file:first-last` that are declarations."""
    path, span = place.rsplit(":", 1)
    first, last = (int(n) for n in span.split("-"))
    lines = (root / path).read_text(encoding="utf-8").split("\n")[first - 1 : last]
    code = [l for l in lines if l.strip() and not l.strip().startswith("//")]
    return sum(1 for l in code if DECLARATION.match(l)) / max(1, len(code))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    listing = Path(sys.argv[1])
    if not listing.is_file():
        print(f"{listing}: no such file (save the output of `duplicates` there first)", file=sys.stderr)
        return 2
    root = Path("crates")
    if not root.is_dir():
        print("run this from the repository's root (no crates/ folder here)", file=sys.stderr)
        return 2
    rows = [l.split() for l in listing.read_text(encoding="utf-8").splitlines() if re.match(r"D\d+ ", l)]
    if not rows:
        print(f"{listing}: no pair rows (lines starting `D1 `); is it the output of `duplicates`?", file=sys.stderr)
        return 2
    rest = [r for r in rows if min(share(r[1], root), share(r[3], root)) < 0.8]
    print(f"{len(rows)} pairs: {len(rows) - len(rest)} declaration pairs, {len(rest)} others")
    for r in rest:
        print(" ".join(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
