from __future__ import annotations

import logging

from project_core.task_policy import shop_task

from .embeddings import faq_embeddings_train

logger = logging.getLogger(__name__)


@shop_task(name="helpdesk.train_faq_embeddings", soft_time_limit=600, time_limit=900)
def train_faq_embeddings_task() -> int:
    """Encode new or changed FAQs. Incremental, so safe to run any number of times."""
    summary = faq_embeddings_train()
    logger.info("FAQ embeddings: %s", summary.line())
    return summary.encoded
