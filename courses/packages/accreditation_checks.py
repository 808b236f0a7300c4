"""
Rules for the accreditation profiles in ``course.yaml``: points stay within the computed length of the
course (``timing``), and the final
test's blueprint and principle quotas can be drawn from the bank without splitting a case-based set.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from ..accreditations import validate_vnr
from .checker import Checker
from .yamlio import LineDict

# One CPD point per full 45-minute unit; leftover minutes never count.
UNIT_MINUTES = 45


@dataclass
class BankCounts:
    """How many bank items there are per module and per principle, and how they group into cases."""

    per_module: Counter[str] = field(default_factory=Counter)
    singles: Counter[str] = field(default_factory=Counter)
    case_sizes: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_principle: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, bank: list[dict[str, Any]]) -> "BankCounts":
        counts = cls()
        for item in bank:
            module = item["module"]
            counts.per_module[module] += 1
            if item.get("case"):
                counts.case_sizes[module][item["case"]] += 1
            else:
                counts.singles[module] += 1
            counts.per_principle.update(item["principles"])
        return counts

    def fillable(self, module: str, quota: int) -> bool:
        """Can ``quota`` items be drawn from the module's loose items plus whole case-based sets?"""
        reachable = {0}
        for size in self.case_sizes[module].values():
            reachable |= {total + size for total in reachable if total + size <= quota}
        return any(quota - total <= self.singles[module] for total in reachable)


def check_accreditations(
    check: Checker,
    path: Path,
    course: LineDict,
    *,
    minutes: int | None,
    module_slugs: list[str],
    principles: set[str],
    bank: BankCounts,
) -> None:
    keys: set[str] = set()
    for profile in course.get("accreditations") or []:
        where = f"accreditation {profile['key']!r}"
        if profile["key"] in keys:
            check.error(path, profile.line_of("key"), f"{where}: key is used twice")
        keys.add(profile["key"])
        check.localized(path, profile, "wording", where, required=False)
        if profile.get("vnr"):
            # The back office's rule (19 digits, Luhn check digit): a package cannot bring in what it refuses.
            try:
                validate_vnr(str(profile["vnr"]))
            except ValidationError as error:
                check.error(path, profile.line_of("vnr"), f"{where}: {error.messages[0]}")
        if minutes is not None:  # None: a module has errors, so its length is unknown
            _check_points(check, path, profile, where, minutes)
        _check_blueprint(check, path, profile, where, module_slugs, bank)
        _check_principle_quotas(check, path, profile, where, principles, bank)


def _check_points(check: Checker, path: Path, profile: LineDict, where: str, minutes: int) -> None:
    """Points may not exceed what the computed learner time supports (decision 0503); fewer are allowed."""
    units, unit, points = minutes // UNIT_MINUTES, profile.get("unit", "fe"), profile["points"]
    if unit == "fe" and points > units:
        check.error(
            path,
            profile.line_of("points"),
            f"{where}: the content takes an estimated {minutes} minutes, {units} full 45-minute units, "
            f"so at most {units} points, not {points}",
        )
    if unit == "hour" and points > minutes / 60:
        check.error(
            path,
            profile.line_of("points"),
            f"{where}: the content takes an estimated {minutes} minutes, which cannot earn {points} hours",
        )


def _check_blueprint(
    check: Checker, path: Path, profile: LineDict, where: str, module_slugs: list[str], bank: BankCounts
) -> None:
    blueprint, line = profile["blueprint"], profile.line_of("blueprint")
    if sum(blueprint.values()) != profile["draw"]:
        check.error(
            path, line, f"{where}: the blueprint draws {sum(blueprint.values())} items, but draw is {profile['draw']}"
        )
    for module, count in blueprint.items():
        if module not in module_slugs:
            check.error(path, line, f"{where}: blueprint names unknown module {module!r}")
        elif bank.per_module[module] < count:
            check.error(
                path,
                line,
                f"{where}: blueprint draws {count} items from {module!r}, "
                f"but the bank has only {bank.per_module[module]}",
            )
        elif not bank.fillable(module, count):
            check.error(
                path, line, f"{where}: {count} items from {module!r} cannot be drawn without splitting a case-based set"
            )


def _check_principle_quotas(
    check: Checker, path: Path, profile: LineDict, where: str, principles: set[str], bank: BankCounts
) -> None:
    quotas, line = profile.get("principle_quotas") or {}, profile.line_of("principle_quotas")
    for tag, count in quotas.items():
        if tag not in principles:
            check.error(path, line, f"{where}: unknown principle {tag!r}")
        elif bank.per_principle[tag] < count:
            check.error(
                path,
                line,
                f"{where}: at least {count} items about {tag!r} wanted, the bank has {bank.per_principle[tag]}",
            )
    if sum(quotas.values()) > profile["draw"]:
        check.error(path, line, f"{where}: principle quotas exceed the draw")
