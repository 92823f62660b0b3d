from __future__ import annotations

from django.utils.translation import gettext as _

from message_bus.dto import Button, ReplyButtons
from orders.exceptions import InvalidTransition
from orders.models import OrderStatus
from orders.selectors import order_get
from orders.services import order_cancel

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_button, menu_reply, status_label


@register
class CancelOrderState(State):
    """Cancel one of the customer's orders: `ocan:<number>` asks, `ocan:yes:<number>`
    cancels through `order_cancel` (stock returns). Shipped or delivered orders cannot be
    cancelled here: the reply says why and offers a person."""

    name = "cancel_order"
    prefixes = ("ocan",)
    intents = ("cancel_order",)

    def handle(self, ctx: TurnContext) -> StateResult:
        confirmed = ctx.payload.startswith("yes:")
        number = ctx.payload.removeprefix("yes:")
        order = order_get(order_number=number, customer=ctx.customer) if number else None
        if order is None:
            return StateResult(
                messages=[
                    menu_reply(
                        _("Which order? Open it from your orders."),
                        Button(id="orders", title=_("My orders")),
                    )
                ],
                next_state="assistant",
            )
        if not order.can_move_to(OrderStatus.CANCELLED):
            return self._not_allowed(order)
        if not confirmed:
            return StateResult(
                messages=[
                    ReplyButtons(
                        body=_("Cancel order %(number)s? This cannot be undone.")
                        % {"number": order.order_number},
                        buttons=(
                            Button(id=f"ocan:yes:{order.order_number}", title=_("Yes, cancel it")),
                            Button(id=f"ord:{order.order_number}", title=_("Keep the order")),
                        ),
                    )
                ],
                next_state="assistant",
            )
        try:
            order_cancel(order=order, actor="customer", note="cancelled in WhatsApp")
        except InvalidTransition:
            order.refresh_from_db()
            return self._not_allowed(order)
        return StateResult(
            messages=[
                menu_reply(
                    _("Order %(number)s is cancelled.") % {"number": order.order_number},
                    Button(id="orders", title=_("My orders")),
                )
            ],
            next_state="assistant",
        )

    def _not_allowed(self, order) -> StateResult:
        return StateResult(
            messages=[
                ReplyButtons(
                    body=_(
                        "Order %(number)s can no longer be cancelled here (status: %(status)s). "
                        "A person from our team can help with a return."
                    )
                    % {"number": order.order_number, "status": status_label(order.status)},
                    buttons=(Button(id="human", title=_("Talk to a person")), menu_button()),
                )
            ],
            next_state="assistant",
        )
