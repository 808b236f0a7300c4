"""The attempt page's question markup and what it costs: the elements, names, values and checked states the
form posts and attempt.js reads, escaping, a fixed number of queries, and item text that follows a new item
version (decision 0416)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from courses import versioncache
from enrolments.services import learning as course_services
from quizzes import bank, services
from quizzes.models import AttemptItem, Item, Option
from quizzes.selectors import option_values
from tests.conftest import complete_all_steps
from tests.quizzes.conftest import add_item, set_policy


@pytest.fixture
def mixed(ready_enrollment, version):
    """Six questions on one page: single choice, true/false, multiple response with markup in its texts, and a
    case-based set of two."""
    multiple = add_item(version, "mr", type=Item.Type.MULTIPLE, scoring=Item.Scoring.PARTIAL, correct=("a", "c"))
    Item.objects.filter(pk=multiple.pk).update(stem={"de": "Stamm <i>x</i> & y?", "en": "Stem <i>x</i> & y?"})
    Option.objects.filter(item=multiple, key="a").update(text={"de": '<b>fett</b> & "q"', "en": '<b>bold</b> & "q"'})
    add_item(version, "tf", type=Item.Type.TRUEFALSE, correct=("true",), keys=("true", "false"))
    case_items = [add_item(version, f"case-{n}", module="two") for n in range(2)]
    bank.create_case_set(
        version,
        key="case",
        module="two",
        stem={"de": "Eine **Fall**vignette <script>alert(1)</script>", "en": "A **case** <script>alert(1)</script>"},
        items=case_items,
    )
    set_policy(ready_enrollment, blueprint={"one": 3, "two": 3}, draw=6)
    return services.start_attempt(ready_enrollment)


def rows_of(attempt) -> list[AttemptItem]:
    return list(AttemptItem.objects.filter(attempt=attempt).select_related("item__case").order_by("position"))


def fieldset(html: str, number: int) -> str:
    match = re.search(rf'<fieldset class="mb-4" id="q-{number}" data-question="{number}">.*?</fieldset>', html, re.S)
    assert match, f"no fieldset for question {number}"
    return match.group(0)


def english_page(client: Client, attempt) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(attempt.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_question_markup_carries_names_values_and_checked_states(learner_client, mixed):
    """Each question is a fieldset: its options in the attempt's order with opaque values and the saved answer
    checked, then the flag, then the hidden ``shown`` marker; a multiple-response item has checkboxes."""
    rows = rows_of(mixed)
    multiple = next(row for row in rows if row.item.type == Item.Type.MULTIPLE)
    single = next(row for row in rows if row.item.type == Item.Type.SINGLE)
    services.save_answers(mixed, answers={multiple.pk: multiple.option_order[:2], single.pk: single.option_order[1:2]})
    AttemptItem.objects.filter(pk=single.pk).update(flagged=True)
    saved = {row.pk: set(row.selected) for row in rows_of(mixed)}
    html = english_page(learner_client, mixed)

    for row in rows:
        pk, block = row.pk, fieldset(html, row.position)
        kind = "checkbox" if row.item.type == Item.Type.MULTIPLE else "radio"
        values = option_values(row)
        starts = []
        for option_pk in row.option_order:
            value = values[option_pk]
            checked = " checked" if option_pk in saved[pk] else ""
            tag = f'type="{kind}" name="item-{pk}" id="q{pk}-{value}" value="{value}"{checked}>'
            tag = f'<input class="form-check-input" {tag}'
            assert tag in block
            assert f'<label class="form-check-label" for="q{pk}-{value}">' in block
            starts.append(block.index(tag))
        assert starts == sorted(starts), "options in the attempt's stored order"
        assert block.count('type="radio"') + block.count(f'type="checkbox" name="item-{pk}"') == len(row.option_order)
        flag = "checked" if pk == single.pk else ""
        assert re.search(rf'name="flag" value="{pk}" id="flag-{pk}"\s?{flag}>', block)
        assert f'<label class="form-check-label" for="flag-{pk}">Flag this question for review</label>' in block
        # The hidden marker is the fieldset's last element (Bootstrap's `legend + *`; see quizzes/markup.py).
        assert re.search(rf'<input type="hidden" name="shown" value="{pk}">\s*</fieldset>$', block)
        posted = re.findall(rf'name="item-{pk}" id="[^"]*" value="([^"]*)"', block)
        assert len(posted) == len(row.option_order) and all(re.fullmatch("[0-9a-f]{12}", v) for v in posted)
    assert f"{multiple.position}. Stem &lt;i&gt;x&lt;/i&gt; &amp; y? " in fieldset(html, multiple.position)
    assert "(choose all that apply)" in fieldset(html, multiple.position)
    assert "choose all that apply" not in fieldset(html, single.position)


@pytest.mark.django_db
def test_item_texts_are_escaped_and_the_case_vignette_heads_its_first_item(learner_client, mixed):
    """Option texts and stems are escaped; the vignette is sanitized Markdown, once, before the set's first item."""
    html = english_page(learner_client, mixed)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;</label>" in html
    assert "<b>bold</b>" not in html and "<i>x</i>" not in html
    case = Item.objects.get(key="case-0").case
    section = (
        f'<section class="card mb-3" aria-labelledby="case-{case.pk}">\n    <div class="card-body">\n'
        f'      <h2 class="h6" id="case-{case.pk}">Case</h2>\n      <div class="prose"><p>A <strong>case</strong> '
    )
    assert html.count(section) == 1 and "<script>alert" not in html
    first, second = (row for row in rows_of(mixed) if row.item.case_id == case.pk)
    assert second.position == first.position + 1
    assert html.index(section) < html.index(f'id="q-{first.position}"')
    assert (
        'aria-labelledby="case-'
        not in html[html.index(f'id="q-{first.position}"') : html.index(f'id="q-{second.position}"')]
    )


