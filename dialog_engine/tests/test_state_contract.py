"""The import-linter contract that keeps states independent lists every state module."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

from dialog_engine import state_router, states
from intent_classifier.types import IntentName

SHARED = {"base", "common"}


def test_the_independence_contract_lists_every_state_module() -> None:
    # given
    pyproject = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )
    contract = next(
        c
        for c in pyproject["tool"]["importlinter"]["contracts"]
        if c["name"] == "Dialog states never import each other"
    )
    # when
    modules = {m.name for m in pkgutil.iter_modules(states.__path__)} - SHARED
    # then
    assert set(contract["modules"]) == {f"dialog_engine.states.{m}" for m in modules}


def test_every_intent_the_router_can_name_has_a_state() -> None:
    # given: intents a state serves, or the router's own policy handles (faq, unknown)
    served = {intent for intent in IntentName if state_router._INTENTS.get(intent)}
    # then
    assert set(IntentName) - served == {IntentName.UNKNOWN}
