"""
Rules for platform mock-ups in vignettes (decision 0507): a post, a comment thread, a direct-message exchange
or a review, drawn by the course in a neutral style. A mock-up names no platform or brand (it imitates none and
advertises none, as the course's neutrality statement promises), every text has each course language, and a
review by someone other than the practice carries its star rating.
"""

import re
from pathlib import Path

from .checker import Checker
from .yamlio import LineDict, line_of_node

BRANDS = (
    "Bluesky",
    "ChatGPT",
    "Discord",
    "Doctolib",
    "Facebook",
    "Google",
    "Instagram",
    "Jameda",
    "LinkedIn",
    "Mastodon",
    "OpenAI",
    "Pinterest",
    "Reddit",
    "Snapchat",
    "Telegram",
    "TikTok",
    "Twitch",
    "Twitter",
    "WeChat",
    "WhatsApp",
    "Xing",
    "YouTube",
)
BRAND = re.compile(r"(?<![A-Za-z])(" + "|".join(BRANDS) + r")(?![A-Za-z])", re.IGNORECASE)


def _brand_in(value: object) -> str | None:
    texts = value.values() if isinstance(value, dict) else [value]
    for text in texts:
        match = BRAND.search(str(text or ""))
        if match:
            return match.group(1)
    return None


def check_mockup(check: Checker, path: Path, node: LineDict, where: str) -> None:
    mockup = node["mockup"]
    where = f"{where} mock-up"
    check.localized(path, mockup, "label", where, required=False)
    brand = _brand_in(mockup.get("label"))
    if brand:
        check.error(path, mockup.line_of("label"), f"{where}: names the brand {brand!r}; mock-ups stay neutral")
    for index, entry in enumerate(mockup["entries"], start=1):
        entry_where = f"{where} entry {index}"
        check.localized(path, entry, "text", entry_where)
        for key in ("time", "status"):
            check.localized(path, entry, key, entry_where, required=False)
        for key in ("author", "text", "status"):
            brand = _brand_in(entry.get(key))
            if brand:
                check.error(
                    path, entry.line_of(key), f"{entry_where}: names the brand {brand!r}; mock-ups stay neutral"
                )
        if mockup["kind"] == "review" and not entry.get("own") and entry.get("rating") is None:
            check.error(path, line_of_node(entry), f"{entry_where}: a review needs its 'rating' (1 to 5 stars)")
        if mockup["kind"] != "review" and entry.get("rating") is not None:
            check.error(path, entry.line_of("rating"), f"{entry_where}: only a review has a rating")
