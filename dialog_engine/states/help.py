from __future__ import annotations

from django.utils.translation import gettext as _

from site_config.selectors import site_config_get

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import more_menu_message


@register
class HelpState(State):
    """What the bot can do, how to reach a person, and every option as one list."""

    name = "help"
    prefixes = ("help",)
    intents = ("help",)

    def handle(self, ctx: TurnContext) -> StateResult:
        config = site_config_get()
        body = "\n".join(
            [
                _(
                    "You can type what you are looking for "
                    "(for example “gaming laptop under 1500”), "
                    "browse the categories, add products to your cart "
                    "and check out here in the chat."
                ),
                _("Type MENU at any time to start over, or STOP to stop receiving messages."),
                _("Opening hours: %(hours)s") % {"hours": config.business_hours(ctx.language)},
                _("Support: %(phone)s")
                % {"phone": config.support_phone or config.support_email or "-"},
            ]
        )
        return StateResult(
            messages=[more_menu_message(body)],
            next_state="assistant",
        )
