"""Writes of the help desk: FAQ variants and the queue of questions the bot could not answer."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from recos.language import normalise
from users.models import Language

from .models import FAQ, FAQVariant, UnansweredQuestion, UnansweredStatus

UNANSWERED_TOPIC = "unanswered"
_TRAILING_PUNCTUATION = "?؟!. "


class UnansweredQuestionClosed(Exception):
    """The question was already made into an FAQ or dismissed."""

    def __init__(self, question: UnansweredQuestion) -> None:
        super().__init__(f"Unanswered question {question.pk} is {question.status}, not open.")
        self.question = question


def _check_language(language: str) -> None:
    if language not in Language.values:
        raise ValueError(f"Unknown language {language!r}; expected one of {Language.values}.")


def unanswered_key(text: str) -> str:
    """The identity of a question's wording: sha256 hex of the text normalised
    (`recos.language.normalise`: case, spaces, Arabic letter forms, digits) with trailing
    ?/؟/!/. dropped, so "Do you sell drones?" and "do you sell  drones" count as one."""
    normalised = normalise(text).rstrip(_TRAILING_PUNCTUATION)
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _unanswered_bump(*, key: str, now: datetime) -> UnansweredQuestion | None:
    # One conditional UPDATE: concurrent askers each add one, none is lost.
    bumped = UnansweredQuestion.objects.filter(normalised_key=key).update(
        count=F("count") + 1, last_asked_at=now
    )
    return UnansweredQuestion.objects.get(normalised_key=key) if bumped else None


def unanswered_question_record(*, text: str, language: str) -> UnansweredQuestion:
    """Count one more asking of a question the bot could not answer confidently.

    The first asking inserts the row (its wording is the one staff see); later ones, by any
    customer, only add to `count` and move `last_asked_at`, whatever the row's status. Safe
    under concurrency: two first askings racing on the unique key end as one row, count 2.
    Runs inside the caller's transaction if there is one (the insert has its own savepoint).
    """
    text = text.strip()[: UnansweredQuestion._meta.get_field("text").max_length]
    if not text.rstrip(_TRAILING_PUNCTUATION):
        raise ValueError("An unanswered question needs some text.")
    _check_language(language)
    key = unanswered_key(text)
    now = timezone.now()
    question = _unanswered_bump(key=key, now=now)
    if question is not None:
        return question
    try:
        with transaction.atomic():
            return UnansweredQuestion.objects.create(
                text=text,
                normalised_key=key,
                language=language,
                first_asked_at=now,
                last_asked_at=now,
            )
    except IntegrityError:
        # Another worker inserted the same key between our UPDATE and INSERT.
        question = _unanswered_bump(key=key, now=now)
        if question is None:
            raise
        return question


@transaction.atomic
def faq_from_unanswered(
    *, question: UnansweredQuestion, answer_en: str = "", answer_ar: str = ""
) -> FAQ:
    """Make an open unanswered question into a draft FAQ and mark the question answered.

    The FAQ is created inactive (topic "unanswered"): the bot must not serve it until staff
    have written both answers and ticked "active". The question's wording fills both
    question fields so the row is complete; staff translate the other one while editing.
    Raises `UnansweredQuestionClosed` if the question is not open (e.g. a double click), so
    one question never yields two FAQs.
    """
    locked = UnansweredQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.status != UnansweredStatus.OPEN:
        raise UnansweredQuestionClosed(locked)
    wording = locked.text[: FAQ._meta.get_field("question_en").max_length]
    faq = FAQ.objects.create(
        topic=UNANSWERED_TOPIC,
        question_en=wording,
        question_ar=wording,
        answer_en=answer_en.strip(),
        answer_ar=answer_ar.strip(),
        active=False,
    )
    UnansweredQuestion.objects.filter(pk=locked.pk).update(
        status=UnansweredStatus.ANSWERED, faq=faq
    )
    question.status = UnansweredStatus.ANSWERED
    question.faq = faq
    return faq


def unanswered_question_dismiss(*, question: UnansweredQuestion) -> bool:
    """Mark an open question as not worth an FAQ (spam, off-topic, a one-off).

    Returns False when it was not open, so an answered question is never hidden by mistake.
    """
    dismissed = UnansweredQuestion.objects.filter(
        pk=question.pk, status=UnansweredStatus.OPEN
    ).update(status=UnansweredStatus.DISMISSED)
    if dismissed:
        question.status = UnansweredStatus.DISMISSED
    return bool(dismissed)


def faq_variant_add(*, faq: FAQ, language: str, text: str) -> FAQVariant:
    """Record another way customers ask `faq`; adding the same wording twice is a no-op."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("An FAQ variant needs some text.")
    max_length = FAQVariant._meta.get_field("text").max_length
    if len(text) > max_length:
        raise ValueError(f"An FAQ variant is at most {max_length} characters.")
    _check_language(language)
    variant, _ = FAQVariant.objects.get_or_create(faq=faq, language=language, text=text)
    return variant