@pytest.mark.django_db
def test_the_navigator_marks_answered_and_flagged_questions(learner_client, mixed):
    """One link per question; answered ones filled; the marks that do not apply are hidden, not left out."""
    rows = rows_of(mixed)
    services.save_answers(mixed, answers={rows[0].pk: rows[0].option_order[:1]})
    AttemptItem.objects.filter(pk=rows[1].pk).update(flagged=True)
    html = english_page(learner_client, mixed)
    first = re.search(r'<li class="list-inline-item"><a href="#q-1" [^>]*>.*?</li>', html).group(0)
    second = re.search(r'<li class="list-inline-item"><a href="#q-2" [^>]*>.*?</li>', html).group(0)
    assert 'class="btn btn-sm btn-secondary" data-nav-numbers="1">1<span data-nav-answered>' in first
    assert "<span data-nav-unanswered hidden>" in first and "<span data-nav-flagged hidden>" in first
    assert 'class="btn btn-sm btn-outline-secondary" data-nav-numbers="2">2<span data-nav-answered hidden>' in second
    assert '<span data-nav-flagged> <span aria-hidden="true">⚑</span><span class="visually-hidden">(flagged)' in second
    assert html.count('<li class="list-inline-item"><a href="#q-') == len(rows)


@pytest.mark.django_db
def test_attempt_page_query_count_is_fixed(learner_client, mixed, django_assert_num_queries):
    """The page reads the user, the attempt and the learner's rows; item texts come from the per-process cache,
    read in two queries by the first request that shows an item (decision 0416)."""
    url = mixed.get_absolute_url()
    # Cold: the user (the session comes from the cache, decision 0413), the attempt with its assessment, its
    # rows, and the items with their case vignettes and their options for the item cache.
    with django_assert_num_queries(5):
        assert learner_client.get(url).status_code == 200
    # Warm: the user, the attempt, its rows (4 before decision 0416, with items, cases and options every time).
    with django_assert_num_queries(3) as warm:
        assert learner_client.get(url).status_code == 200
    assert not any('"stem"' in query["sql"] for query in warm.captured_queries)  # no item content per request


@pytest.mark.django_db
def test_a_new_item_version_is_shown_with_its_own_text(learner_client, mixed, version, make_user):
    """A revision is a new item row: a new attempt shows the new wording and the attempt that showed the old
    version keeps showing it, also in a process that has shown the old one (a cache keyed by item version)."""
    q1 = Item.objects.get(key="q1")
    assert "Question one?" in english_page(learner_client, mixed)  # now cached
    options = [
        {
            "key": o.key,
            "text": {"de": f"Neu {o.key}", "en": f"New {o.key}"},
            "rationale": o.rationale,
            "correct": o.correct,
        }
        for o in q1.options.order_by("position")
    ]
    revised = bank.revise_item(q1, stem={"de": "Frage eins, neu?", "en": "Question one, revised?"}, options=options)

    other = make_user("other@example.org", "Other Learner")
    enrollment = course_services.enroll(version, user=other)
    complete_all_steps(enrollment)
    set_policy(enrollment, blueprint={"one": 3, "two": 3}, draw=6)
    second = services.start_attempt(enrollment)
    assert AttemptItem.objects.filter(attempt=second, item=revised).exists()
    client = Client()
    client.force_login(other)
    html = english_page(client, second)
    assert "Question one, revised?" in html and "Question one?" not in html
    assert all(f">New {o['key']}</label>" in html for o in options)

    old = english_page(learner_client, mixed)
    assert "Question one?" in old and "Question one, revised?" not in old and ">New " not in old


@pytest.mark.django_db
def test_clearing_the_version_caches_empties_the_item_cache(learner_client, mixed, django_assert_num_queries):
    """Tests roll back and hand ids out again: ``versioncache.clear()`` (before each test) empties this cache too."""
    url = mixed.get_absolute_url()
    learner_client.get(url)
    versioncache.clear()
    with django_assert_num_queries(5):
        learner_client.get(url)
