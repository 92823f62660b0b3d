"""CTA URL and template DTOs keep Graph's limits: what can be fixed (long bodies, long
labels, white space in parameters) is, what cannot (a URL that is not https, a parameter
too long) is refused before any request."""

from __future__ import annotations

import pytest

from message_bus.dto import (
    CTA_DISPLAY_TEXT_MAX,
    CTA_URL_MAX,
    INTERACTIVE_BODY_MAX,
    TEMPLATE_TEXT_PARAM_MAX,
    CtaUrl,
    CurrencyParam,
    DateTimeParam,
    InvalidOutbound,
    Template,
    Text,
    TextParam,
    UrlButtonParam,
    normalise,
    to_graph,
)
from wa_gateway.tests.fixtures import assert_graph_body_valid


def _valid(message) -> dict:
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "1"}
    body.update(to_graph(message))
    assert_graph_body_valid(body)
    return body


def test_cta_url_is_an_interactive_cta_url_message():
    # given
    message = CtaUrl(
        body="Your order shipped.", display_text="Track order", url="https://t.example/1"
    )
    # when
    [part] = normalise(message)
    # then
    assert _valid(part)["interactive"] == {
        "type": "cta_url",
        "body": {"text": "Your order shipped."},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "Track order", "url": "https://t.example/1"},
        },
    }


def test_cta_display_text_is_shortened_to_twenty_characters():
    # when
    [part] = normalise(
        CtaUrl(body="b", display_text="Follow your parcel on the map", url="https://x.io")
    )
    # then
    assert len(part.display_text) <= CTA_DISPLAY_TEXT_MAX
    assert part.display_text.endswith("…")
    _valid(part)


def test_a_long_cta_body_is_split_and_the_button_goes_with_the_last_part():
    # given
    body = ("A sentence of the update. " * 100).strip()
    # when
    parts = normalise(CtaUrl(body=body, display_text="Track", url="https://x.io/t"))
    # then
    assert isinstance(parts[0], Text) and isinstance(parts[-1], CtaUrl)
    assert all(len(p.body) <= INTERACTIVE_BODY_MAX for p in parts if isinstance(p, CtaUrl))
    for part in parts:
        _valid(part)


@pytest.mark.parametrize(
    "url", ["http://x.io/t", "ftp://x.io", "https://x.io/" + "a" * CTA_URL_MAX, "https://x.io/a b"]
)
def test_a_cta_url_that_is_not_https_or_too_long_is_refused(url):
    with pytest.raises(InvalidOutbound):
        normalise(CtaUrl(body="b", display_text="Open", url=url))


def test_template_has_body_currency_date_and_url_button_components():
    # given
    message = Template(
        name="order_shipped",
        language="en_US",
        body_params=(
            TextParam(text="ORD-1"),
            CurrencyParam(fallback_value="USD 12.34", code="USD", amount_1000=12340),
            DateTimeParam(fallback_value="2026-03-01"),
        ),
        buttons=(UrlButtonParam(index=0, suffix="AX123"),),
    )
    # when
    [part] = normalise(message)
    # then
    assert _valid(part)["template"] == {
        "name": "order_shipped",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "ORD-1"},
                    {
                        "type": "currency",
                        "currency": {
                            "fallback_value": "USD 12.34",
                            "code": "USD",
                            "amount_1000": 12340,
                        },
                    },
                    {"type": "date_time", "date_time": {"fallback_value": "2026-03-01"}},
                ],
            },
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": "AX123"}],
            },
        ],
    }


def test_template_text_parameters_lose_new_lines_tabs_and_runs_of_spaces():
    # when
    [part] = normalise(
        Template(name="t", language="en", body_params=(TextParam(text="a\nb\t c      d"),))
    )
    # then
    assert part.body_params[0].text == "a b c d"


@pytest.mark.parametrize(
    "message",
    [
        Template(name="Bad Name", language="en"),
        Template(name="t", language="english"),
        Template(name="t", language="en", body_params=(TextParam(text=""),)),
        Template(
            name="t",
            language="en",
            body_params=(TextParam(text="x" * (TEMPLATE_TEXT_PARAM_MAX + 1)),),
        ),
        Template(
            name="t",
            language="en",
            body_params=(CurrencyParam(fallback_value="12", code="usd", amount_1000=12000),),
        ),
        Template(
            name="t",
            language="en",
            body_params=(CurrencyParam(fallback_value="12", code="USD", amount_1000=12.5),),
        ),
        Template(name="t", language="en", buttons=(UrlButtonParam(index=0, suffix="a b"),)),
        Template(name="t", language="en", buttons=(UrlButtonParam(index=0, suffix=""),)),
        Template(name="t", language="en", buttons=(UrlButtonParam(index=10, suffix="a"),)),
        Template(
            name="t",
            language="en",
            buttons=(UrlButtonParam(index=0, suffix="a"), UrlButtonParam(index=0, suffix="b")),
        ),
    ],
)
def test_a_template_beyond_graph_limits_is_refused(message):
    with pytest.raises(InvalidOutbound):
        normalise(message)
