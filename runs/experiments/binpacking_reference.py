"""FFD / BFD bins above the optimum (triplets) or the L2 bound (uniform) on generated instances.

python runs/experiments/binpacking_reference.py 1000-1019
"""
import sys

import numpy as np

from ovlr_bbo.problems.binpacking import (best_fit_decreasing, first_fit_decreasing,
                                          triplet_instance, uniform_instance)

lo, hi = map(int, sys.argv[1].split("-"))
print("| family, items | FFD | BFD |\n|---|---|---|")
for make, sizes in ((triplet_instance, (30, 60, 120)), (uniform_instance, (120, 250, 500, 1000))):
    for n in sizes:
        gaps = {"FFD": [], "BFD": []}
        for seed in range(lo, hi + 1):
            instance = make(n, seed)
            for name, rule in (("FFD", first_fit_decreasing), ("BFD", best_fit_decreasing)):
                gaps[name].append(int(rule(instance).max()) + 1 - instance.lower_bound)
        family = make.__name__.split("_")[0]
        print(f"| {family}{n} | {np.mean(gaps['FFD']):.2f} | {np.mean(gaps['BFD']):.2f} |")
