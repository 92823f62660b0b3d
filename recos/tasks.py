from __future__ import annotations

import logging

from project_core.task_policy import shop_task

from .training import embeddings_train_products

logger = logging.getLogger(__name__)


@shop_task(name="recos.train_product_embeddings", soft_time_limit=3000, time_limit=3300)
def train_product_embeddings_task(product_ids: list[int] | None = None) -> int:
    """Encode new or changed products (all, or only `product_ids`). Incremental, so safe
    to run any number of times: only stale rows are encoded."""
    summary = embeddings_train_products(product_ids=product_ids)
    logger.info("product embeddings: %s", summary.line())
    return summary.encoded
