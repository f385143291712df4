"""The OVLR ask/tell optimizer: optimisation smoke tests, bad input, reproducibility, state."""

import pickle

import numpy as np
import pytest
import torch

from ovlr_bbo import OVLR, spaces
from ovlr_bbo.estimator import vector_jacobian_product
from ovlr_bbo.parts import gradient as gradient_part

NO_MEAN = ["gradient", "elitist", "guided", "polish"]  # the default without the mean first


def onemax(x):
    return float(np.sum(x))


def test_onemax_is_solved():
    opt = OVLR(spaces.Binary(20), seed=0, maximize=True)
    assert opt.minimize(onemax, budget=600).score == 20


@pytest.mark.parametrize("policy", ["vector", "mlp"])
def test_sphere_in_a_box_recommendation_improves(policy):
    def sphere(x):
        return float(np.sum((x - 1.0) ** 2))

    space = spaces.Box(-5, 5, dimension=8)
    opt = OVLR(space, seed=1, policy=policy, lr=0.02 if policy == "vector" else 0.003)
    start = sphere(opt.recommend())
    opt.minimize(sphere, budget=2000)
    assert sphere(opt.recommend()) < 0.3 * start


def test_small_permutation_is_sorted():
    target = np.arange(6)

    def displacement(x):
        return float(np.abs(x - target).sum())

    opt = OVLR(spaces.Permutation(6), seed=0)
    assert opt.minimize(displacement, budget=2000).score == 0


def test_categorical_and_integer_spaces_reach_the_target():
    categorical = OVLR(spaces.Categorical(6, 4), seed=0)
    assert categorical.minimize(lambda x: float(np.abs(x - 2).sum()), budget=1500).score == 0
    integer = OVLR(spaces.Integer(0, 3, dimension=6), seed=0)
    assert integer.minimize(lambda x: float(np.abs(x - 1).sum()), budget=1500).score == 0


def test_batch_objective_and_exact_budget():
    opt = OVLR(spaces.Binary(5), seed=0, n_pairs=3)
    calls = []

    def batch_f(X):
        calls.append(len(X))
        return X.sum(axis=1)

    opt.minimize(batch_f, budget=15, batch=True)
    assert sum(calls) == 15 and max(calls) <= opt.popsize == 6
    assert opt.evaluations == 15


def test_same_seed_same_run_and_different_seed_differs():
    def run(seed):
        opt = OVLR(spaces.Box(-1, 1, dimension=4), seed=seed, policy="mlp")
        batches = []
        for _ in range(5):
            X = opt.ask()
            batches.append(X)
            opt.tell(X, (X ** 2).sum(1))
        return np.concatenate(batches)

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


def _advance(opt, steps):
    for _ in range(steps):
        X = opt.ask()
        opt.tell(X, (X ** 2).sum(1))


@pytest.mark.parametrize("policy", ["vector", "mlp"])
def test_state_dict_and_pickle_resume_exactly(policy):
    opt = OVLR(spaces.Box(-1, 1, dimension=3), seed=0, policy=policy)
    _advance(opt, 3)
    pending = opt.ask()  # a batch asked but not told survives the checkpoint too
    state, blob = opt.state_dict(), pickle.dumps(opt)
    opt.tell(pending, (pending ** 2).sum(1))
    _advance(opt, 3)
    expected = opt.ask()

    resumed = OVLR(spaces.Box(-1, 1, dimension=3), seed=123, policy=policy)
    resumed.load_state_dict(state)
    unpickled = pickle.loads(blob)
    for other in (resumed, unpickled):
        other.tell(pending, (pending ** 2).sum(1))
        _advance(other, 3)
        np.testing.assert_array_equal(other.ask(), expected)
        assert other.best.score == opt.best.score


def test_nan_and_inf_scores_count_as_worst_and_never_become_best():
    opt = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, parts=NO_MEAN)
    X = opt.ask()
    scores = (X ** 2).sum(1)
    scores[0], scores[1] = np.nan, -np.inf
    opt.tell(X, scores)
    assert np.isfinite(opt.best.score) and opt.nonfinite_scores == 2
    assert all(torch.isfinite(p).all() for p in opt.policy.parameters())
    X = opt.ask()
    with pytest.warns(RuntimeWarning, match="skipped"):
        opt.tell(X, np.full(len(X), np.nan))
    assert opt.generations == 1


def test_tell_errors_say_what_was_expected():
    opt = OVLR(spaces.Binary(4), seed=0)
    X = opt.ask()
    with pytest.raises(ValueError, match=f"expected {len(X)} scores"):
        opt.tell(X, np.zeros(len(X) + 1))
    with pytest.raises(ValueError, match="no pending ask"):
        opt.tell(1 - X, np.zeros(len(X)))
    with pytest.raises(TypeError, match="numbers"):
        opt.tell(X, ["a"] * len(X))
    scores = np.zeros(len(X))
    opt.tell(X, scores)
    with pytest.raises(ValueError, match="no pending ask"):
        opt.tell(X, scores)  # told twice


