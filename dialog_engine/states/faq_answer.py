from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ai_assistant.services import assistant_answer
from connectors.llm.client import llm_configured
from helpdesk.answers import faq_match
from helpdesk.models import FAQ
from helpdesk.services import unanswered_question_record
from intent_classifier import products_made_generic, service_asked
from intent_classifier.types import IntentName
from message_bus.dto import Button, ReplyButtons
from recos.search import product_named

from ..state_router import FAQ_OVERRIDE, FAQ_TRY, register
from .base import DECLINE, State, StateResult, TurnContext
from .common import menu_button

if TYPE_CHECKING:
    from intent_classifier import Understanding

logger = logging.getLogger(__name__)

# The classifier's confidence at which its "this asks about the shop" counts as a second
# reading for the FAQ match (see `helpdesk.answers.ASKED_FACTOR`).
ASKED_CONFIDENCE = 0.9


def _buttons() -> tuple[Button, ...]:
    return (
        Button(id="faqs", title=_("More questions")),
        Button(id="human", title=_("Talk to a person")),
        menu_button(),
    )


def _about_products(u: Understanding) -> bool:
    """A message no FAQ answers that is about products rather than the shop: it names a
    brand, a model or a spec ("does the anker 100w charger charge a laptop?"), or names a
    type without asking anything ("a tv for the majlis to watch the matches")."""
    if not u.names_products:
        return False
    return not u.question or bool({"brand", "product_ref", "specs"} & u.slots.keys())


@register
class FAQAnswerState(State):
    """The answer to a shop question: `faq:<id>`, or a typed question that
    `helpdesk.faq_match` answers. A question about a product the text names by model is
    declined (search answers it from the database). Below the FAQ threshold the customer
    hears that we are not sure, is offered a person, and the question is queued for staff
    (`UnansweredQuestion`) — never a confident wrong answer."""

    name = "faq_answer"
    prefixes = ("faq",)
    intents = ("faq",)

    def handle(self, ctx: TurnContext) -> StateResult:
        trying = ctx.payload in (FAQ_TRY, FAQ_OVERRIDE)
        if ctx.payload and not trying:
            faq = None
            if ctx.payload.isdecimal() and len(ctx.payload) <= 9:
                faq = FAQ.objects.filter(pk=int(ctx.payload), active=True).first()
            if faq is None:
                return self._not_sure(ctx)
            return self._answer(faq.question(ctx.language), faq.answer(ctx.language))
        u = ctx.understanding
        if u is None:
            return self._not_sure(ctx)
        # "is the galaxy s24 in stock?": the search answers it (its card); not when the
        # customer already has it, asks when a sold-out one comes back, asks for a service
        # ("can you repair my ps4?") or how to pay for it ("can i buy the macbook with
        # tabby?"): those are the shop's to answer, whatever they name.
        shops = u.after_sale or u.restock or u.service or u.pays
        if not shops and product_named(u.query or u.text, ctx.language, u.slots.get("brand")):
            return DECLINE
        # A statement naming a product ("شاحن ماغ سيف ابل الاصلي") asks for it, however sure
        # the classifier is that it speaks of the shop ("original" is the genuine-products
        # FAQ's word).
        asked = (
            u.intent == IntentName.FAQ
            and u.confidence >= ASKED_CONFIDENCE
            and (u.question or not u.names_products)
        )
        # A product question ("does the band track sleep?") takes only a much closer FAQ,
        # unless the classifier is sure it asks about the shop or it is the shop's to answer
        # (above: "the screen arrived broken" names a type, and is the damaged-item FAQ).
        about_products = _about_products(u) and not (asked or shops)
        hit = faq_match(
            u.text,
            ctx.language,
            override=ctx.payload == FAQ_OVERRIDE or about_products,
            asked=asked,
            service=service_asked if u.service else None,
            shop_matter=u.complaint or u.pays,
            # "return the keyboard" asks what "return an item" does; not a service ("repair
            # my ps4" made generic is "my item won't turn on", a warranty claim) nor whether
            # the shop has it ("whats in stock for cameras" is no sold-out question)
            generic=products_made_generic(u.text)
            if u.names_products and not (u.service or u.stocked)
            else "",
        )
        if hit is not None:
            return self._answer(hit.question, hit.answer)
        if trying:
            return DECLINE  # only a close FAQ answers here; the action the text names goes on
        if _about_products(u) and not (u.service or u.complaint):
            return DECLINE  # no FAQ for it: the search answers from the catalogue
        if llm_configured():
            # With an LLM, a grounded answer from the FAQs and products it is given
            # (rejected when it states anything they did not say).
            answer = assistant_answer(
                customer=ctx.customer, chat=ctx.chat, question=ctx.text, language=ctx.language
            )
            if answer.source == "llm":
                return StateResult(
                    messages=[ReplyButtons(body=answer.text, buttons=_buttons())],
                    next_state="assistant",
                )
        unanswered_question_record(text=ctx.text, language=ctx.language)
        return self._not_sure(ctx)

    def _answer(self, question: str, answer: str) -> StateResult:
        return StateResult(
            messages=[ReplyButtons(body=f"*{question}*\n{answer}", buttons=_buttons())],
            next_state="assistant",
        )

    def _not_sure(self, ctx: TurnContext) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_("I do not have an answer to that yet. A person from our team can help."),
                    buttons=(
                        Button(id="human", title=_("Talk to a person")),
                        Button(id="faqs", title=_("More questions")),
                        menu_button(),
                    ),
                )
            ],
            next_state="assistant",
        )
