"""`make bench`: tsmirror's cost against the floor (Python start-up, importing tree-sitter,
parsing the same files) and against the tools a user would otherwise reach for.

Every process timing is a median over repeated whole-process runs, interleaved with its
baseline in the same run; results go to bench/results.json and bench/results.md.
"""
