"""The parts of OVLR (polish, guided order, elitism, mean first) and the spaces' geometry."""

import io
import itertools
import pickle

import ioh
import numpy as np
import pytest
import torch

from ovlr_bbo import OVLR, spaces
from ovlr_bbo.parts import GradientStep, Polish, make_parts

SPACES = [spaces.Binary(6), spaces.Integer(0, 3, dimension=4), spaces.Categorical(3, [2, 4, 3]),
          spaces.Permutation(5), spaces.RandomKeys(5), spaces.Box(-2, 2, dimension=3),
          spaces.ProductSpace([spaces.Box(-1, 1, dimension=2), spaces.Categorical(2, 3),
                               spaces.Binary(2), spaces.Integer(0, 2, dimension=1)])]


@pytest.mark.parametrize("space", SPACES, ids=repr)
def test_every_single_move_changes_the_candidate_a_little(space):
    rng = np.random.default_rng(0)
    x = space.sample(rng, 1)[0]
    y = space.encode(x[None])[0]
    moves = space.moves(y)
    assert len(moves) > 0
    for move in moves:
        neighbour = space.decode(space.apply_move(y, tuple(move), 0.25)[None])[0]
        changed = np.flatnonzero(neighbour != x)
        assert 1 <= changed.size <= 2, (move, x, neighbour)
        space.encode(neighbour[None])  # still inside the space


def test_product_space_maps_flips_and_positions_to_its_parts():
    space = SPACES[-1]
    assert space.position_outputs().tolist() == [True, True] + [False] * 9
    assert space.sign_outputs().tolist() == [False] * 8 + [True, True, False]
    moves = space.moves(space.initial_output())
    flips = space.flip_output(moves)
    assert sorted(flips[flips >= 0].tolist()) == [8, 9]  # the two bits' outputs
    assert not space.relative_moves and space.moves_depend_on_point


def test_a_space_without_geometry_cannot_be_built():
    class NoMoves(spaces.Space):
        dimension, output_shape = 1, (1,)

        def decode(self, outputs):
            return outputs

        def encode(self, candidates):
            return candidates

        def sample(self, rng, n):
            return rng.random((n, 1))

    with pytest.raises(TypeError, match="abstract"):
        NoMoves()


def test_first_candidate_is_the_policy_mean_when_asked_for():
    assert OVLR(spaces.Binary(4), seed=0).ask().tolist() == [[0, 0, 0, 0]]
    without = OVLR(spaces.Binary(4), seed=0, parts=["gradient", "elitist", "polish"])
    assert len(without.ask()) == 4


def _polish(opt):
    return next(part for part in opt.parts if isinstance(part, Polish))


def test_polish_starts_after_patience_and_asks_single_moves():
    opt = OVLR(spaces.Binary(8), seed=0, parts=["gradient", "elitist", "guided", "polish"])
    sizes = []
    for _ in range(6):
        X = opt.ask()
        sizes.append(len(X))
        opt.tell(X, np.zeros(len(X)))  # a flat objective: nothing ever improves
    assert sizes == [4, 4, 4, 1, 1, 1]  # 2 steps without improvement, then single moves
    assert len(_polish(opt).tabu_ids) == 3  # on a plateau each move is accepted, then tabu
    no_polish = OVLR(spaces.Binary(8), seed=0, parts=["gradient"])
    for _ in range(6):
        X = no_polish.ask()
        assert len(X) == no_polish.popsize
        no_polish.tell(X, np.zeros(len(X)))


def _asked_sizes(opt, asks):
    sizes = []
    for _ in range(asks):
        X = opt.ask()
        sizes.append(len(X))
        opt.tell(X, np.zeros(len(X)))  # a flat objective: nothing ever improves
    return sizes


def test_no_polish_where_a_sweep_holds_more_moves_than_max_moves():
    # orderings of 201 items have 20,100 swaps, of 200 items 19,900 (MAX_SWEEP_MOVES: 20,000)
    large = OVLR(spaces.Permutation(201), seed=0)
    # the mean first, then OVLR batches only: the polish never starts
    assert 1 not in _asked_sizes(large, 8)[1:]
    assert not _polish(large).polishing
    assert 1 in _asked_sizes(OVLR(spaces.Permutation(200), seed=0), 8)[1:]
    unbounded = OVLR(spaces.Permutation(201), seed=0, parts=[
        "mean_first", "gradient", "elitist", "guided", {"name": "polish", "max_moves": None}])
    assert 1 in _asked_sizes(unbounded, 8)[1:]
    bounded = OVLR(spaces.Binary(8), seed=0, parts=[
        "gradient", "elitist", "guided", {"name": "polish", "max_moves": 7}])
    assert _asked_sizes(bounded, 6) == [4] * 6  # 8 flips, more than 7


