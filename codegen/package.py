"""One output package from its mirrors: each declaration emitted once, imported elsewhere.

Each mirror is built on its own, with every declaration it needs. Linking then gives every
TypeScript declaration (known by its ``origin``) one owner, the mirror that emits it:

1. the first mirror, in config order, whose ``symbols`` list it;
2. when no mirror lists it, the first mirror, in config order, that needs it.

Every other mirror that needs it imports it from its owner (``from .roles import Role as
Role``), so ``users.Role is roles.Role`` and one ``MirrorValidationError`` class serves every
mirror. A package whose mirrors would import each other in a cycle is refused, naming the
declarations involved, since Python cannot import such modules by name; listing those
declarations in one mirror resolves it.
"""

from __future__ import annotations

from itertools import pairwise

from tsmirror import ir
from tsmirror.errors import InputError
from tsmirror.valueclass import replace


def _identity(module: ir.Module, decl: ir.Declaration) -> str:
    # a declaration built without an origin (by hand, in tests) is its mirror's own
    return decl.origin or f"{module.name}\0{decl.name}"


def link(modules: list[ir.Module], config_shown: str) -> list[ir.Module]:
    """``modules`` with each declaration left in its owner and imported everywhere else."""
    owner: dict[str, tuple[ir.Module, ir.Declaration]] = {}
    for module in modules:
        listed = set(module.listed)
        for decl in module.declarations:
            if decl.name in listed:
                owner.setdefault(_identity(module, decl), (module, decl))
    for module in modules:
        for decl in module.declarations:
            owner.setdefault(_identity(module, decl), (module, decl))
    linked: list[ir.Module] = []
    for module in modules:
        local: list[ir.Declaration] = []
        imports: list[ir.Import] = []
        for decl in module.declarations:
            home, emitted = owner[_identity(module, decl)]
            if home is module:
                local.append(decl)
            else:
                imported = (
                    emitted
                    if emitted.name == decl.name
                    else replace(emitted, name=decl.name)
                )
                imports.append(ir.Import(home.name, emitted.name, imported))
        linked.append(
            replace(module, declarations=tuple(local), imports=tuple(imports))
        )
    _refuse_cycles(linked, config_shown)
    return linked


def _refuse_cycles(modules: list[ir.Module], config_shown: str) -> None:
    uses = {
        m.name: {i.module: i.exported for i in reversed(m.imports)} for m in modules
    }
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = [*trail[trail.index(name) :], name]
            steps = ", ".join(
                f"{a} imports {uses[a][b]} from {b}" for a, b in pairwise(cycle)
            )
            raise InputError(
                f"mirrors would import each other in a cycle ({steps}); list these "
                "declarations in one mirror",
                path=config_shown,
            )
        if name in done:
            return
        for other in sorted(uses[name]):
            visit(other, [*trail, name])
        done.add(name)

    for module in modules:
        visit(module.name, [])
