"""What a run found: measurements by section, and the targets of issue 6 judged against them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    id: str
    description: str
    value: float
    limit: float
    at_most: bool  # True: value <= limit; False: value >= limit
    unit: str

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "value": round(self.value, 3), "met": self.met}


@dataclass
class Results:
    machine: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def target(
        self,
        id: str,
        description: str,
        value: float,
        *,
        at_most: float | None = None,
        at_least: float | None = None,
        unit: str = "x",
    ) -> None:
        limit = at_most if at_most is not None else at_least
        assert limit is not None and (at_most is None) != (at_least is None)
        self.targets.append(
            Target(id, description, value, limit, at_most is not None, unit)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "targets": [t.to_json() for t in self.targets],
            "skipped": self.skipped,
            **self.sections,
        }
