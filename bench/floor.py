"""The floor: a process that imports tree-sitter and parses the given files, nothing more.

Usage: python bench/floor.py FILE...   (run as a script, so it imports nothing of bench/)
"""

import sys

import tree_sitter_typescript
from tree_sitter import Language, Parser

parser = Parser(Language(tree_sitter_typescript.language_typescript()))
for name in sys.argv[1:]:
    with open(name, "rb") as handle:
        if parser.parse(handle.read()).root_node.has_error:
            sys.exit(f"{name}: syntax error")
