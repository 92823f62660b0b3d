from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from helpdesk.answers import faq_answer
from helpdesk.models import FAQ
from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_button

logger = logging.getLogger(__name__)


def faq_find(question: str, language: str) -> FAQ | None:
    """The FAQ answering `question`: `helpdesk.faq_answer` (embeddings) when available,
    else the FAQ sharing the most words with it."""
    try:
        hits = faq_answer(question, language=language, k=1)
    except Exception:
        logger.warning("faq_answer unavailable; using word overlap", exc_info=True)
    else:
        if hits:
            return hits[0].faq
    return _faq_overlap(question)


def _faq_overlap(question: str) -> FAQ | None:
    from helpdesk.selectors import faq_list

    words = {w for w in question.lower().replace("؟", " ").replace("?", " ").split() if len(w) > 3}
    best, best_score = None, 0
    for faq in faq_list():
        text = f"{faq.question_en} {faq.question_ar}".lower()
        score = sum(1 for w in words if w in text)
        if score > best_score:
            best, best_score = faq, score
    return best


def _assistant_answer(ctx: TurnContext) -> str:
    """A grounded answer from the shopping assistant (FAQs and products retrieved for the
    question; phrased by the LLM when one is configured), or "" when it has nothing."""
    from ai_assistant.services import assistant_answer

    try:
        answer = assistant_answer(
            customer=ctx.customer, chat=ctx.chat, question=ctx.text, language=ctx.language
        )
    except Exception:  # logged: without the assistant, a person is offered
        logger.warning("assistant_answer failed", exc_info=True)
        return ""
    return answer.text if (answer.products or answer.source == "llm") else ""


@register
class FAQAnswerState(State):
    """The answer to a frequently asked question (`faq:<id>`, or a typed question routed
    here by the intent)."""

    name = "faq_answer"
    prefixes = ("faq",)

    def handle(self, ctx: TurnContext) -> StateResult:
        faq = None
        if ctx.payload.isdecimal() and len(ctx.payload) <= 9:
            faq = FAQ.objects.filter(pk=int(ctx.payload), active=True).first()
        elif ctx.text and not ctx.event.is_reply:
            faq = faq_find(ctx.text, ctx.language)
        more = Button(id="faqs", title=_("More questions"))
        if faq is None and ctx.text and not ctx.event.is_reply:
            answer = _assistant_answer(ctx)
            if answer:
                return StateResult(
                    messages=[
                        ReplyButtons(
                            body=answer,
                            buttons=(
                                more,
                                Button(id="human", title=_("Talk to a person")),
                                menu_button(),
                            ),
                        )
                    ],
                    next_state="assistant",
                )
        if faq is None:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_(
                            "I do not have an answer to that yet. A person from our team can help."
                        ),
                        buttons=(
                            Button(id="human", title=_("Talk to a person")),
                            more,
                            menu_button(),
                        ),
                    )
                ],
                next_state="assistant",
            )
        return StateResult(
            messages=[
                ReplyButtons(
                    body=f"*{faq.question(ctx.language)}*\n{faq.answer(ctx.language)}",
                    buttons=(more, Button(id="human", title=_("Talk to a person")), menu_button()),
                )
            ],
            next_state="assistant",
        )
