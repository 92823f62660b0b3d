from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ListMessage, Row, Section
from orders.calculations import format_money
from orders.selectors import order_list

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply, status_label


@register
class MyOrdersState(State):
    """The customer's recent orders; a row opens the order's status."""

    name = "my_orders"
    prefixes = ("orders",)
    intents = ("my_orders",)

    def handle(self, ctx: TurnContext) -> StateResult:
        orders = order_list(customer=ctx.customer, limit=10)
        if not orders:
            return StateResult(
                messages=[
                    menu_reply(
                        _("You have no orders yet."),
                        Button(id="browse", title=_("Browse products")),
                    )
                ],
                next_state="assistant",
            )
        rows = tuple(
            Row(
                id=f"ord:{order.order_number}",
                title=order.order_number,
                description=f"{status_label(order.status)} · "
                f"{format_money(order.total, order.currency)} · "
                f"{order.created_at:%Y-%m-%d}",
            )
            for order in orders
        )
        return StateResult(
            messages=[
                ListMessage(
                    body=_("Your recent orders:"),
                    button=_("Orders"),
                    sections=(Section(title=_("Orders"), rows=rows),),
                )
            ],
            next_state="assistant",
        )
