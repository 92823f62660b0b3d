"""Questions the bot could not answer: counted once per wording, turned into draft FAQs or
dismissed by staff who are allowed to."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from helpdesk import services
from helpdesk.models import FAQ, UnansweredQuestion, UnansweredStatus
from helpdesk.services import (
    UnansweredQuestionClosed,
    faq_from_unanswered,
    unanswered_key,
    unanswered_question_dismiss,
    unanswered_question_record,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:helpdesk_unansweredquestion_changelist"


# --- the key -----------------------------------------------------------------------------
def test_unanswered_key_ignores_case_spacing_and_trailing_punctuation() -> None:
    # then
    key = unanswered_key("Do you sell drones?")
    assert unanswered_key("  do you  SELL drones ?!") == key
    assert unanswered_key("do you sell drones.") == key
    assert unanswered_key("do you sell drone") != key
    assert len(key) == 64


def test_unanswered_key_strips_the_arabic_question_mark() -> None:
    # then
    assert unanswered_key("هل تبيعون طائرات درون؟") == unanswered_key("هل تبيعون  طائرات درون")


# --- recording ---------------------------------------------------------------------------
def test_recording_the_same_question_twice_counts_two_on_one_row() -> None:
    # given
    first = unanswered_question_record(text="Do you sell drones?", language="en")

    # when
    second = unanswered_question_record(text="do you sell drones", language="en")

    # then
    assert UnansweredQuestion.objects.count() == 1
    assert second.pk == first.pk
    assert second.count == 2
    assert second.text == "Do you sell drones?"  # the first wording is kept
    assert second.last_asked_at >= first.last_asked_at
    assert second.first_asked_at == first.first_asked_at


def test_recording_different_questions_makes_separate_rows() -> None:
    # when
    unanswered_question_record(text="Do you sell drones?", language="en")
    unanswered_question_record(text="هل تبيعون طائرات درون؟", language="ar")

    # then
    assert sorted(UnansweredQuestion.objects.values_list("language", "count")) == [
        ("ar", 1),
        ("en", 1),
    ]


def test_a_dismissed_question_keeps_counting_but_stays_dismissed() -> None:
    # given
    question = unanswered_question_record(text="are you single", language="en")
    unanswered_question_dismiss(question=question)

    # when
    again = unanswered_question_record(text="Are you single?", language="en")

    # then
    assert again.count == 2
    assert again.status == UnansweredStatus.DISMISSED


def test_recording_truncates_long_text_to_the_column() -> None:
    # when
    question = unanswered_question_record(text="why " * 200, language="en")

    # then
    assert len(question.text) == 500


@pytest.mark.parametrize("text", ["", "   ", "??", " ؟ "])
def test_recording_an_empty_question_is_refused(text: str) -> None:
    # when / then
    with pytest.raises(ValueError):
        unanswered_question_record(text=text, language="en")
    assert not UnansweredQuestion.objects.exists()


def test_recording_in_an_unknown_language_is_refused() -> None:
    # when / then
    with pytest.raises(ValueError):
        unanswered_question_record(text="bonjour?", language="fr")


def test_a_concurrent_first_insert_turns_into_a_count() -> None:
    # given: another worker inserts the same question after our UPDATE found nothing
    other = unanswered_question_record(text="Do you sell drones?", language="en")
    real_bump = services._unanswered_bump
    calls: list[str] = []

    def bump_missing_the_row_once(*, key, now):  # type: ignore[no-untyped-def]
        calls.append(key)
        return None if len(calls) == 1 else real_bump(key=key, now=now)

    # when
    with mock.patch.object(services, "_unanswered_bump", bump_missing_the_row_once):
        question = unanswered_question_record(text="do you sell drones", language="en")

    # then: the insert hit the unique key and fell back to the conditional update
    assert len(calls) == 2
    assert question.pk == other.pk
    assert question.count == 2
    assert UnansweredQuestion.objects.count() == 1


@pytest.mark.mysql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_first_askings_end_as_one_row() -> None:
    # given
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            unanswered_question_record(text="Do you sell drones?", language="en")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert errors == []
    assert list(UnansweredQuestion.objects.values_list("count", flat=True)) == [4]


# --- making an FAQ -----------------------------------------------------------------------
def test_faq_from_unanswered_creates_an_inactive_draft_and_links_it() -> None:
    # given
    question = unanswered_question_record(text="Do you sell drones?", language="en")

    # when
    faq = faq_from_unanswered(question=question)

    # then
    assert faq.active is False
    assert faq.topic == "unanswered"
    assert faq.question_en == faq.question_ar == "Do you sell drones?"
    assert faq.answer_en == faq.answer_ar == ""
    question.refresh_from_db()
    assert question.status == UnansweredStatus.ANSWERED
    assert question.faq == faq


def test_faq_from_unanswered_keeps_answers_given_but_stays_inactive() -> None:
    # given
    question = unanswered_question_record(text="هل تبيعون طائرات درون؟", language="ar")

    # when
    faq = faq_from_unanswered(question=question, answer_en=" Not yet. ", answer_ar="ليس بعد.")

    # then
    faq.refresh_from_db()
    assert (faq.question_ar, faq.answer_en, faq.answer_ar) == (
        "هل تبيعون طائرات درون؟",
        "Not yet.",
        "ليس بعد.",
    )
    assert faq.active is False


def test_a_question_is_made_into_an_faq_only_once() -> None:
    # given
    question = unanswered_question_record(text="Do you sell drones?", language="en")
    stale = UnansweredQuestion.objects.get(pk=question.pk)
    faq_from_unanswered(question=question)

    # when / then: a second click, from a page loaded before the first
    with pytest.raises(UnansweredQuestionClosed):
        faq_from_unanswered(question=stale)
    assert FAQ.objects.count() == 1


def test_a_dismissed_question_cannot_be_made_into_an_faq() -> None:
    # given
    question = unanswered_question_record(text="are you a robot", language="en")
    unanswered_question_dismiss(question=question)

    # when / then
    with pytest.raises(UnansweredQuestionClosed):
        faq_from_unanswered(question=question)
    assert not FAQ.objects.exists()


def test_dismiss_leaves_an_answered_question_alone() -> None:
    # given
    question = unanswered_question_record(text="Do you sell drones?", language="en")
    faq_from_unanswered(question=question)

    # when
    dismissed = unanswered_question_dismiss(question=question)

    # then
    assert dismissed is False
    question.refresh_from_db()
    assert question.status == UnansweredStatus.ANSWERED


# --- admin -------------------------------------------------------------------------------
@pytest.fixture
def questions() -> list[UnansweredQuestion]:
    drones = unanswered_question_record(text="Do you sell drones?", language="en")
    unanswered_question_record(text="do you sell drones", language="en")
    printers = unanswered_question_record(text="هل تبيعون طابعات؟", language="ar")
    return [drones, printers]


@pytest.fixture
def superuser_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    return client


def _staff_client(django_user_model, *codenames: str) -> Client:
    user = django_user_model.objects.create_user("clerk", "c@example.com", "pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="helpdesk", codename__in=codenames)
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(django_user_model) -> Client:
    return _staff_client(django_user_model, "view_unansweredquestion")


def _run_action(client: Client, action: str, questions: list[UnansweredQuestion]):  # type: ignore[no-untyped-def]
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [q.pk for q in questions]},
        follow=True,
    )


def _offered_actions(client: Client) -> set[str]:
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    form = response.context["action_form"]  # None when no action is allowed
    return set() if form is None else {name for name, _ in form.fields["action"].choices}


def test_changelist_lists_the_most_asked_first(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # when
    response = superuser_client.get(reverse(CHANGELIST))

    # then
    rows = list(response.context["cl"].result_list)
    assert [q.count for q in rows] == [2, 1]


def test_staff_cannot_add_unanswered_questions_by_hand(superuser_client: Client) -> None:
    # when
    response = superuser_client.get(reverse("admin:helpdesk_unansweredquestion_add"))

    # then
    assert response.status_code == 403


def test_superuser_makes_draft_faqs_and_gets_links_to_them(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # when
    response = _run_action(superuser_client, "make_faq", questions)

    # then
    assert response.status_code == 200
    faqs = list(FAQ.objects.order_by("id"))
    assert [f.question_en for f in faqs] == ["Do you sell drones?", "هل تبيعون طابعات؟"]
    assert not any(f.active for f in faqs)
    assert set(UnansweredQuestion.objects.values_list("status", flat=True)) == {"answered"}
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    for faq in faqs:
        assert reverse("admin:helpdesk_faq_change", args=[faq.pk]) in text


def test_make_faq_skips_questions_that_are_not_open(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # given
    _, printers = questions
    unanswered_question_dismiss(question=printers)

    # when
    response = _run_action(superuser_client, "make_faq", questions)

    # then
    assert list(FAQ.objects.values_list("question_en", flat=True)) == ["Do you sell drones?"]
    printers.refresh_from_db()
    assert printers.status == UnansweredStatus.DISMISSED
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "1 question(s) were not open" in text


def test_superuser_dismisses_questions(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # when
    _run_action(superuser_client, "dismiss", questions)

    # then
    assert set(UnansweredQuestion.objects.values_list("status", flat=True)) == {"dismissed"}
    assert not FAQ.objects.exists()


def test_view_only_staff_are_not_offered_the_actions(viewer_client: Client) -> None:
    # then
    assert not {"make_faq", "dismiss"} & _offered_actions(viewer_client)


@pytest.mark.parametrize("action", ["make_faq", "dismiss"])
def test_view_only_staff_are_refused_the_actions(
    viewer_client: Client, questions: list[UnansweredQuestion], action: str
) -> None:
    # given
    before = list(UnansweredQuestion.objects.order_by("id").values())

    # when
    response = _run_action(viewer_client, action, questions)

    # then
    assert response.status_code in (200, 403)
    assert not FAQ.objects.exists()
    assert list(UnansweredQuestion.objects.order_by("id").values()) == before


def test_making_an_faq_needs_the_add_faq_permission(
    django_user_model, questions: list[UnansweredQuestion]
) -> None:
    # given: may triage questions, may not write FAQs
    client = _staff_client(
        django_user_model, "view_unansweredquestion", "change_unansweredquestion"
    )

    # when
    offered = _offered_actions(client)
    _run_action(client, "make_faq", questions)

    # then
    assert "dismiss" in offered and "make_faq" not in offered
    assert not FAQ.objects.exists()
    assert set(UnansweredQuestion.objects.values_list("status", flat=True)) == {"open"}


def test_faq_writers_may_make_faqs_without_changing_questions_otherwise(
    django_user_model, questions: list[UnansweredQuestion]
) -> None:
    # given
    client = _staff_client(django_user_model, "view_unansweredquestion", "add_faq")

    # when
    offered = _offered_actions(client)
    _run_action(client, "make_faq", questions[:1])

    # then
    assert "make_faq" in offered and "dismiss" not in offered
    assert FAQ.objects.count() == 1


def test_what_the_bot_recorded_is_read_only_in_the_change_form(superuser_client: Client) -> None:
    # given
    question = unanswered_question_record(text="Do you sell drones?", language="en")

    # when
    response = superuser_client.get(
        reverse("admin:helpdesk_unansweredquestion_change", args=[question.pk])
    )

    # then
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"status", "faq"}
    assert question.normalised_key in response.content.decode()


def test_a_draft_faq_cannot_be_ticked_active_from_the_faq_list(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # given: a draft without answers
    faq = faq_from_unanswered(question=questions[0])
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(faq.pk),
        "form-0-active": "on",
        "_save": "Save",
    }

    # when
    response = superuser_client.post(reverse("admin:helpdesk_faq_changelist"), data)

    # then
    assert response.status_code == 200  # the list comes back with the error
    assert "needs an answer in English and in Arabic" in response.content.decode()
    faq.refresh_from_db()
    assert faq.active is False


def test_a_draft_faq_goes_live_once_both_answers_are_written(
    superuser_client: Client, questions: list[UnansweredQuestion]
) -> None:
    # given
    faq = faq_from_unanswered(question=questions[0])
    data = {
        "topic": "unanswered",
        "question_en": "Do you sell drones?",
        "question_ar": "هل تبيعون طائرات درون؟",
        "answer_en": "Not yet, but DJI drones arrive next month.",
        "answer_ar": "ليس بعد، وتصل طائرات DJI الشهر القادم.",
        "active": "on",
        "sort_order": "100",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
    }

    # when
    response = superuser_client.post(reverse("admin:helpdesk_faq_change", args=[faq.pk]), data)

    # then
    assert response.status_code == 302
    faq.refresh_from_db()
    assert faq.active is True