def test_max_moves_survives_the_state_round_trip_and_old_checkpoints_sweep_any_size():
    polish = Polish(max_moves=50)
    state = polish.state_dict()
    restored = Polish()
    restored.load_state_dict(state)
    assert restored.max_moves == 50
    del state["max_moves"]  # a checkpoint from before the bound
    restored.load_state_dict(state)
    assert restored.max_moves is None


COMPASS = ["mean_first", "gradient", "elitist", "guided", "polish"]  # not the box default


def test_fruitless_sweep_halves_the_move_and_sigma_on_a_box():
    opt = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, parts=COMPASS)
    opt.tell(opt.ask(), [0.0])  # the mean: the elite, never beaten below
    while not _polish(opt).polishing:
        X = opt.ask()
        opt.tell(X, np.ones(len(X)))
    assert opt.control.move_step == 0.5
    for _ in range(4):  # the 2 d moves of the sweep, all worse
        X = opt.ask()
        assert len(X) == 1
        opt.tell(X, [1.0])
    assert not _polish(opt).polishing
    assert opt.control.move_step == 0.25 and opt.sigma == 0.5


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
    opt = OVLR(spaces.Box(-5, 5, dimension=4), seed=0, parts=COMPASS)
    best = opt.minimize(lambda X: ((X - 1.3) ** 2).sum(1), 3000, batch=True)
    assert best.score < 1e-6 and opt.sigma < 0.01


def _drive(opt, f, steps):
    for _ in range(steps):
        X = opt.ask()
        opt.tell(X, f(X))


def _trap(X):
    return (X[:, :4].sum(1) * 3 - X.sum(1)).astype(float)


def test_pickle_during_a_polish_resumes_exactly():
    opt = OVLR(spaces.Binary(10), seed=1)
    while not _polish(opt).polishing:
        _drive(opt, _trap, 1)
    clone = pickle.loads(pickle.dumps(opt))
    for other in (opt, clone):
        _drive(other, _trap, 20)
    np.testing.assert_array_equal(opt.ask(), clone.ask())


