"""The dashboard's list of questions the bot could not answer."""

from __future__ import annotations

import pytest

from helpdesk.models import UnansweredQuestion, UnansweredStatus
from helpdesk.selectors import unanswered_question_list_top

pytestmark = pytest.mark.django_db


def _question(text: str, count: int, status: str = UnansweredStatus.OPEN) -> None:
    UnansweredQuestion.objects.create(
        text=text, normalised_key=text, language="en", count=count, status=status
    )


def test_top_unanswered_questions_are_open_ones_most_asked_first() -> None:
    # given
    _question("drones?", 3)
    _question("store pickup?", 9)
    _question("answered already?", 50, status=UnansweredStatus.ANSWERED)
    _question("dismissed?", 40, status=UnansweredStatus.DISMISSED)
    _question("student discount?", 1)

    # when
    top = unanswered_question_list_top(limit=2)

    # then
    assert [(q.text, q.count) for q in top] == [("store pickup?", 9), ("drones?", 3)]
