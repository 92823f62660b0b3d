from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button
from site_config.selectors import site_config_get

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import join_lines, menu_reply


@register
class StoreInfoState(State):
    """Who we are and how to reach us: opening hours, phone, e-mail."""

    name = "store_info"
    prefixes = ("info",)
    intents = ("store_info",)

    def handle(self, ctx: TurnContext) -> StateResult:
        config = site_config_get()
        body = join_lines(
            [
                f"*{config.shop_name}*",
                _("Opening hours: %(hours)s") % {"hours": config.business_hours(ctx.language)},
                _("Phone: %(phone)s") % {"phone": config.support_phone}
                if config.support_phone
                else "",
                _("E-mail: %(email)s") % {"email": config.support_email}
                if config.support_email
                else "",
            ]
        )
        return StateResult(
            messages=[
                menu_reply(
                    body,
                    Button(id="shipinfo", title=_("Delivery options")),
                    Button(id="payinfo", title=_("Payment options")),
                )
            ],
            next_state="assistant",
        )
