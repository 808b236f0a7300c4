"""
Limits and cleaning of the text people type, in one place (docs/decisions/0800-text-limits.md).

Every form field and JSON value that ends up stored or printed goes through these rules:

- a length limit per kind of text (``LIMITS``), checked before anything else reads the value;
- NUL and other control characters are refused (multi-line text may hold line breaks and tabs);
- names that are printed (on certificates, in lists) lose bidirectional overrides and zero-width characters,
  which could reverse or hide part of a printed name;
- a cell that a spreadsheet would run as a formula is recognised by one rule (``looks_like_formula``), also
  behind leading spaces of any kind and in full-width forms;
- an error message quotes at most a short excerpt of a bad value (``excerpt``).

Pure functions, two validators, and a form mixin that applies them to every text field of a form.
"""

import unicodedata
from typing import Any, Final

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Lengths in characters. Printed names and lines match the model columns they end up in.
LIMITS: Final = {
    "name": 200,  # a person's name as printed on certificates (accounts.User.name)
    "email": 254,  # RFC 5321 path limit; also the width of every e-mail column
    "line": 300,  # one line of text: a title, an organizer line, a category
    "search": 100,  # a search box
    "reason": 1000,  # a revocation or correction reason
    "comment": 4000,  # an evaluation comment
    "reflection": 20000,  # a reflection: about ten pages; the reflection log stays printable
}
EXCERPT_CHARS: Final = 40

