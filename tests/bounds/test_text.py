"""The text rules of config/text.py: limits, control characters, printed names, formulas, excerpts."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from config import text

RLO, PDF, ZWSP, NBSP, EMSP = "\u202e", "\u202c", "\u200b", "\u00a0", "\u2003"


@pytest.mark.parametrize(
    ("raw", "printed"),
    [
        ("Alex Beispiel", "Alex Beispiel"),
        (f"Alex {RLO}leipsieB{PDF}", "Alex leipsieB"),
        (f"Al{ZWSP}ex\u2066 Bei\u2069spiel", "Alex Beispiel"),
        (f"  Alex{NBSP}{EMSP}Beispiel ", "Alex Beispiel"),
        ("Ali\u200dce", "Alice"),  # a joiner between Latin letters only hides a difference
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
        ("Zoe\u0308", "Zoë"),  # NFC
    ],
)
def test_clean_printed(raw, printed):
    """Direction overrides and invisible characters go; joiners stay only inside scripts that spell with them."""
    assert text.clean_printed(raw) == printed


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\nb", "a\u2028b", "a\ufffeb", "a\x7fb"])
def test_single_line_refuses_control_characters(value):
    with pytest.raises(ValidationError) as error:
        text.validate_single_line(value)
    assert error.value.code == "control_character"


def test_multi_line_keeps_line_breaks_and_tabs_but_not_nul():
    text.validate_multi_line("first line\r\n\tsecond line")
    with pytest.raises(ValidationError):
        text.validate_multi_line("first\x00second")


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("=1+1", True),
        ("+49 30 1234", True),
        ("-5", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\r=1", True),
        ("\n=1", True),
        (" =1", True),
        (f'{NBSP}=HYPERLINK("x")', True),
        (f"{EMSP}=1", True),
        (f"{ZWSP}=1", True),
        ("\u3000=1", True),  # ideographic space
        ("\uff1d1+1", True),  # full-width =
        ("\uff0b1", True),
        ("\uff0d1", True),
        ("\uff20SUM", True),
        ("\ufe661", True),  # small equals sign
        ("Alex", False),
        ("A=1", False),
        ("", False),
        ("   ", False),
        ("Müller-Lüdenscheidt", False),
    ],
)
def test_formula_rule(value, formula):
    assert text.looks_like_formula(value) is formula
    assert text.escape_formula(value) == ("'" + value if formula else value)


def test_excerpt_is_short_and_shows_invisible_characters():
    assert text.excerpt("x" * 10_000) == "x" * 40 + "…"
    assert text.excerpt("a\x00b\u202ec") == "a\\u0000b\\u202ec"


def test_search_query_is_bounded_and_clean():
    assert text.clean_search("Alex\x00 Bei\x1bspiel") == "Alex Beispiel"
    assert len(text.clean_search("y" * 100_000)) == text.LIMITS["search"]


class _Form(text.BoundedTextMixin, forms.Form):
    printed_fields = ("name",)
    name = forms.CharField(max_length=200)
    note = forms.CharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)


def test_mixin_applies_rules_to_every_text_field():
    """One-line fields refuse controls, text areas get a limit, printed names are cleaned, passwords untouched."""
    form = _Form({"name": f"Alex {RLO}Beispiel", "note": "line\nline", "secret": "p\x01w"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Alex Beispiel"
    assert form.fields["note"].max_length == text.LIMITS["comment"]
    assert not _Form({"name": "A\x1bB"}).is_valid()
    assert not _Form({"name": "Alex", "note": "n" * (text.LIMITS["comment"] + 1)}).is_valid()
    invisible = _Form({"name": ZWSP + RLO})
    assert not invisible.is_valid()
    assert "visible" in str(invisible.errors["name"])


def test_model_choices_refuse_numbers_beyond_any_id(db):
    """A 26-digit id reached the database from a ModelMultipleChoiceField and gave a 500."""
    from accounts.models import User

    class ChoiceForm(text.BoundedTextMixin, forms.Form):
        people = forms.ModelMultipleChoiceField(queryset=User.objects.all(), required=False)
        person = forms.ModelChoiceField(queryset=User.objects.all(), required=False)

    for data in ({"people": ["9" * 26]}, {"person": "9" * 26}, {"people": ["-1\x00"]}, {"person": "1e309"}):
        form = ChoiceForm(data)
        assert not form.is_valid()
        assert "not one" in str(form.errors) or "valid" in str(form.errors)
    assert ChoiceForm({"people": [], "person": ""}).is_valid()
