import numpy as np
import pytest
import torch

from ovlr_bbo import spaces

ALL_SPACES = [
    spaces.Box(-5, 5, dimension=4),
    spaces.Box(dimension=3),
    spaces.Box([0, -1], [1, 1]),
    spaces.Integer(-2, 3, dimension=5),
    spaces.Binary(6),
    spaces.Categorical(4, 3),
    spaces.Categorical(3, [2, 5, 1]),
    spaces.Permutation(7),
    spaces.RandomKeys(4),
]


@pytest.mark.parametrize("space", ALL_SPACES, ids=repr)
def test_encode_decode_round_trip(space):
    rng = np.random.default_rng(0)
    X = space.sample(rng, 20)
    assert X.shape == (20, space.dimension)
    outputs = space.encode(X)
    assert outputs.shape == (20, *space.output_shape)
    np.testing.assert_allclose(space.decode(outputs), X)
    np.testing.assert_allclose(space.decode_flat(outputs.reshape(20, -1)), X)


@pytest.mark.parametrize("space", ALL_SPACES, ids=repr)
def test_any_real_output_decodes_to_a_valid_candidate(space):
    outputs = np.random.default_rng(1).normal(scale=3, size=(50, *space.output_shape))
    X = space.decode(outputs)
    assert X.shape == (50, space.dimension) and X.dtype == space.dtype
    space.encode(X)  # raises if any candidate lies outside the space


def test_decoding_rules():
    assert spaces.Binary(3).decode(np.array([[-0.1, 0.0, 2.0]])).tolist() == [[0, 0, 1]]
    assert spaces.Integer(0, 1, dimension=2).decode(np.array([[-0.01, 0.01]])).tolist() == [[0, 1]]
    assert spaces.Permutation(3).decode(np.array([[0.5, -1.0, 0.0]])).tolist() == [[1, 2, 0]]
    categorical = spaces.Categorical(2, [2, 3])
    assert categorical.decode(np.array([[[0.0, 1.0, 9.0], [0.0, 1.0, 9.0]]])).tolist() == [[1, 2]]
    assert spaces.Box(dimension=1, scale=2.0).decode(np.array([[1.5]])).tolist() == [[3.0]]


@pytest.mark.parametrize("make", [
    lambda: spaces.Box(1, 1, dimension=2),
    lambda: spaces.Box(2, 1, dimension=2),
    lambda: spaces.Box([0, 0], [1, 1, 1]),
    lambda: spaces.Box(0, np.inf, dimension=2),
    lambda: spaces.Box(0, 1, dimension=0),
    lambda: spaces.Integer(0, 1.5, dimension=2),
    lambda: spaces.Binary(0),
    lambda: spaces.Categorical(0, 2),
    lambda: spaces.Categorical(2, 0),
    lambda: spaces.Permutation(0),
])
def test_invalid_spaces_raise(make):
    with pytest.raises(ValueError):
        make()


def test_validate_and_encode_reject_foreign_candidates():
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        spaces.Binary(3).validate(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="only 0 and 1"):
        spaces.Binary(2).encode(np.array([[0, 2]]))
    with pytest.raises(ValueError, match="permutations"):
        spaces.Permutation(3).encode(np.array([[0, 0, 1]]))


def test_random_keys_keep_the_order_of_any_outputs():
    outputs = np.array([[-7.0, 3.0, 2.5, -1.5, 9.0]])  # beyond [-1, 1]: clipping would tie them
    keys = spaces.RandomKeys(5).decode(outputs)
    assert ((keys > 0) & (keys < 1)).all()
    np.testing.assert_array_equal(np.argsort(keys), np.argsort(outputs))


def test_bounded_outputs_are_the_confidences_but_the_keys_of_large_orderings():
    # orderings up to 200 items (19,900 swaps) are swept by the polish and keep bounded keys
    for ordering in (spaces.RandomKeys, spaces.Permutation):
        assert ordering(200).bounded_outputs().all()
        assert not ordering(201).bounded_outputs().any()
    assert spaces.Binary(4).bounded_outputs().all()
    assert spaces.Categorical(2, 3).bounded_outputs().all()
    assert not spaces.Box(-1, 1, dimension=3).bounded_outputs().any()
    mixed = spaces.ProductSpace([spaces.Box(-1, 1, dimension=2), spaces.Binary(2),
                                 spaces.RandomKeys(300)])
    assert mixed.bounded_outputs().tolist() == [False, False, True, True] + [False] * 300


def test_ovlr_clamps_only_the_bounded_outputs():
    from ovlr_bbo import OVLR

    for n, bounded in ((200, True), (201, False)):
        opt = OVLR(spaces.RandomKeys(n), seed=0)
        with torch.no_grad():
            opt.policy.offset.copy_(torch.linspace(-10, 10, n))
        opt.clamp()
        largest = float(opt.policy.offset.abs().max())
        assert largest == (pytest.approx(2.5) if bounded else pytest.approx(10.0))


@pytest.mark.parametrize("space", [*ALL_SPACES, spaces.ProductSpace(
    [spaces.Binary(2), spaces.RandomKeys(4), spaces.Categorical(2, 3)])], ids=repr)
def test_move_count_counts_the_moves(space):
    rng = np.random.default_rng(1)
    outputs = [space.initial_output(), space.encode(space.sample(rng, 1))[0]]
    if isinstance(space, spaces.RandomKeys):  # tied keys give no swap
        outputs.append(np.array([0.5, -1.0, 0.5, 0.5]))
    if isinstance(space, spaces.ProductSpace):
        outputs.append(np.concatenate([[1.0, -1.0], [0.5, -1.0, 0.5, 0.5], np.zeros(6)]))
    for output in outputs:
        assert space.move_count(output) == len(space.moves(output))