def test_tell_does_not_mutate_inputs_and_accepts_batches_out_of_order():
    opt = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, maximize=True, parts=NO_MEAN)
    first, second = opt.ask(), opt.ask()
    scores = np.arange(len(second), dtype=float)
    opt.tell(second.copy(), scores)
    opt.tell(first, scores)
    assert scores.tolist() == list(range(len(second)))
    assert opt.best.score == len(second) - 1
    assert opt.evaluations == 2 * len(first)


@pytest.mark.parametrize("settings", [{"sigma": 0}, {"n_pairs": 0}, {"n_outputs": 0},
                                      {"lr": 0}, {"output_bound": -1}, {"policy": "rnn"}])
def test_invalid_settings_raise(settings):
    with pytest.raises(ValueError):
        OVLR(spaces.Binary(4), **settings)


def test_user_policy_module_is_checked():
    class Generator(torch.nn.Module):
        latent_dim = 2

        def __init__(self, out):
            super().__init__()
            self.net = torch.nn.Linear(2, out)

        def forward(self, latent):
            return self.net(latent)

    opt = OVLR(spaces.Box(-1, 1, dimension=3), policy=Generator(3), seed=0, n_outputs=4,
               parts=NO_MEAN)
    assert opt.ask().shape == (opt.popsize, 3) and opt.popsize == 4 * 2 * opt.estimator.n_pairs
    with pytest.raises(ValueError, match=r"outputs of shape \(batch, \*\(3,\)\)"):
        OVLR(spaces.Box(-1, 1, dimension=3), policy=Generator(5))
    with pytest.raises(TypeError, match="Space"):
        OVLR("binary")


def test_one_vjp_per_tell(monkeypatch):
    opt = OVLR(spaces.Box(-1, 1, dimension=3), seed=0, policy="mlp", n_outputs=3,
               parts=NO_MEAN)
    backward_calls, vjp_outputs = [], []
    original_backward = torch.Tensor.backward
    original_vjp = gradient_part.vector_jacobian_product

    def counting_backward(tensor, *args, **kwargs):
        backward_calls.append(tuple(tensor.shape))
        return original_backward(tensor, *args, **kwargs)

    def recording_vjp(outputs, gradient):
        vjp_outputs.append(tuple(outputs.shape))
        return original_vjp(outputs, gradient)

    monkeypatch.setattr(torch.Tensor, "backward", counting_backward)
    monkeypatch.setattr(gradient_part, "vector_jacobian_product", recording_vjp)
    X = opt.ask()
    opt.tell(X, (X ** 2).sum(1))
    assert vjp_outputs == [(3, 3)]  # one VJP through the (n_outputs, d) outputs
    assert backward_calls == [()]  # as the gradient of the scalar sum(z * g): one backward
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in opt.policy.parameters())


def test_vector_jacobian_product_is_z_backward_g():
    """(E3) through the scalar sum(z * g) gives the same gradients as z.backward(g), bit for
    bit."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    latent, g = torch.randn(5, 4), torch.randn(5, 3)
    net(latent).backward(g)
    expected = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    vector_jacobian_product(net(latent), g)
    assert all(torch.equal(p.grad, e) for p, e in zip(net.parameters(), expected, strict=True))


def test_rows_cut_by_the_budget_are_not_learned_as_the_worst():
    """minimize() cuts the last batch at the budget; the cut rows were never evaluated."""
    opt = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, parts=["gradient"])
    reference = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, parts=["gradient"])
    opt.minimize(lambda X: (X ** 2).sum(1), budget=2, batch=True)  # half of one batch of 4
    assert opt.evaluations == 2
    X = reference.ask()
    scores = (X ** 2).sum(1)
    reference.tell(X, scores, evaluated=np.array([True, True, False, False]))
    torch.testing.assert_close(opt.policy.output, reference.policy.output)
    worst = OVLR(spaces.Box(-1, 1, dimension=2), seed=0, parts=["gradient"])
    Y = worst.ask()
    worst.tell(Y, np.where(np.arange(4) < 2, scores, scores.max()))
    assert not torch.equal(worst.policy.output, opt.policy.output)


def test_a_pickled_copy_edits_its_own_policy():
    """The CPU view of the vector policy must follow the copy (a copied view kept editing an
    array that was no longer the policy, so the copy diverged)."""
    opt = OVLR(spaces.Binary(8), seed=0)
    copy = pickle.loads(pickle.dumps(opt))
    for _ in range(60):
        X, Y = opt.ask(), copy.ask()
        np.testing.assert_array_equal(X, Y)
        opt.tell(X, X.sum(1))
        copy.tell(Y, Y.sum(1))


def test_a_non_number_among_scores_is_named():
    opt = OVLR(spaces.Binary(4), seed=0, parts=["gradient"])
    X = opt.ask()
    with pytest.raises(TypeError, match="score 3 is 'abc'"):
        opt.tell(X, [0.0, 0.0, 0.0, "abc"])
    with pytest.raises(TypeError, match="score 1 is None"):
        opt.tell(X, [0.0, None, 0.0, 0.0])
