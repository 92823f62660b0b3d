from __future__ import annotations

from django.utils.translation import gettext as _

from inventory.selectors import product_get
from inventory.services import stock_alert_subscribe
from message_bus.dto import Button, ReplyButtons
from users.services import customer_marketing_consent_set

from ..state_router import register
from .base import State, StateResult, TurnContext
from .common import menu_reply, product_missing

CONSENT_PREFIX = "mkt"


@register
class StockAlertState(State):
    """Subscribe to a back-in-stock message for `ntf:<sku>`. A back-in-stock message is
    marketing: without the customer's recorded consent it is never sent, so the state asks
    for it (`mkt:yes` / `mkt:no`) when the customer has not given it."""

    name = "stock_alert"
    prefixes = ("ntf", CONSENT_PREFIX)

    def handle(self, ctx: TurnContext) -> StateResult:
        if ctx.event.reply_id.startswith(f"{CONSENT_PREFIX}:"):
            return self._consent(ctx)
        product = product_get(sku=ctx.payload)
        if product is None:
            return product_missing()
        name = product.name(ctx.language)
        if product.stock > 0:
            body = _("Good news: %(name)s is in stock now.") % {"name": name}
            return StateResult(
                messages=[
                    menu_reply(body, Button(id=f"add:{product.sku}", title=_("Add to cart")))
                ],
                next_state="assistant",
            )
        created = stock_alert_subscribe(
            customer=ctx.customer, product=product, language=ctx.language
        )
        body = (
            _("Done. I will message you when %(name)s is back in stock.")
            if created
            else _("You are already on the list for %(name)s.")
        ) % {"name": name}
        if not ctx.customer.marketing_consent:
            return StateResult(messages=[self._ask_consent(body)], next_state="assistant")
        return StateResult(
            messages=[
                menu_reply(body, Button(id=f"sim:{product.sku}", title=_("Similar products")))
            ],
            next_state="assistant",
        )

    @staticmethod
    def _ask_consent(body: str) -> ReplyButtons:
        question = _(
            "May we message you about products and offers, such as this alert? "
            "You can say no and still chat with us, and send STOP at any time."
        )
        return ReplyButtons(
            body=f"{body}\n\n{question}",
            buttons=(
                Button(id=f"{CONSENT_PREFIX}:yes", title=_("Yes, message me")),
                Button(id=f"{CONSENT_PREFIX}:no", title=_("No, thanks")),
            ),
        )

    @staticmethod
    def _consent(ctx: TurnContext) -> StateResult:
        consent = ctx.payload == "yes"
        customer_marketing_consent_set(customer=ctx.customer, consent=consent)
        body = (
            _("Thank you. We will message you about products you asked for and our offers.")
            if consent
            else _("No problem: we will not send you product alerts or offers.")
        )
        return StateResult(messages=[menu_reply(body)], next_state="assistant")
