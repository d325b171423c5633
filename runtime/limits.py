"""The documented caps. Over any of them, the read or the block fails closed with
`LimitExceededError`: nothing is truncated, nothing is rendered half.

They bound what one workspace can cost: a cached identity holds at most one charter (two
texts of `MAX_CHARTER_BYTES`) and a block of `MAX_BLOCK_CHARS`, whatever the database holds,
and the provider keeps at most `MAX_CACHED_WORKSPACES` of them, weighing at most
`MAX_CACHED_CHARACTERS` (`runtime.cache`).
"""

from __future__ import annotations

# content_md, and content_jsonb as JSON text, each; checked in SQL, before the row is sent.
MAX_CHARTER_BYTES = 64 * 1024
# One policy value as JSON text; checked in SQL, before the value is sent.
MAX_POLICY_VALUE_BYTES = 4 * 1024
# Policies of one workspace (the read asks for one more, to know).
MAX_POLICIES = 128
# Arrays and objects inside one JSON value (charter or policy). Deeper is refused before
# anything recurses over it.
MAX_JSON_DEPTH = 32
# One rendered item: the identity text, one can/cannot entry, one `path = value` line.
MAX_ITEM_CHARS = 2_000
# The whole identity block.
MAX_BLOCK_CHARS = 24_000
# Workspaces whose identity the provider keeps, and the characters of text their cached
# identities hold in all (charter text and JSON, block); the least recently used go first.
# Measured: a typical identity (about 3,000 characters) costs about 16 KiB of memory, so a
# full cache of them about 16 MiB. Whatever the workspaces hold, a character costs at most
# about 4 bytes, so the cache stays under 4 x 4 MiB + 1,024 x 16 KiB = 32 MiB.
MAX_CACHED_WORKSPACES = 1_024
MAX_CACHED_CHARACTERS = 4 * 1024 * 1024
# Sessions a provider keeps bound to their workspace; the least recently bound goes first
# (its later calls are refused, never served another's block).
MAX_BOUND_SESSIONS = 4_096
