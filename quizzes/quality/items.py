"""
Per-item flaws a program can see (Haladyna & Downing's item-writing rules; the NBME item-writing guide):
the key longer or shorter than every distractor by a clear margin, options of very unequal length, absolute
or hedging words that set the key apart, "all/none of the above", negative stems without emphasis,
grammatical cues between stem and key, and items that replay a vignette decision of the same course.

Every function here is pure and returns warnings; what is refused is decided for the bank as a whole
(``quizzes.quality.bankwide`` and ``quizzes.quality.strategies``).
"""

from collections.abc import Iterable, Sequence

from . import words
from .records import Finding, ItemRecord, OptionRecord
from .thresholds import Thresholds


def _warn(item: ItemRecord, code: str, message: str, line: int | None = None) -> Finding:
    return Finding("warning", code, f"{item.kind} item {item.id!r}: {message}", item.file, line or item.line, item.id)


def _length(option: OptionRecord, language: str) -> int:
    return len(option.text.get(language, "").strip())


def _languages(item: ItemRecord) -> list[str]:
    return sorted(item.stem) or sorted({lang for o in item.options for lang in o.text})


def _joined(languages: Sequence[str]) -> str:
    return ", ".join(languages)


def key_length(item: ItemRecord, thresholds: Thresholds) -> list[Finding]:
    """The key longer (or shorter) than every distractor by the margin; for multiple response, on average."""
    if item.type not in {"single", "multiple"} or not item.keys or not item.distractors:
        return []
    margin = 1 + thresholds.key_length_margin
    longer, shorter = [], []
    for language in _languages(item):
        keys = [_length(o, language) for o in item.keys]
        others = [_length(o, language) for o in item.distractors]
        key: float
        longest: float
        shortest: float
        if item.type == "single":
            key, longest, shortest = keys[0], max(others), min(others)
        else:
            key, longest = sum(keys) / len(keys), sum(others) / len(others)
            shortest = longest
        if key >= margin * longest:
            longer.append(f"{language} {key / max(longest, 1):.1f}×")
        elif key * margin <= shortest:
            shorter.append(f"{language} {key / max(shortest, 1):.1f}×")
    found = []
    what = "the key is" if item.type == "single" else "the keys are on average"
    if longer:
        found.append(_warn(item, "key_longest", f"{what} longer than every distractor ({_joined(longer)})"))
    if shorter:
        found.append(_warn(item, "key_shortest", f"{what} shorter than every distractor ({_joined(shorter)})"))
    return found


def option_lengths(item: ItemRecord, thresholds: Thresholds) -> list[Finding]:
    if item.type == "truefalse" or len(item.options) < 2:
        return []
    uneven = []
    for language in _languages(item):
        lengths = [_length(o, language) for o in item.options]
        ratio = max(lengths) / max(min(lengths), 1)
        if ratio > thresholds.option_length_ratio_max:
            uneven.append(f"{language} {ratio:.1f}×")
    if not uneven:
        return []
    return [_warn(item, "uneven_lengths", f"the longest option is {_joined(uneven)} the shortest")]


def standout_option(item: ItemRecord, thresholds: Thresholds) -> list[Finding]:
    """For a decision (no key): one option longer than all others by the margin still tells which is 'good'."""
    if item.type != "decision" or len(item.options) < 2:
        return []
    margin = 1 + thresholds.key_length_margin
    found = []
    for language in _languages(item):
        ranked = sorted(item.options, key=lambda o: _length(o, language), reverse=True)
        first, second = _length(ranked[0], language), _length(ranked[1], language)
        if first >= margin * max(second, 1):
            found.append((ranked[0], language, first / max(second, 1)))
    if not found:
        return []
    option = found[0][0]
    detail = _joined([f"{lang} {ratio:.1f}×" for _o, lang, ratio in found])
    return [
        _warn(
            item,
            "option_stands_out",
            f"option {option.id!r} is longer than every other option ({detail}); a learner may pick it for that",
            option.line,
        )
    ]


def cue_words(item: ItemRecord) -> list[Finding]:
    """The key alone hedges, or alone goes without an absolute; a true/false statement keyed by its wording."""
    found = []
    for language in _languages(item):
        if item.type == "truefalse":
            statement = item.stem.get(language, "")
            keyed_true = any(o.correct and _is_true(o) for o in item.options)
            if words.absolutes(statement, language) and not keyed_true:
                found.append(("tf_absolute_false", language, "the statement has an absolute word and is false"))
            elif words.hedges(statement, language) and keyed_true and not words.absolutes(statement, language):
                found.append(("tf_hedge_true", language, "the statement hedges and is true"))
            continue
        if item.type != "single" or len(item.keys) != 1 or len(item.distractors) < 2:
            continue
        key = item.keys[0]
        hedged = [o for o in item.options if words.hedges(o.text.get(language, ""), language)]
        if hedged == [key]:
            found.append(("key_only_hedged", language, "only the key hedges"))
        absolute = [o for o in item.options if words.absolutes(o.text.get(language, ""), language)]
        if len(absolute) == len(item.options) - 1 and key not in absolute:
            found.append(("key_only_without_absolute", language, "every distractor has an absolute word, the key none"))
    by_code: dict[str, tuple[list[str], str]] = {}
    for code, language, message in found:
        by_code.setdefault(code, ([], message))[0].append(language)
    return [_warn(item, code, f"{message} ({_joined(langs)})") for code, (langs, message) in by_code.items()]


