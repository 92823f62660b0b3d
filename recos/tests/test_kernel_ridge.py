from __future__ import annotations

import numpy as np

from recos.kernel_ridge import char_grams, kernel_ridge_fit


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_a_class_is_scored_by_all_its_examples_not_the_single_closest() -> None:
    # given: five examples of "a" spread around the x axis, one of "b" off to the side
    vectors = np.stack(
        [_unit(1, y, 0) for y in (-0.6, -0.3, 0.3, 0.6, 0.9)] + [_unit(1, 0.1, 0.55)]
    )
    texts = ["x"] * 6  # no character gram to tell them apart
    labels = ["a"] * 5 + ["b"]
    model = kernel_ridge_fit(vectors, texts, labels)
    query = _unit(1, 0.05, 0.25)

    # when
    scores = model.scores(query, "x")

    # then: "b"'s one example is the single closest, yet "a" wins
    assert labels[int(np.argmax(vectors @ query))] == "b"
    assert model.classes[int(np.argmax(scores))] == "a"


def test_an_examples_own_class_scores_near_one_and_the_others_near_zero() -> None:
    # given
    vectors = np.stack([_unit(1, 0, 0), _unit(0, 1, 0), _unit(0, 0, 1)])
    model = kernel_ridge_fit(vectors, ["cash", "card", "wrap"], ["c", "d", "w"], ridge=0.1)

    # when
    scores = model.scores(vectors[1], "card")

    # then
    own = model.classes.index("d")
    assert scores[own] > 0.8
    assert max(s for i, s in enumerate(scores) if i != own) < 0.2


def test_shared_character_grams_decide_when_the_embeddings_cannot() -> None:
    # given: every example has the same embedding; only the words differ
    vectors = np.stack([_unit(1, 1, 0)] * 4)
    texts = ["pay with tabby", "tabby instalments", "gift wrapping", "wrap it as a gift"]
    model = kernel_ridge_fit(vectors, texts, ["pay", "pay", "gift", "gift"])

    # when: a misspelt clitic form of a word of one class
    scores = model.scores(_unit(1, 1, 0), "bitabbyy please")

    # then
    assert model.classes[int(np.argmax(scores))] == "pay"


def test_char_grams_ignore_punctuation_elongation_and_spelling_variants() -> None:
    assert char_grams("heyyyyy!!") == char_grams("heyyy")
    assert char_grams("القائمة") == char_grams("القائمه")
    assert "w:سلتي" in char_grams("وش في سلتي؟")