# Characters that change the direction of the text that follows them (Unicode bidi embeddings, overrides,
# isolates and marks) and characters that take no space: removed from names before they are stored.
BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH: Final = frozenset("\u00ad\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
# Zero-width (non-)joiners are part of spelling in Arabic, Persian and Indic scripts: kept between two
# letters of such a script, removed anywhere else (where they only hide a difference between two names).
JOINERS: Final = frozenset("\u200c\u200d")
MULTI_LINE_ALLOWED: Final = frozenset("\n\r\t")
FORMULA_STARTS: Final = frozenset("=+-@")
FORMULA_CONTROLS: Final = frozenset("\t\r\n")


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable quotation of a value for an error message; invisible characters shown as ``\\uNNNN``."""
    text = str(value)
    shown = text[:limit]
    printable = "".join(
        ch if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"} else f"\\u{ord(ch):04x}" for ch in shown
    )
    return printable + ("…" if len(text) > limit else "")


def _refused_character(value: str, *, multi_line: bool) -> str | None:
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc" and not (multi_line and ch in MULTI_LINE_ALLOWED):
            return ch
        if category == "Cs" or (category in {"Zl", "Zp"} and not multi_line):
            return ch
        if 0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE:  # Unicode noncharacters
            return ch
    return None


def _character_name(ch: str) -> str:
    if ch == "\x00":
        return "NUL"
    return unicodedata.name(ch, f"U+{ord(ch):04X}")


def validate_single_line(value: str) -> None:
    """Refuse control characters, line breaks and noncharacters in one-line text."""
    bad = _refused_character(value, multi_line=False)
    if bad is not None:
        raise ValidationError(
            _("Remove the control character %(character)s (line breaks, tabs and the like are not allowed here)."),
            code="control_character",
            params={"character": _character_name(bad)},
        )


def validate_multi_line(value: str) -> None:
    """Refuse control characters other than line breaks and tabs."""
    bad = _refused_character(value, multi_line=True)
    if bad is not None:
        raise ValidationError(
            _("Remove the control character %(character)s."),
            code="control_character",
            params={"character": _character_name(bad)},
        )


def validate_text(value: str, *, kind: str, multi_line: bool = True) -> None:
    """Check a free text that does not come through a form field: its kind's length, then its characters."""
    limit = LIMITS[kind]
    if len(value) > limit:
        raise ValidationError(
            _("The text has %(count)s characters; at most %(limit)s are accepted. Please shorten it."),
            code="too_long",
            params={"count": f"{len(value):,}", "limit": f"{limit:,}"},
        )
    (validate_multi_line if multi_line else validate_single_line)(value)


def _keeps_joiner(previous: str, following: str) -> bool:
    def script_letter(ch: str) -> bool:
        return unicodedata.category(ch).startswith("L") and not unicodedata.name(ch, "").startswith("LATIN")

    return bool(previous and following) and script_letter(previous) and script_letter(following)


def clean_printed(value: str) -> str:
    """A name as it may be printed: NFC, no direction overrides, no invisible characters, single spaces."""
    value = unicodedata.normalize("NFC", value)
    kept: list[str] = []
    for index, ch in enumerate(value):
        if ch in BIDI_CONTROLS or ch in ZERO_WIDTH:
            continue
        if ch in JOINERS:
            following = next((c for c in value[index + 1 :] if c not in JOINERS), "")
            if not _keeps_joiner(kept[-1] if kept else "", following):
                continue
        kept.append(ch)
    # Every kind of space (no-break, em, ideographic …) prints as one ordinary space.
    return " ".join("".join(kept).split())


def clean_search(value: str) -> str:
    """A search query as it may reach the database: bounded, without control characters."""
    value = "".join(ch for ch in value[: LIMITS["search"] * 2] if unicodedata.category(ch) not in {"Cc", "Cs"})
    return " ".join(value.split())[: LIMITS["search"]]


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet program could run this cell as a formula (OWASP "CSV injection").

    A tab or line break in front counts, and so does any whitespace or invisible character before one of
    ``= + - @`` in any width (a full-width "＝" is read as "=" by spreadsheets set to East Asian input).
    """
    if not value:
        return False
    if value[0] in FORMULA_CONTROLS:
        return True
    for ch in value:
        if ch.isspace() or ch in ZERO_WIDTH or ch in BIDI_CONTROLS or ch in JOINERS:
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in FORMULA_STARTS
    return False


def escape_formula(value: str) -> str:
    """Neutralise a text cell that a spreadsheet would run, by prefixing an apostrophe."""
    return "'" + value if looks_like_formula(value) else value


# Forms --------------------------------------------------------------------------------------------------


class BoundedTextMixin(forms.BaseForm):
    """Apply the text rules to every text field of a form.

    One-line fields refuse control characters, text areas refuse all but line breaks and tabs, fields without
    a length get the limit of their kind, and the fields named in ``printed_fields`` are cleaned with
    ``clean_printed`` before the form (or its model) sees them. Password fields are left alone.
    """

    printed_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_text_field(field)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # a form's clean() may return None; Django then keeps cleaned_data
            cleaned = self.cleaned_data
        for name in self.printed_fields:
            value = cleaned.get(name)
            if isinstance(value, str):
                cleaned[name] = clean_printed(value)
                if not cleaned[name] and self.fields[name].required and name not in self.errors:
                    self.add_error(name, ValidationError(_("Enter a name with visible letters."), code="invisible"))
        return cleaned


def _guard_integer_choices(field: forms.ModelChoiceField) -> None:
    """Refuse a choice that is no database id before it reaches a query.

    A 26-digit number in a ``ModelMultipleChoiceField`` reached the database (SQLite: "Python int too large
    to convert to SQLite INTEGER") and answered 500.
    """
    if field.queryset is None:
        return
    model = field.queryset.model
    key = field.to_field_name or model._meta.pk.attname
    if model._meta.get_field(key).get_internal_type() not in {
        "AutoField",
        "BigAutoField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "SmallAutoField",
    }:
        return
    original = field.clean

    def clean(value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if item in (None, "") or (isinstance(item, int) and abs(item) < 2**63):
                continue
            if not (isinstance(item, str) and item.isascii() and item.isdigit() and len(item) <= 18):
                raise ValidationError(
                    _("Choose one of the options offered (“%(value)s” is not one)."),
                    code="invalid_choice",
                    params={"value": excerpt(item)},
                )
        return original(value)

    field.clean = clean  # type: ignore[method-assign]


def bound_text_field(field: forms.Field) -> forms.Field:
    """Give one form field the validators and limit of its kind (see ``BoundedTextMixin``)."""
    if isinstance(field, forms.ModelChoiceField):
        _guard_integer_choices(field)
        return field
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return field
    multi_line = isinstance(field.widget, forms.Textarea)
    validator = validate_multi_line if multi_line else validate_single_line
    if validator not in field.validators:
        field.validators.append(validator)
    if field.max_length is None:
        field.max_length = LIMITS["comment"] if multi_line else LIMITS["line"]
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs.setdefault("maxlength", str(field.max_length))
    return field
