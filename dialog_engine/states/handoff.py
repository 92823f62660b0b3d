from __future__ import annotations

from django.utils.translation import gettext as _

from conversation_log.services import chat_handoff_start
from message_bus.dto import Text
from site_config.selectors import site_config_get

from ..state_router import register
from .base import State, StateResult, TurnContext


@register
class HandoffState(State):
    """Hand the chat to a person: the bot stays silent (the engine checks
    `Chat.handoff_active`) until staff end the handoff in admin."""

    name = "handoff"
    prefixes = ("human",)
    intents = ("human",)

    def handle(self, ctx: TurnContext) -> StateResult:
        chat_handoff_start(chat=ctx.chat)
        config = site_config_get()
        return StateResult(
            messages=[
                Text(
                    body=_(
                        "I am passing you to a person from our team. They will answer here "
                        "as soon as possible (opening hours: %(hours)s)."
                    )
                    % {"hours": config.business_hours(ctx.language)}
                )
            ],
            next_state="assistant",
        )
