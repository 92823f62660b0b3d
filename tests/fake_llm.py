"""Bodies of a fake OpenAI-compatible `/v1/chat/completions` server (pytest-httpserver)."""

from __future__ import annotations

import json
from typing import Any


def completion(content: str | dict[str, Any]) -> dict[str, Any]:
    """A chat.completion response whose message content is `content` (dicts as JSON)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