def _is_true(option: OptionRecord) -> bool:
    return str(option.id).lower() == "true"


def all_or_none(item: ItemRecord) -> list[Finding]:
    for option in item.options:
        languages = [lang for lang, text in option.text.items() if words.all_or_none(text, lang)]
        if languages:
            return [
                _warn(
                    item,
                    "all_or_none",
                    f"option {option.id!r} is an 'all/none of the above' option ({_joined(languages)})",
                    option.line,
                )
            ]
    return []


def negative_stem(item: ItemRecord) -> list[Finding]:
    if item.type == "truefalse":
        return []
    hits = [
        (lang, word) for lang, stem in sorted(item.stem.items()) if (word := words.unemphasised_negative(stem, lang))
    ]
    if not hits:
        return []
    detail = _joined([f"{lang} {word!r}" for lang, word in hits])
    return [_warn(item, "negative_stem", f"the question is negative without emphasis ({detail}); write it in capitals")]


def grammatical_cues(item: ItemRecord) -> list[Finding]:
    """An article that fits only the key, a stem word only the key repeats, or a key in another form."""
    if item.type not in {"single", "decision"} or len(item.options) < 3:
        return []
    keys = item.keys if item.type == "single" else ()
    found = []
    for language in _languages(item):
        stem = item.stem.get(language, "")
        if keys and language == "en":
            article = stem.rstrip().rsplit(" ", 1)[-1].lower()
            if article in {"a", "an"}:
                fits = [o for o in item.options if _article_fits(article, o.text.get("en", ""))]
                if fits == list(keys):
                    found.append(f"en: only the key fits the article {article!r}")
        if keys:
            echo = _stem_echo(stem, keys[0], [o for o in item.options if o is not keys[0]], language)
            if echo:
                found.append(f"{language}: only the key repeats {', '.join(sorted(echo))!r} from the stem")
            odd = _odd_form(keys[0], [o for o in item.options if o is not keys[0]], language)
            if odd:
                found.append(f"{language}: {odd}")
    if not found:
        return []
    return [_warn(item, "grammatical_cue", "; ".join(found))]


def _article_fits(article: str, text: str) -> bool:
    first = text.strip().lower()[:1]
    return (first in "aeiou") == (article == "an") if first else False


def _stem_echo(stem: str, key: OptionRecord, distractors: Iterable[OptionRecord], language: str) -> set[str]:
    question = words.content_stems(stem, language)
    in_key = words.content_stems(key.text.get(language, ""), language) & question
    in_others = set().union(*(words.content_stems(o.text.get(language, ""), language) for o in distractors))
    # Two or more shared words make an echo; a single shared word is usually the topic itself.
    echo = in_key - in_others
    return set(echo) if len(echo) >= 2 else set()


def _odd_form(key: OptionRecord, distractors: Sequence[OptionRecord], language: str) -> str:
    forms = [words.form(o.text.get(language, "")) for o in distractors]
    capital, ending = words.form(key.text.get(language, ""))
    if len(set(forms)) != 1 or len(forms) < 2:
        return ""
    other_capital, other_ending = forms[0]
    if ending != other_ending:
        return f"the key ends with {ending or 'no punctuation'!r}, every distractor with {other_ending or 'none'!r}"
    # German capitalises nouns, so only English capitals tell a form apart.
    if language == "en" and capital != other_capital:
        return "the key starts in another case than every distractor"
    return ""


def replays(item: ItemRecord, decisions: Sequence[ItemRecord], thresholds: Thresholds) -> list[Finding]:
    """A final item whose options (or stem) repeat a vignette decision of the course: memory, not transfer."""
    if item.kind != "final":
        return []
    for decision in decisions:
        for language in _languages(item):
            labels = [words.content_stems(o.text.get(language, ""), language) for o in decision.options]
            matched = sum(
                1
                for option in item.options
                if (mine := words.content_stems(option.text.get(language, ""), language))
                and any(words.jaccard(mine, label) >= thresholds.replay_similarity_min for label in labels)
            )
            stem = words.content_stems(item.stem.get(language, ""), language)
            scene = words.content_stems(decision.context.get(language, ""), language)
            # A short stem shares its few words with many scenes; only a scenario-length stem can replay one,
            # and a scene is compared with the items of its own module (other modules share the vocabulary).
            long_enough = len(stem) >= 8 and decision.module == item.module
            contained = len(stem & scene) / len(stem) if long_enough else 0.0
            if matched >= 2 or contained >= thresholds.replay_stem_share_min:
                reason = f"{matched} of its options repeat" if matched >= 2 else "its stem repeats"
                message = f"{reason} vignette decision {decision.id!r} ({decision.where}); ask about a new case"
                return [_warn(item, "replays_vignette", message)]
    return []


def check_item(item: ItemRecord, thresholds: Thresholds, decisions: Sequence[ItemRecord] = ()) -> list[Finding]:
    found = key_length(item, thresholds) + option_lengths(item, thresholds) + standout_option(item, thresholds)
    found += cue_words(item) + all_or_none(item) + negative_stem(item) + grammatical_cues(item)
    found += replays(item, decisions, thresholds)
    return found
