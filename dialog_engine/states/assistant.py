from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from inventory.selectors import product_search_words
from message_bus.dto import ReplyButtons
from site_config.selectors import site_config_get

from ..state_router import register
from .base import State, StateResult, TurnContext

GREETINGS = frozenset(
    {"hi", "hello", "hey", "salam", "start", "مرحبا", "اهلا", "أهلا", "السلام عليكم", "هلا"}
    # START/ابدأ also opts a customer back in: they are greeted with the menu.
    | {"ابدأ", "ابدا", "subscribe", "اشتراك"}
)


def main_menu(ctx: TurnContext, body: str | None = None) -> ReplyButtons:
    from ..engine import menu_buttons

    config = site_config_get()
    return ReplyButtons(
        header_text=config.shop_name,
        body=body or config.welcome_text(ctx.language),
        buttons=tuple(menu_buttons()),
        footer=_("Type what you are looking for at any time."),
    )


_BUDGET = re.compile(
    r"(?:under|below|less than|max|up to|أقل من|اقل من|تحت|حتى|بحدود)\s*\$?\s*([\d٠-٩,.]+)",
    re.IGNORECASE,
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def product_search(text: str) -> list:
    """Products for free text: a budget ("under 1500", "أقل من ٥٠٠") caps the price and the
    remaining words must all match."""
    price_max = None
    match = _BUDGET.search(text)
    if match:
        digits = match.group(1).translate(_ARABIC_DIGITS).replace(",", "").rstrip(".")
        if digits.replace(".", "", 1).isdigit():
            price_max = Decimal(digits)
        text = text[: match.start()] + text[match.end() :]
    words = re.findall(r"[\w\-]+", text.replace("$", " "))
    words = [w for w in words if not w.isdigit() and w.lower() not in {"usd", "dollars", "دولار"}]
    return product_search_words(words=words, price_max=price_max)


@register
class AssistantState(State):
    """The home of the conversation: greets with the main menu; other free text goes to
    `free_text.route_free_text` (intent → state and slots; a product search by default)."""

    name = "assistant"
    prefixes = ("menu",)

    def handle(self, ctx: TurnContext) -> StateResult:
        text = ctx.text
        if ctx.event.is_reply or not text or text.lower().strip("!.؟? ") in GREETINGS:
            return StateResult(messages=[main_menu(ctx)], next_state=self.name)
        from .free_text import route_free_text

        return route_free_text(ctx)
