from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from conversation_log.services import feedback_comment, feedback_record
from message_bus.dto import Button, ReplyButtons

from ..state_router import register
from .base import DECLINE, State, StateResult, TurnContext
from .common import menu_reply

logger = logging.getLogger(__name__)

RATINGS = {"good": 5, "ok": 3, "bad": 1}


@register
class FeedbackState(State):
    """How was the experience? `fb` asks, `fb:good|ok|bad` stores the rating as a
    Feedback row (staff list and filter them in admin), and a comment typed right after
    the rating is attached to it."""

    name = "feedback"
    prefixes = ("fb",)
    intents = ("feedback",)
    accepts_text = True

    def take_text(self, ctx: TurnContext) -> StateResult:
        """The comment typed right after a rating; anything else is a new request."""
        feedback = ctx.data.get("feedback", {})
        u = ctx.understanding
        if not feedback.get("awaiting_comment") or (u is not None and u.command):
            return DECLINE
        feedback["awaiting_comment"] = False
        if feedback.get("id"):  # chats rated before ratings were rows have none
            feedback_comment(feedback_id=feedback["id"], comment=ctx.text)
        logger.info("customer feedback comment", extra={"chat_id": ctx.chat.pk})
        return StateResult(
            messages=[menu_reply(_("Thank you for your feedback!"))], next_state="assistant"
        )

    def handle(self, ctx: TurnContext) -> StateResult:
        if ctx.payload not in RATINGS:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("How was your experience with us?"),
                        buttons=(
                            Button(id="fb:good", title=_("Great")),
                            Button(id="fb:ok", title=_("OK")),
                            Button(id="fb:bad", title=_("Not good")),
                        ),
                    )
                ],
                next_state="assistant",
            )
        feedback = feedback_record(
            chat=ctx.chat, rating=RATINGS[ctx.payload], language=ctx.language
        )
        ctx.data["feedback"] = {"id": feedback.pk, "awaiting_comment": True}
        logger.info(
            "customer feedback", extra={"chat_id": ctx.chat.pk, "rating": RATINGS[ctx.payload]}
        )
        return StateResult(
            messages=[menu_reply(_("Thanks! If you like, type a comment to tell us more."))],
            next_state=self.name,
        )
