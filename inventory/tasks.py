"""Beat task: tell customers who asked that a product is back in stock.

A sweep (rather than a hook on every stock change) catches every way stock returns:
admin edits, cancelled orders, Shopify sync. Idempotent: each alert is claimed before it
is sent.
"""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext

from conversation_log.exceptions import OutboundUnavailable
from conversation_log.outbound import outbound_sender, outbound_text_send
from project_core.task_policy import shop_task
from users.selectors import customer_in_service_window

from .models import StockAlert
from .selectors import stock_alert_ids_due
from .services import stock_alert_claim

logger = logging.getLogger(__name__)


@shop_task(name="inventory.stock_alerts_notify", soft_time_limit=240, time_limit=300)
def stock_alerts_notify_task() -> dict[str, int]:
    """Message each customer waiting for a product that is in stock again, in their
    language, while their 24-hour window is open and they have not opted out. Alerts of
    customers outside the window stay open for a later run."""
    summary = {"notified": 0, "waiting": 0, "candidates": 0}
    try:
        outbound_sender()
    except OutboundUnavailable as exc:
        logger.warning("stock alerts skipped: %s", exc)
        return summary
    ids = stock_alert_ids_due()
    summary["candidates"] = len(ids)
    for alert in StockAlert.objects.select_related("customer", "product").filter(pk__in=ids):
        customer = alert.customer
        if customer.opted_out or not customer_in_service_window(customer=customer):
            summary["waiting"] += 1
            continue
        if not stock_alert_claim(alert_id=alert.pk):
            continue
        with translation.override(alert.language):
            text = gettext("Good news: %(name)s is back in stock. Send “%(sku)s” to see it.") % {
                "name": alert.product.name(alert.language),
                "sku": alert.product.sku,
            }
        outbound_text_send(customer=customer, text=text)
        summary["notified"] += 1
    logger.info(
        "stock alerts: %(notified)d sent, %(waiting)d waiting for the 24-hour window, "
        "%(candidates)d candidates",
        summary,
        extra=summary,
    )
    return summary
