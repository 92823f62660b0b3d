from __future__ import annotations

from project_core.task_policy import shop_task

from .product_sync import sync_products


@shop_task(name="connectors.shopify_admin.sync_products", soft_time_limit=1800, time_limit=2000)
def sync_products_task(full: bool = False) -> dict[str, int]:
    """Scheduled catalog import; incremental from the last successful run."""
    return sync_products(full=full).counts()