def test_state_dict_round_trips_through_torch_load_weights_only_into_the_same_policy():
    opt = OVLR(spaces.Binary(10), seed=1)
    while not _polish(opt).polishing:
        _drive(opt, _trap, 1)
    opt.ask()  # an outstanding batch travels too
    buffer = io.BytesIO()
    torch.save(opt.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    receiver = OVLR(spaces.Binary(10), seed=99)
    policy = receiver.policy
    receiver.load_state_dict(state)
    assert receiver.policy is policy  # loaded into the existing module
    pending = [X for X, _ in opt._pending.values()]
    for other in (opt, receiver):
        for X in [X for X, _ in other._pending.values()]:
            other.tell(X, _trap(X))
        _drive(other, _trap, 15)
    assert pending
    np.testing.assert_array_equal(opt.ask(), receiver.ask())
    assert opt.best.score == receiver.best.score


def test_state_dict_of_another_space_or_parts_is_refused():
    state = OVLR(spaces.Binary(10), seed=0).state_dict()
    with pytest.raises(ValueError, match="Binary\\(10\\)"):
        OVLR(spaces.Binary(12), seed=0).load_state_dict(state)
    with pytest.raises(ValueError, match="parts"):
        OVLR(spaces.Binary(10), seed=0, parts=["gradient"]).load_state_dict(state)


def test_tied_keys_give_no_moves_so_ovlr_steps_go_on():
    space = spaces.RandomKeys(5)
    assert len(space.moves(np.zeros(5))) == 0
    assert len(space.moves(np.array([0.0, 0.0, 1.0, 2.0, 2.0]))) == 10 - 2
    opt = OVLR(space, seed=0, parts=["mean_first", "gradient", "polish"])
    opt.tell(opt.ask(), [0.0])  # the tied centre is the elite
    for _ in range(3):  # stalled OVLR steps: a polish would start, but it has no moves
        X = opt.ask()
        assert len(X) == opt.popsize
        opt.tell(X, np.ones(len(X)))


def test_integer_space_with_outstanding_asks_told_out_of_order_never_crashes():
    """Issue 16 item 1: a pending OVLR batch told mid-sweep replaced the elite, and the next
    move (made for the old elite) left the bounds."""
    space = spaces.Integer(0, 2, dimension=3)
    for seed in range(200):
        rng = np.random.default_rng(seed)
        opt = OVLR(space, seed=seed, parts=["gradient", "elitist", "polish"])
        for _ in range(12):
            batches = [opt.ask() for _ in range(2)]
            for index in rng.permutation(2):
                X = batches[index]
                opt.tell(X, rng.random(len(X)))


def test_every_outstanding_ask_of_a_sweep_gets_a_move():
    opt = OVLR(spaces.Binary(16), seed=0, maximize=True)
    while not _polish(opt).polishing:
        _drive(opt, lambda X: X[:, :8].sum(1).astype(float), 1)
    outstanding = [opt.ask() for _ in range(8)]
    assert [len(X) for X in outstanding] == [1] * 8
    assert len({X.tobytes() for X in outstanding}) == 8  # eight different moves


def test_improving_moves_found_in_parallel_are_retried_on_the_new_elite():
    opt = OVLR(spaces.Binary(12), seed=3, maximize=True)
    budget = 0
    while opt.best.score < 12 and budget < 400:
        batches = [opt.ask() for _ in range(4)]
        for X in batches:
            opt.tell(X, X.sum(1))
            budget += len(X)
    assert opt.best.score == 12  # OneMax solved with four asks always outstanding


def test_part_configuration_errors_say_what_to_do():
    with pytest.raises(ValueError, match="unknown OVLR part"):
        make_parts(["polish", "nonsense"])
    with pytest.raises(ValueError, match="gradient"):
        make_parts(["polish"])
    with pytest.raises(ValueError, match="bad settings"):
        make_parts([{"name": "polish", "patience": 2, "colour": "red"}])
    with pytest.raises(ValueError, match="patience"):
        make_parts([{"name": "polish", "patience": 1.5}, "gradient"])
    with pytest.raises(ValueError, match="max_moves"):
        make_parts([{"name": "polish", "max_moves": 0}, "gradient"])
    parts = make_parts([{"name": "gradient", "learn": False}, {"name": "polish", "tabu": False}])
    assert isinstance(parts[0], GradientStep) and not parts[0].learn and not parts[1].tabu


def test_gradient_off_still_samples_but_never_moves_the_policy():
    opt = OVLR(spaces.Box(-1, 1, dimension=3), seed=0, parts=[{"name": "gradient", "learn": False}])
    before = opt.policy.output.detach().clone()
    _drive(opt, lambda X: (X ** 2).sum(1), 5)
    assert torch.equal(before, opt.policy.output.detach())
    learning = OVLR(spaces.Box(-1, 1, dimension=3), seed=0, parts=["gradient"])
    _drive(learning, lambda X: ((X - 0.5) ** 2).sum(1), 5)
    assert not torch.equal(before, learning.policy.output.detach())


def test_unevaluated_rows_are_not_learned_from_or_counted():
    opt = OVLR(spaces.Box(-1, 1, dimension=3), seed=0, parts=["gradient"])
    X = opt.ask()
    opt.tell(X, np.full(len(X), np.nan), evaluated=np.zeros(len(X), dtype=bool))
    assert opt.evaluations == 0 and opt.nonfinite_scores == 0
    before = opt.policy.output.detach().clone()
    assert torch.equal(before, opt.policy.output.detach())


def test_a_box_gets_the_generator_engine_and_other_spaces_the_ovlr_step():
    assert [p.name for p in OVLR(spaces.Box(-1, 1, dimension=3), seed=0).parts] == [
        "mean_first", "generator"]
    boxes = spaces.ProductSpace([spaces.Box(-1, 1, dimension=2), spaces.Box(dimension=2)])
    assert [p.name for p in OVLR(boxes, seed=0).parts] == ["mean_first", "generator"]
    for space in (spaces.Binary(4), spaces.RandomKeys(4), SPACES[-1]):  # keys, mixed: no
        assert "gradient" in [p.name for p in OVLR(space, seed=0).parts]
    with pytest.raises(ValueError, match="positions only"):
        OVLR(spaces.Binary(4), seed=0, parts=["generator"])


def test_generator_engine_solves_a_rotated_ill_conditioned_quadratic():
    rng = np.random.default_rng(0)
    rotation, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    scales = 10.0 ** np.linspace(0, 3, 6)

    def ellipsoid(X):
        return (((X - 0.7) @ rotation.T * scales) ** 2).sum(1)

    opt = OVLR(spaces.Box(-5, 5, dimension=6), seed=0)
    assert opt.minimize(ellipsoid, 6000, batch=True).score < 1e-8
    compass = OVLR(spaces.Box(-5, 5, dimension=6), seed=0, parts=COMPASS)
    assert compass.minimize(ellipsoid, 6000, batch=True).score > 1e-6  # what the engine is for


@pytest.mark.parametrize("dimension", [4, 60], ids=["csa", "tpa"])  # 60: two-point adaptation
def test_generator_state_round_trips_through_torch_load_weights_only(dimension):
    def f(X):
        return ((X - 1.3) ** 2).sum(1)

    opt = OVLR(spaces.Box(-5, 5, dimension=dimension), seed=0)
    _drive(opt, f, 30)
    opt.ask()
    buffer = io.BytesIO()
    torch.save(opt.state_dict(), buffer)
    buffer.seek(0)
    receiver = OVLR(spaces.Box(-5, 5, dimension=dimension), seed=7)
    receiver.load_state_dict(torch.load(buffer, weights_only=True))
    for other in (opt, receiver):
        for X in [X for X, _ in other._pending.values()]:
            other.tell(X, f(X))
        _drive(other, f, 10)
    np.testing.assert_array_equal(opt.ask(), receiver.ask())


def _two_bit_trap(X):
    """All zeros is a local optimum of single flips (n); bits 0 and 1 together score n + 5."""
    X = np.asarray(X)
    score = (X == 0).sum(1).astype(float)
    score[(X[:, :2] == 1).all(1) & (X[:, 2:] == 0).all(1)] = X.shape[1] + 5
    return score


def test_escape_kicks_out_of_a_confirmed_local_optimum():
    found = 0
    for seed in range(3):
        opt = OVLR(spaces.Binary(12), seed=seed, maximize=True)
        assert "escape" in [p.name for p in opt.parts]
        found += opt.minimize(_two_bit_trap, 4000, batch=True,
                              stop=lambda o=opt: o.best.score == 17).score == 17
    assert found == 3
    without = OVLR(spaces.Binary(12), seed=0, maximize=True,
                   parts=["mean_first", "gradient", "elitist", "guided", "polish"])
    assert without.minimize(_two_bit_trap, 4000, batch=True).score < 17


def test_escape_needs_the_polish():
    with pytest.raises(ValueError, match="polish"):
        OVLR(spaces.Binary(4), seed=0, parts=["gradient", "escape"])


def _escape(opt):
    return next(p for p in opt.parts if p.name == "escape")


def _kicking_at_rest(opt):
    """The escape part kicks and no polish sweep is under way: the next ask is the escape's."""
    polish = next(p for p in opt.parts if p.name == "polish")
    return _escape(opt).kicking and _escape(opt).confirmed and not polish.polishing


def test_a_trial_descends_from_where_its_kick_landed_and_ends_on_the_elite():
    """Once trials pay more than kicks, a kick that lands worse starts a descent around the kicked
    point (not the elite), by single flips that beat the trial's centre, until a point not worse
    than the elite replaces it."""
    opt = OVLR(spaces.Binary(10), seed=0)

    def count_ones(X):
        return np.asarray(X).sum(1).astype(float)

    opt.minimize(count_ones, 400, batch=True, stop=lambda: _kicking_at_rest(opt))
    escape = _escape(opt)
    assert escape.kicking and opt.best.score == 0
    escape.record[:] = [[0.0, 1000.0], [5.0, 10.0], [0.0, 1000.0], [0.0, 1000.0]]  # trials paid
    X = opt.ask()
    kicked = X[0].copy()
    assert len(X) == 1 and kicked.sum() >= 2
    opt.tell(X, count_ones(X))
    assert escape.trial is not None and escape.trial.loss == kicked.sum()
    centre, told = kicked, 0
    while escape.trial is not None and told < 200:
        X = opt.ask()
        assert ((X != centre).sum(1) == 1).all()  # single flips of the trial's centre
        opt.tell(X, count_ones(X))
        told += len(X)
        better = X[count_ones(X) < centre.sum()]
        if len(better):
            centre = better[np.argmin(count_ones(better))]
        assert opt.best.score == 0  # the elite only ever took points not worse
    assert escape.trial is None and told <= 10 * int(kicked.sum())
    assert escape.record[1, 1] >= 10 + told


def test_a_trial_in_progress_survives_the_state_round_trip():
    opt = OVLR(spaces.Binary(10), seed=1)
    opt.minimize(lambda X: np.asarray(X).sum(1).astype(float), 400, batch=True,
                 stop=lambda: _kicking_at_rest(opt))
    _escape(opt).record[:] = [[0.0, 1000.0], [5.0, 10.0], [0.0, 1000.0], [0.0, 1000.0]]
    X = opt.ask()
    opt.tell(X, X.sum(1).astype(float))
    assert _escape(opt).trial is not None
    copy = _restored(opt)
    _same_asks(opt, copy, lambda X: X.sum(1).astype(float))
    assert _escape(copy).trial_count == _escape(opt).trial_count


def _restored(opt):
    """A fresh OVLR (other seed) given ``opt``'s state through a weights_only checkpoint."""
    buffer = io.BytesIO()
    torch.save(opt.state_dict(), buffer)
    buffer.seek(0)
    copy = OVLR(opt.space, seed=99)
    copy.load_state_dict(torch.load(buffer, weights_only=True))
    return copy


def _same_asks(opt, copy, f, steps=5):
    for _ in range(steps):
        a, b = opt.ask(), copy.ask()
        np.testing.assert_array_equal(a, b)
        opt.tell(a, f(a))
        copy.tell(b, f(b))


def test_trials_can_be_switched_off():
    opt = OVLR(spaces.Binary(10), seed=0, parts=["mean_first", "gradient", "elitist", "guided",
                                                  "polish", {"name": "escape", "trials": False}])
    opt.minimize(lambda X: np.asarray(X).sum(1).astype(float), 600, batch=True)
    assert _escape(opt).kicking and _escape(opt).trial_count == 0


def _count_ones(X):
    return np.asarray(X).sum(1).astype(float)


def _pairs_pay(opt):
    """Records under which the pair sweep has the best rate: kicks and trials have not paid."""
    _escape(opt).record[:] = [[0.0, 1000.0], [0.0, 1000.0], [5.0, 10.0], [0.0, 1000.0]]


def test_a_pair_sweep_tries_every_pair_of_flips_once_then_steps_aside():
    n = 8
    opt = OVLR(spaces.Binary(n), seed=0)
    opt.minimize(_count_ones, 300, batch=True)
    escape = _escape(opt)
    assert escape.kicking and opt.best.score == 0
    _pairs_pay(opt)
    escape.pair_sweep = None  # a sweep from its start (the run may have begun one)
    elite, seen = opt.best.x.copy(), []
    while escape.swept_version != opt.elite.version and len(seen) < 200:
        X = opt.ask()
        assert ((X != elite).sum(1) == 2).all()  # each candidate: two flips of the elite
        seen += [tuple(np.flatnonzero(x != elite)) for x in X]
        opt.tell(X, _count_ones(X))
    assert sorted(seen) == sorted(itertools.combinations(range(n), 2))  # each pair once
    assert escape.record[2, 1] == 10 + len(seen)
    X = opt.ask()  # the swept elite gets kicks again, not a second sweep
    assert not escape.pair_sweep and escape._next_operator(opt, np.zeros((n, 2)), np.zeros(n)) != 2
    opt.tell(X, _count_ones(X))


def test_a_pair_sweep_leaves_a_two_flip_trap():
    """All zeros is a local optimum of single flips; a pair sweep finds the one pair that beats it
    within the 66 pairs of 12 bits."""
    opt = OVLR(spaces.Binary(12), seed=3, maximize=True)
    opt.minimize(_two_bit_trap, 400, batch=True, stop=lambda: _escape(opt).kicking)
    assert opt.best.score == 12 and _escape(opt).kicking
    _pairs_pay(opt)
    told = 0
    while opt.best.score < 17 and told < 66:
        X = opt.ask()
        opt.tell(X, _two_bit_trap(X))
        told += len(X)
    assert opt.best.score == 17


def test_a_pair_sweep_in_progress_survives_the_state_round_trip():
    opt = OVLR(spaces.Binary(10), seed=1)
    opt.minimize(_count_ones, 400, batch=True)
    _pairs_pay(opt)
    X = opt.ask()
    opt.tell(X, _count_ones(X))
    assert _escape(opt).pair_sweep is not None
    copy = _restored(opt)
    _same_asks(opt, copy, _count_ones)
    np.testing.assert_array_equal(_escape(copy).pair_sweep.pairs, _escape(opt).pair_sweep.pairs)


def test_no_pair_sweeps_where_they_cost_more_than_a_run_or_are_switched_off():
    ordering = OVLR(spaces.Permutation(30), seed=0)  # 435 swaps: 94,395 pairs
    moves = ordering.space.moves(ordering.space.initial_output())
    _pairs_pay(ordering)
    ordering.elite.version = 1
    assert _escape(ordering)._next_operator(ordering, moves, np.zeros(len(moves))) != 2
    off = OVLR(spaces.Binary(10), seed=0, parts=["mean_first", "gradient", "elitist", "guided",
                                                  "polish", {"name": "escape", "pairs": False}])
    _pairs_pay(off)
    moves = off.space.moves(off.space.initial_output())
    assert _escape(off)._next_operator(off, moves, np.zeros(len(moves))) != 2


def _weighted(X):
    return np.asarray(X) @ np.array([5.0, 1.0, 7.0, 2.0, 8.0, 3.0, 9.0, 4.0])


def test_a_pair_sweep_tries_the_pair_of_least_worse_moves_first():
    """Around a confirmed optimum every flip of bit i costs w_i; the pair of the two cheapest
    flips (bits 1 and 3) leads the order by single-move deltas."""
    opt = OVLR(spaces.Binary(8), seed=0)
    opt.minimize(_weighted, 300, batch=True)
    assert opt.best.score == 0 and _escape(opt).kicking
    polish = next(p for p in opt.parts if p.name == "polish")
    moves = polish.moves_around(opt, opt.elite.require_output())
    np.testing.assert_array_equal(polish.move_deltas(opt, moves), [5, 1, 7, 2, 8, 3, 9, 4])
    _pairs_pay(opt)
    _escape(opt).pair_sweep = None
    X = opt.ask()
    assert {tuple(np.flatnonzero(x)) for x in X} >= {(1, 3)}


def test_move_losses_survive_the_state_round_trip():
    """A pair sweep that starts after a restore orders its pairs as the original does."""
    opt = OVLR(spaces.Binary(8), seed=2)
    opt.minimize(_weighted, 300, batch=True)
    copy = _restored(opt)
    for other in (opt, copy):
        _pairs_pay(other)
        _escape(other).pair_sweep = None
    _same_asks(opt, copy, _weighted)


def _five_bit_trap(X):
    """All zeros is a local optimum of every move of fewer than five flips; each flip of bits
    0-4 costs 1, of the others 10, and bits 0-4 together win (-1)."""
    X = np.asarray(X)
    loss = X[:, :5].sum(1) + 10.0 * X[:, 5:].sum(1)
    loss[(X[:, :5] == 1).all(1) & (X[:, 5:] == 0).all(1)] = -1.0
    return loss


def test_a_guided_kick_flips_the_least_worse_moves_together():
    opt = OVLR(spaces.Binary(12), seed=0)
    opt.minimize(_five_bit_trap, 2000, batch=True,
                 stop=lambda: _kicking_at_rest(opt) or opt.best.score < 0)
    escape = _escape(opt)
    if opt.best.score == 0:  # the run sits on the trap: guided kicks, and nothing else, pay
        escape.record[:] = [[0.0, 1000.0], [0.0, 1000.0], [0.0, 1000.0], [5.0, 10.0]]
        told = 0
        while opt.best.score == 0 and told < 150:
            X = opt.ask()  # every candidate flips bits 0-4 first, the least-worse moves
            assert all(set(np.flatnonzero(x)) <= set(range(5)) or x[:5].all() for x in X)
            opt.tell(X, _five_bit_trap(X))
            told += len(X)
    assert opt.best.score == -1
    assert escape.record[3, 0] >= 1  # the guided kicks found it
    without = OVLR(spaces.Binary(12), seed=0, parts=["mean_first", "gradient", "elitist",
                                                      "guided", "polish",
                                                      {"name": "escape", "guided": False}])
    assert without.minimize(_five_bit_trap, 300, batch=True).score == 0
