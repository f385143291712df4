"""CPU milliseconds per candidate of the random-key decoders (one-row calls, as OVLR's polish
makes them, and 16-row batches).

python runs/experiments/binpacking_decoder_speed.py
"""
import time

import numpy as np

from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance
from ovlr_bbo.problems.binpacking_decode import keys_objective

decoders = ["first_fit", "best_fit", "fill12", "fill24", "fill"]
print("| instance | rows per call | " + " | ".join(decoders) + " |")
print("|---" * (len(decoders) + 2) + "|")
for instance in (triplet_instance(120, 100), uniform_instance(120, 100),
                 uniform_instance(500, 100), uniform_instance(1000, 100)):
    for rows in (1, 16):
        keys = np.random.default_rng(0).random((64, instance.n_items))
        cells = []
        for decoder in decoders:
            start = time.process_time()
            for i in range(0, 64, rows):
                keys_objective(instance.weights, instance.capacity, keys[i:i + rows], decoder)
            cells.append(f"{(time.process_time() - start) / 64 * 1000:.2f}")
        print(f"| {instance.name} | {rows} | " + " | ".join(cells) + " |")
