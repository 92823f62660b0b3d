from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from users.services import customer_set_language

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_button


@register
class LanguageState(State):
    """Switch between English and Arabic. `lang` asks, `lang:en` / `lang:ar` switch and
    answer in the new language at once."""

    name = "language"
    prefixes = ("lang",)
    intents = ("language",)

    def handle(self, ctx: TurnContext) -> StateResult:
        choice = ctx.payload
        if choice not in {"en", "ar"}:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Choose your language:"),
                        buttons=(
                            Button(id="lang:en", title="English"),
                            Button(id="lang:ar", title="العربية"),
                        ),
                    )
                ]
            )
        customer_set_language(customer=ctx.customer, language=choice)
        ctx.language = choice
        with translation.override(choice):
            body = _("Done! I will talk to you in English from now on.")
            buttons = (Button(id="browse", title=_("Browse products")), menu_button())
        return StateResult(
            messages=[ReplyButtons(body=body, buttons=buttons)], next_state="assistant"
        )
