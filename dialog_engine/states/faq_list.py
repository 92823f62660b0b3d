from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.selectors import faq_list
from message_bus.dto import ListMessage, Row, Section

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply


@register
class FAQListState(State):
    """The most asked questions as a list; a row opens its answer. Customers can also
    just type a question."""

    name = "faq_list"
    prefixes = ("faqs",)

    def handle(self, ctx: TurnContext) -> StateResult:
        faqs = list(faq_list()[:10])
        if not faqs:
            return StateResult(
                messages=[menu_reply(_("Type your question and I will do my best to answer."))],
                next_state="assistant",
            )
        rows = tuple(
            Row(
                id=f"faq:{faq.pk}",
                title=faq.question(ctx.language),
                description=faq.question(ctx.language),
            )
            for faq in faqs
        )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("Common questions. You can also type your own."),
                    button=_("Questions"),
                    sections=(Section(title=_("Questions"), rows=rows),),
                )
            ],
            next_state="assistant",
        )
