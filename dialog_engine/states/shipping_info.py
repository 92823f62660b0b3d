from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button
from orders.calculations import format_money
from orders.selectors import shipping_option_list

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply


@register
class ShippingInfoState(State):
    """The delivery options with price, free-delivery threshold and days."""

    name = "shipping_info"
    prefixes = ("shipinfo",)
    intents = ("shipping_info",)

    def handle(self, ctx: TurnContext) -> StateResult:
        lines = [_("Delivery options:")]
        for option in shipping_option_list()[:10]:
            line = _("• %(name)s: %(price)s, %(min)s-%(max)s days") % {
                "name": option.name(ctx.language),
                "price": format_money(option.price, option.currency),
                "min": option.eta_days_min,
                "max": option.eta_days_max,
            }
            if option.free_over is not None:
                line += " " + _("(free over %(amount)s)") % {
                    "amount": format_money(option.free_over, option.currency)
                }
            lines.append(line)
        return StateResult(
            messages=[
                menu_reply("\n".join(lines), Button(id="payinfo", title=_("Payment options")))
            ],
            next_state="assistant",
        )
