"""The registry of dialog states and the rules that pick one for each message.

Button and list-row ids are `<prefix>:<payload>` (`prd:SAM-S24U-256`, `add:SKU`,
`cart:view`, `lang:ar`, `menu`). `register` maps a state's name and its prefixes to the
class; `resolve_reply` validates a pressed id and returns (state, payload) or None for an
id that is unknown or malformed (stale or forged), which the engine answers with "that
option expired" and the menu.
"""

from __future__ import annotations

import re

from .states.base import State

_STATES: dict[str, type[State]] = {}
_PREFIXES: dict[str, type[State]] = {}
_ID = re.compile(r"^(?P<prefix>[a-z_]{1,16})(?::(?P<payload>[\w\-.:@/ ]{0,180}))?$")


def register(state: type[State]) -> type[State]:
    """Class decorator: make a state reachable by name and by its id prefixes."""
    if not state.name:
        raise ValueError(f"{state.__name__} has no name")
    existing = _STATES.get(state.name)
    if existing is not None and existing is not state:
        raise ValueError(f"state name {state.name!r} is taken by {existing.__name__}")
    _STATES[state.name] = state
    for prefix in state.prefixes:
        other = _PREFIXES.get(prefix)
        if other is not None and other is not state:
            raise ValueError(f"prefix {prefix!r} is taken by {other.__name__}")
        _PREFIXES[prefix] = state
    return state


def state_get(name: str) -> State | None:
    cls = _STATES.get(name)
    return cls() if cls else None


def state_names() -> list[str]:
    return sorted(_STATES)


def resolve_reply(reply_id: str) -> tuple[State, str] | None:
    """(state, payload) for a pressed id, or None when it is not one of ours."""
    match = _ID.match(reply_id.strip())
    if not match:
        return None
    cls = _PREFIXES.get(match.group("prefix"))
    if cls is None:
        return None
    return cls(), match.group("payload") or ""


def make_id(prefix: str, payload: str = "") -> str:
    """Build a button/list id that `resolve_reply` accepts."""
    if prefix not in _PREFIXES:
        raise ValueError(f"unknown prefix {prefix!r}")
    return f"{prefix}:{payload}" if payload else prefix


def autodiscover() -> None:
    """Import every module of `dialog_engine.states` so their `@register` decorators run."""
    import importlib
    import pkgutil

    from . import states

    for module in pkgutil.iter_modules(states.__path__):
        importlib.import_module(f"{states.__name__}.{module.name}")
