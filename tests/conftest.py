"""Shared test configuration: the hypothesis profiles of the fuzz suite (tests/test_fuzz.py).

``ci`` (the default) runs a small, fixed set of examples (``derandomize=True``: the same examples
on every run, so CI is reproducible and its cost bounded). ``soak`` runs many more, freshly random
examples; select it with the environment variable ``HYPOTHESIS_PROFILE=soak``::

    HYPOTHESIS_PROFILE=soak nice -n 10 python -m pytest tests/test_fuzz.py -q

(100 examples per test and grid cell, about 30-40 minutes on one busy core; ``SOAK_EXAMPLES=1000``
for a longer soak.)

Neither profile writes hypothesis' example database (``database=None``): nothing appears in the
checkout, and a failure prints its reproducing example (and ``@reproduce_failure`` blob) instead.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The Ray clusters the tests start are private to this machine: Ray writes a token to ~/.ray the
# first time it starts one, and later starts would switch to token authentication, which the
# tests' clients (and Ray's own local start) then fail. Decided before anything imports ray.
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

_QUIET_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("ci", max_examples=6, deadline=None, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=_QUIET_CHECKS)
settings.register_profile("soak", max_examples=int(os.environ.get("SOAK_EXAMPLES", "100")),
                          deadline=None, derandomize=False, database=None, print_blob=True,
                          suppress_health_check=_QUIET_CHECKS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
