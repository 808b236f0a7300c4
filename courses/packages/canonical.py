"""
The canonical form of a package: every default filled in explicitly and keys in a fixed order, so that a
package read from files and the same package exported from the database hash the same.
"""

import hashlib
import json
from typing import Any

from .package import Package


def _optional(source: dict[str, Any], key: str) -> dict[str, Any]:
    """Keep an optional key only when it has a value, so exports stay valid against the schema."""
    return {key: source[key]} if source.get(key) not in (None, {}, [], "") else {}


def _option_id(value: Any) -> str:
    # YAML reads unquoted true/false as booleans; true/false items use them as option ids.
    return str(value).lower() if isinstance(value, bool) else str(value)


def canonical_item(item: dict[str, Any]) -> dict[str, Any]:
    kind = item.get("type", "single")
    return {
        "id": item["id"],
        "type": kind,
        "module": item.get("module"),
        "principles": list(item.get("principles") or []),
        "difficulty": item.get("difficulty", "medium"),
        "scoring": item.get("scoring", "all_or_nothing"),
        "stem": item["stem"],
        **({"case": item["case"]} if item.get("case") else {}),
        "options": [
            {
                "id": _option_id(o["id"]),
                "correct": bool(o.get("correct")),
                "text": o["text"],
                "rationale": o["rationale"],
            }
            for o in item["options"]
        ],
    }


def canonical_step(step: dict[str, Any]) -> dict[str, Any]:
    result = {"kind": step["kind"], "slug": step["slug"], "required": bool(step.get("required", True))}
    if "title" in step:
        result["title"] = step["title"]
    for key, value in step.items():
        if key not in result and key != "required":
            result[key] = value
    return result


def canonical_module(module: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": module["slug"],
        "minutes": module["minutes"],
        "title": module["title"],
        **_optional(module, "objectives"),
        "steps": [canonical_step(s) for s in module["steps"]],
        "items": [canonical_item(i) for i in module.get("items") or []],
    }


# Settings of the final test under this accreditation, written by quizzes into its Assessment (decision 0203).
ASSESSMENT_KEYS = ("grading", "layout", "time_limit_minutes", "grace_minutes", "principle_quotas", "review")
# What a learner is offered after the last failed attempt (decision 0605); optional, so packages written
# before it hash as they did.
AFTER_LAST_ATTEMPT_KEYS = ("after_last_attempt", "new_round_days", "contact_name", "contact_email")
# Read by the item-quality checker (quizzes.quality) only; kept so an export hashes like its package.
CHECK_KEYS = ("quality",)


def canonical_accreditation(profile: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "key": profile["key"],
        "default": bool(profile.get("default", index == 0)),
        "body": profile["body"],
        "category": profile.get("category", ""),
        "unit": profile.get("unit", "fe"),
        "points": profile["points"],
        "vnr": str(profile.get("vnr", "")),
        "pass_mark": profile["pass_mark"],
        "max_attempts": profile.get("max_attempts"),
        "cooldown_hours": profile.get("cooldown_hours", 0),
        **{key: profile[key] for key in AFTER_LAST_ATTEMPT_KEYS if key in profile},
        "draw": profile["draw"],
        "blueprint": dict(profile["blueprint"]),
        **_optional(profile, "wording"),
        "min_active_share": profile.get("min_active_share", 0),
        **{key: profile[key] for key in ASSESSMENT_KEYS if key in profile},
        **{key: profile[key] for key in CHECK_KEYS if profile.get(key)},
    }


# The fields of a reference in their fixed order (course.schema.json).
REFERENCE_KEYS = (
    "key",
    "kind",
    "text",
    "url",
    "doi",
    "law",
    "paragraph",
    "version",
    "court",
    "date",
    "file_number",
    "ecli",
    "issuer",
)


def canonical_term(term: dict[str, Any]) -> dict[str, Any]:
    return {
        "term": term["term"],
        **_optional(term, "principle"),
        "use": term["use"],
        **_optional(term, "avoid"),
        **_optional(term, "note"),
    }


def canonical_course(course: dict[str, Any]) -> dict[str, Any]:
    lead = course.get("scientific_lead")
    return {
        "slug": course["slug"],
        "languages": list(course["languages"]),
        "title": course["title"],
        **_optional(course, "summary"),
        **({"scientific_lead": {"name": lead["name"], **_optional(lead, "qualification")}} if lead else {}),
        "sequential": bool(course.get("sequential", True)),
        "completion": {
            "assessment": bool((course.get("completion") or {}).get("assessment", True)),
            "evaluation": bool((course.get("completion") or {}).get("evaluation", False)),
        },
        **_optional(course, "signoff"),
        "references": [{k: r[k] for k in REFERENCE_KEYS if k in r} for r in course.get("references") or []],
        "accreditations": [canonical_accreditation(p, i) for i, p in enumerate(course.get("accreditations") or [])],
    }


def canonical(package: Package) -> Package:
    """Fill every default explicitly, so that a package and its export hash the same."""
    package.course = canonical_course(package.course)
    package.principles = [
        {"slug": p["slug"], "name": p["name"], "definition": p["definition"]} for p in package.principles
    ]
    package.modules = [canonical_module(m) for m in package.modules]
    package.items = [canonical_item(i) for i in package.items]
    package.cases = [{"id": c["id"], "module": c["module"], "vignette": c["vignette"]} for c in package.cases]
    package.terminology = [canonical_term(t) for t in package.terminology]
    return package


def content_hash(package: Package) -> str:
    """SHA-256 over the canonical content and the media files; an unchanged hash means nothing to import."""
    digest = hashlib.sha256()
    payload = {
        "course": package.course,
        "principles": package.principles,
        "modules": package.modules,
        "items": package.items,
        "takeaways": package.takeaways,
        **({"cases": package.cases} if package.cases else {}),
        **({"terminology": package.terminology} if package.terminology else {}),
    }
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    media = package.root / "media"
    if media.is_dir():
        for file in sorted(p for p in media.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(package.root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()
