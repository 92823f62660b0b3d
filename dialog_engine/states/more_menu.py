from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import ListMessage, Row, Section

from ..state_router import register
from .base import State, StateResult, TurnContext


def more_menu_message(body: str = "") -> ListMessage:
    """Every thing the shop can do in one list (the main menu only has room for three
    buttons)."""
    shop = (
        Row(id="browse", title=_("Browse categories")),
        Row(id="deals", title=_("Deals")),
        Row(id="rec", title=_("Recommended for you")),
        Row(id="brands", title=_("Shop by brand")),
        Row(id="bud", title=_("Shop by budget")),
        Row(id="cmp:show", title=_("Compare products")),
    )
    account = (
        Row(id="orders", title=_("My orders")),
        Row(id="faqs", title=_("Questions and answers")),
        Row(id="human", title=_("Talk to a person")),
        Row(id="lang", title=_("Language / اللغة")),
    )
    return ListMessage(
        body=body or _("What would you like to do?"),
        button=_("Options"),
        sections=(
            Section(title=_("Shop"), rows=shop),
            Section(title=_("Orders and help"), rows=account),
        ),
        footer=_("You can also just type what you are looking for."),
    )


@register
class MoreMenuState(State):
    """The full menu as one list: shopping shortcuts, orders, help, language."""

    name = "more_menu"
    prefixes = ("more_menu",)

    def handle(self, ctx: TurnContext) -> StateResult:
        return StateResult(messages=[more_menu_message()], next_state="assistant")
