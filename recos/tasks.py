from __future__ import annotations

import logging

from project_core.task_policy import shop_task

from .index import index_rebuild
from .training import embeddings_train_products

logger = logging.getLogger(__name__)


@shop_task(name="recos.train_product_embeddings", soft_time_limit=3000, time_limit=3300)
def train_product_embeddings_task(product_ids: list[int] | None = None) -> int:
    """Encode new or changed products (all, or only `product_ids`). Incremental, so safe
    to run any number of times: only stale rows are encoded."""
    summary = embeddings_train_products(product_ids=product_ids)
    logger.info("product embeddings: %s", summary.line())
    if product_ids is None and summary.encoded:
        # A full run re-encoded the catalog (a model change, a bulk import): a new snapshot
        # for this machine rather than an overlay as large as the catalog. A few products
        # re-encoded reach every process as deltas.
        index_rebuild(summary.model_name)
    return summary.encoded
