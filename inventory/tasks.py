"""Beat task: tell customers who asked that a product is back in stock.

A sweep (rather than a hook on every stock change) catches every way stock returns:
admin edits, cancelled orders, Shopify sync. Idempotent: each alert is claimed before it
is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext

from conversation_log.exceptions import OutboundUnavailable
from conversation_log.models import TemplatePurpose
from conversation_log.proactive import outbound_proactive_send, proactive_sender
from project_core.task_policy import shop_task

from .models import StockAlert
from .selectors import stock_alert_ids_due
from .services import stock_alert_claim

logger = logging.getLogger(__name__)


@shop_task(name="inventory.stock_alerts_notify", soft_time_limit=240, time_limit=300)
def stock_alerts_notify_task() -> dict[str, int]:
    """Message each customer waiting for a product that is in stock again, by the proactive
    rule (conversation_log.proactive): only with their marketing consent, free-form in
    their language inside the 24-hour window, the approved `back_in_stock` template
    outside it. Alerts that cannot be sent now (no consent, no template, opted out) stay
    open for a later run."""
    summary = {"notified": 0, "waiting": 0, "candidates": 0}
    try:
        proactive_sender()
    except OutboundUnavailable as exc:
        logger.warning("stock alerts skipped: %s", exc)
        return summary
    ids = stock_alert_ids_due()
    summary["candidates"] = len(ids)
    for alert in StockAlert.objects.select_related("customer", "product").filter(pk__in=ids):
        product = alert.product
        message = {
            "customer": alert.customer,
            "purpose": TemplatePurpose.BACK_IN_STOCK,
            "text": _alert_text(alert),
            "values": {
                "customer_name": alert.customer.profile_name,
                "product_name": product.name(alert.language),
                "product_sku": product.sku,
            },
        }
        if not outbound_proactive_send(**message, dry_run=True).sent:
            summary["waiting"] += 1
            continue
        if not stock_alert_claim(alert_id=alert.pk):
            continue
        if outbound_proactive_send(**message).sent:
            summary["notified"] += 1
    logger.info(
        "stock alerts: %(notified)d sent, %(waiting)d waiting (no marketing consent, or "
        "outside the 24-hour window without an approved template), %(candidates)d candidates",
        summary,
        extra=summary,
    )
    return summary


def _alert_text(alert: StockAlert) -> Callable[[], str]:
    def build() -> str:
        # The language the customer asked for the alert in.
        with translation.override(alert.language):
            return gettext("Good news: %(name)s is back in stock. Send “%(sku)s” to see it.") % {
                "name": alert.product.name(alert.language),
                "sku": alert.product.sku,
            }

    return build
