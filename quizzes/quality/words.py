"""
Word lists and text measures of the item-quality checks, per course language.

Absolutes are the "specific determiners" item-writing guides warn about (always, never, only, all, none);
hedges are the qualifiers that make a statement safe (may, often, as a rule). A language without lists here
is measured by length and form only.
"""

import functools
import re
from collections.abc import Iterable


def _lexicon(terms: str, *phrases: str) -> frozenset[str]:
    """Single words separated by spaces, and phrases of several words."""
    return frozenset([*terms.split(), *phrases])


_WORD = re.compile(r"[^\W\d_]+(?:'t)?", re.UNICODE)

ABSOLUTES: dict[str, frozenset[str]] = {
    "en": _lexicon(
        "always never all none every everything nothing nobody only solely exclusively completely entirely "
        "totally absolutely certainly invariably guaranteed unproblematic",
        "under no circumstances",
        "in every case",
        "in any case",
        "without exception",
        "at all times",
    ),
    "de": _lexicon(
        "immer nie niemals stets alle alles allen aller jede jeder jedes jeden jedem keinesfalls nichts niemand "
        "nur ausschließlich völlig vollständig gänzlich absolut garantiert grundsätzlich ausnahmslos generell "
        "unbedenklich zwingend",
        "auf keinen fall",
        "in jedem fall",
        "unter keinen umständen",
        "ohne ausnahme",
        "jederzeit",
    ),
}

HEDGES: dict[str, frozenset[str]] = {
    "en": _lexicon(
        "may might can could often usually typically generally sometimes some possibly probably likely perhaps "
        "tends tend depending depends frequently rather",
        "in some cases",
        "as a rule",
        "where appropriate",
        "if necessary",
    ),
    "de": _lexicon(
        "kann können könnte könnten oft häufig meist meistens manchmal mitunter eher möglicherweise vielleicht "
        "wahrscheinlich gegebenenfalls womöglich tendenziell einige manche",
        "unter umständen",
        "in der regel",
        "je nach",
        "im einzelfall",
    ),
}

NEGATIVES: dict[str, frozenset[str]] = {
    "en": _lexicon("not n't except least never incorrect false untrue inappropriate unacceptable"),
    "de": _lexicon(
        "nicht kein keine keinen keiner keinem außer falsch unzutreffend unangemessen unzulässig nie niemals",
        "am wenigsten",
    ),
}

ALL_NONE = {
    "en": re.compile(
        r"\b(all|none|both|neither) of (the|these) (above|options|answers|statements|others)\b|"
        r"\b(all|none) of the above\b|\bboth [a-e] and [a-e]\b|\b(answers?|options?) [a-e] and [a-e]\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"\balle (oben )?genannten\b|\bkeine der (oben )?genannten\b|\balle (diese )?antworten\b|"
        r"\bkeine (dieser|der) antworten\b|\bsowohl [a-e] als auch [a-e]\b|\b(antworten?|optionen?) [a-e] und [a-e]\b",
        re.IGNORECASE,
    ),
}

STOPWORDS = {
    "en": _lexicon(
        "the a an and or but of to in on at for with by from as is are was were be been being it its this that "
        "these those which who whom whose what when where why how your you yours their they them she he her his "
        "our we us not no do does did has have had will would should shall can could may might than then there "
        "here about into over under after before also only very more most such other any each one two"
    ),
    "de": _lexicon(
        "der die das den dem des ein eine einen einem einer eines und oder aber von zu im in am an auf für mit "
        "bei aus als ist sind war waren sein wird werden wurde es sie er ihr ihre ihren ihrem ihres sich dass "
        "was wer wen wem wessen welche welcher welches welchen wann wo warum wie nicht kein keine auch nur sehr "
        "mehr noch schon dann denn doch so hat haben hatte kann können soll sollte sollten wollen will diese "
        "dieser dieses diesen diesem einer zum zur vom beim ins man sie ihnen"
    ),
}


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _has_any(text: str, lexicon: Iterable[str]) -> int:
    lowered = " " + " ".join(words(text)) + " "
    return sum(lowered.count(f" {term} ") for term in lexicon)


def absolutes(text: str, language: str) -> int:
    """How many absolute words (always, never, only, ...) the text uses."""
    return _has_any(text, ABSOLUTES.get(language, ()))


def hedges(text: str, language: str) -> int:
    return _has_any(text, HEDGES.get(language, ()))


def all_or_none(text: str, language: str) -> bool:
    pattern = ALL_NONE.get(language)
    return bool(pattern and pattern.search(text))


def question_of(stem: str) -> str:
    """The sentence that asks: the last one ending in '?', else the stem's last sentence."""
    sentences = [s for s in re.split(r"(?<=[.!?:])[“”\"»«’']?\s+", stem.strip()) if s]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences or [""])[-1]


_EMPHASIS = re.compile(r"\*\*?([^*]+)\*\*?|_([^_]+)_|<(em|strong)>(.+?)</\3>")


def unemphasised_negative(stem: str, language: str) -> str | None:
    """A negative word in the asking sentence that is neither in capitals nor marked up; None if there is none."""
    question = question_of(stem)
    emphasised = " ".join(
        next(g for g in match.groups() if g and g not in {"em", "strong"}) for match in _EMPHASIS.finditer(question)
    )
    lexicon = NEGATIVES.get(language, frozenset())
    for raw in re.findall(r"[^\W\d_]+(?:'t)?|\S", question):
        word = raw.lower()
        term = "n't" if word.endswith("n't") else word
        if term in lexicon and not (raw.isupper() and len(raw) > 1) and raw not in emphasised:
            return raw
    for phrase in (p for p in lexicon if " " in p):
        if phrase in question.lower() and phrase not in emphasised.lower():
            return phrase
    return None


@functools.lru_cache(maxsize=8192)
def content_stems(text: str, language: str, *, size: int = 6) -> frozenset[str]:
    """Content words (no stop words, at least four letters), cut to a prefix so inflected forms match."""
    stop = STOPWORDS.get(language, frozenset())
    return frozenset(w[:size] for w in words(text) if len(w) >= 4 and w not in stop)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def form(text: str) -> tuple[bool, str]:
    """What a reader sees of an option's form: does it start with a capital, and how does it end."""
    stripped = text.strip().strip("\"'„“”‚‘’»«")
    # The first word that starts with a letter: "§ 5a UWG" starts with "UWG", not with the "a" of "5a".
    first = next((word[0] for word in stripped.split() if word[0].isalpha()), "")
    last = stripped[-1:] if stripped else ""
    return first.isupper(), last if last in ".!?;:…" else ""
