"""The plateau local search (polish) and the default OVLR components built on it."""

import pickle

import ioh
import numpy as np
import pytest

from ovlr_bbo import OVLR, spaces
from ovlr_bbo.local_search import PlateauSearch, neighbour_output, single_moves

SPACES = [spaces.Binary(6), spaces.Integer(0, 3, dimension=4), spaces.Categorical(3, [2, 4, 3]),
          spaces.Permutation(5), spaces.RandomKeys(5), spaces.Box(-2, 2, dimension=3)]


@pytest.mark.parametrize("space", SPACES, ids=repr)
def test_every_single_move_changes_the_candidate_a_little(space):
    rng = np.random.default_rng(0)
    x = space.sample(rng, 1)[0]
    y = space.encode(x[None])[0]
    moves = single_moves(space, x)
    assert len(moves) > 0
    for move in moves:
        neighbour = space.decode(neighbour_output(space, x, y, move, step=0.25)[None])[0]
        changed = np.flatnonzero(neighbour != x)
        assert 1 <= changed.size <= 2, (move, x, neighbour)
        space.encode(neighbour[None])  # still inside the space


def test_sweep_accepts_equal_moves_makes_them_tabu_and_ends_without_acceptance():
    space = spaces.Binary(3)
    search = PlateauSearch(space)
    rng = np.random.default_rng(0)
    x = np.array([[0, 0, 0]])
    search.offer(x, space.encode(x), np.array([1.0]))
    search.start(rng)
    assert search.active and len(search.sweep) == 3
    move, output = search.next_output()
    improved, replaced = search.offer(space.decode(output[None]), output[None], np.array([1.0]))
    assert (improved, replaced) == (False, True)
    search.after_move(move, improved, replaced, rng)
    assert len(search.tabu_ids) == 1 and len(search.sweep) == 2  # a fresh sweep, minus the tabu
    while search.active:
        move, output = search.next_output()
        search.offer(space.decode(output[None]), output[None], np.array([2.0]))
        search.after_move(move, False, False, rng)
    assert not search.tabu_ids


def test_fruitless_sweep_halves_the_step_on_a_continuous_box():
    space = spaces.Box(-1, 1, dimension=2)
    search = PlateauSearch(space, step=0.5)
    rng = np.random.default_rng(0)
    search.offer(np.zeros((1, 2)), np.zeros((1, 2)), np.array([0.0]))
    search.start(rng)
    while search.active:
        move, _ = search.next_output()
        search.after_move(move, False, False, rng)
    assert search.step == 0.25


def test_first_candidate_is_the_policy_mean_when_asked_for():
    assert OVLR(spaces.Binary(4), seed=0).ask().tolist() == [[0, 0, 0, 0]]
    assert len(OVLR(spaces.Binary(4), seed=0, evaluate_mean=False).ask()) == 4


def test_polish_starts_after_patience_and_asks_single_moves():
    opt = OVLR(spaces.Binary(8), seed=0, patience=2, evaluate_mean=False)
    sizes = []
    for _ in range(6):
        X = opt.ask()
        sizes.append(len(X))
        opt.tell(X, np.zeros(len(X)))  # a flat objective: nothing ever improves
    assert sizes == [4, 4, 4, 1, 1, 1]  # 2 steps without improvement, then single moves
    assert len(opt.search.tabu_ids) == 3  # on a plateau each move is accepted, then tabu
    no_polish = OVLR(spaces.Binary(8), seed=0, polish=False, evaluate_mean=False)
    for _ in range(6):
        X = no_polish.ask()
        assert len(X) == no_polish.popsize
        no_polish.tell(X, np.zeros(len(X)))


def test_leading_ones_is_solved_within_512_evaluations():
    solved = 0
    for seed in range(5):
        problem = ioh.get_problem(2, 1, 32, ioh.ProblemClass.PBO)
        opt = OVLR(spaces.Binary(32), seed=seed, maximize=True)
        opt.minimize(lambda X: np.asarray(problem(X.tolist())), 512, batch=True,  # noqa: B023
                     stop=lambda: problem.state.optimum_found)  # noqa: B023
        solved += problem.state.optimum_found
    assert solved >= 4


def test_continuous_polish_converges_on_a_sphere():
    opt = OVLR(spaces.Box(-5, 5, dimension=4), seed=0)
    best = opt.minimize(lambda X: ((X - 1.3) ** 2).sum(1), 3000, batch=True)
    assert best.score < 1e-6 and opt.sigma < 0.01


def test_pickle_during_a_polish_resumes_exactly():
    def f(X):
        return (X[:, :4].sum(1) * 3 - X.sum(1)).astype(float)

    opt = OVLR(spaces.Binary(10), seed=1)
    while not opt.search.active:
        X = opt.ask()
        opt.tell(X, f(X))
    clone = pickle.loads(pickle.dumps(opt))
    for other in (opt, clone):
        for _ in range(20):
            X = other.ask()
            other.tell(X, f(X))
    np.testing.assert_array_equal(opt.ask(), clone.ask())


def test_tied_keys_give_no_moves_so_ovlr_steps_go_on():
    space = spaces.RandomKeys(5)
    search = PlateauSearch(space)
    tied = np.zeros((1, 5))  # every key equal: no swap changes the order
    search.offer(space.decode(tied), tied, np.array([1.0]))
    search.start(np.random.default_rng(0))
    assert not search.active
    half_tied = np.array([[0.0, 0.0, 1.0, 2.0, 2.0]])
    search.offer(space.decode(half_tied), half_tied, np.array([0.5]))
    search.start(np.random.default_rng(0))
    assert len(search.sweep) == 10 - 2  # all pairs but the two tied ones
