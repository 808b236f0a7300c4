"""What the item-quality checks read: plain records of items, decisions and profiles, with their place."""

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["final", "practice", "decision"]


@dataclass(frozen=True)
class OptionRecord:
    id: str
    text: dict[str, str]
    # None for a vignette decision, which has no key.
    correct: bool | None
    line: int = 0


@dataclass(frozen=True)
class ItemRecord:
    id: str
    kind: Kind
    # single | multiple | truefalse | decision
    type: str
    module: str
    stem: dict[str, str]
    options: tuple[OptionRecord, ...]
    file: str = ""
    line: int = 0
    scoring: str = "all_or_nothing"
    case: str | None = None
    principles: tuple[str, ...] = ()
    # A decision's vignette: every text of the vignette, to find final items that replay it.
    context: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.id

    @property
    def keys(self) -> tuple[OptionRecord, ...]:
        return tuple(o for o in self.options if o.correct)

    @property
    def distractors(self) -> tuple[OptionRecord, ...]:
        return tuple(o for o in self.options if o.correct is False)


@dataclass(frozen=True)
class ProfileRecord:
    key: str
    draw: int
    pass_mark: int
    blueprint: dict[str, int]
    principle_quotas: dict[str, int] = field(default_factory=dict)
    quality: dict[str, float] = field(default_factory=dict)
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Finding:
    severity: Literal["refusal", "warning"]
    code: str
    message: str
    file: str = ""
    line: int = 0
    item: str = ""

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}: " if self.file else (f"{self.item}: " if self.item else "")
        return f"{place}{self.severity}: {self.message}"
