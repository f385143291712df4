"""A product of spaces: one flat output is the concatenation of the parts' flat outputs.

The geometry of a product is that of its parts: its moves are the parts' moves with the part's
first candidate coordinate added to the move's coordinate, so every move names one part. Mixed
spaces (nevergrad's parametrizations, reals next to integers and categories) are products.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import Space

__all__ = ["ProductSpace"]


class ProductSpace(Space):
    """Candidates are the parts' candidates side by side (as floats); outputs likewise."""

    dtype = np.float64

    def __init__(self, parts: Sequence[Space]):
        self.parts = list(parts)
        if not self.parts:
            raise ValueError("a product space needs at least one part")
        for part in self.parts:
            if not isinstance(part, Space):
                raise TypeError(f"every part must be an ovlr_bbo Space, got {type(part).__name__}")
        sizes = [part.output_size for part in self.parts]
        dims = [part.dimension for part in self.parts]
        self._output_starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._coordinate_starts = np.concatenate([[0], np.cumsum(dims)]).astype(np.int64)
        self.dimension = int(self._coordinate_starts[-1])
        self.output_shape = (int(self._output_starts[-1]),)
        self.discrete = all(part.discrete for part in self.parts)
        self.relative_moves = all(part.relative_moves for part in self.parts)
        self.moves_depend_on_point = any(part.moves_depend_on_point for part in self.parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(part) for part in self.parts)})"

    # ------------------------------------------------------------------ per part
    def part_outputs(self, outputs: np.ndarray, k: int) -> np.ndarray:
        """Part ``k``'s outputs ``(batch, *part.output_shape)`` of flat ``outputs``."""
        flat = np.asarray(outputs, dtype=float).reshape(-1, self.output_size)
        part = self.parts[k]
        chunk = flat[:, self._output_starts[k]:self._output_starts[k + 1]]
        return chunk.reshape(-1, *part.output_shape)

    def _locate(self, coordinate: int) -> int:
        return int(np.searchsorted(self._coordinate_starts, coordinate, side="right") - 1)

    # ------------------------------------------------------------------ decoding
    def decode(self, outputs: np.ndarray) -> np.ndarray:
        return np.concatenate([part.decode(self.part_outputs(outputs, k)).astype(float)
                               for k, part in enumerate(self.parts)], axis=1)

    def encode(self, candidates: np.ndarray) -> np.ndarray:
        X = self.validate(candidates)
        chunks = [part.encode(X[:, a:b].astype(part.dtype)).reshape(len(X), -1)
                  for part, a, b in zip(self.parts, self._coordinate_starts[:-1],
                                        self._coordinate_starts[1:], strict=True)]
        return np.concatenate(chunks, axis=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        outputs = [part.encode(part.sample(rng, n)).reshape(n, -1) for part in self.parts]
        return self.decode(np.concatenate(outputs, axis=1))

    # ------------------------------------------------------------------ geometry
    def moves(self, output: np.ndarray) -> np.ndarray:
        chunks = []
        for k, part in enumerate(self.parts):
            part_moves = np.array(part.moves(self.part_outputs(output, k)[0]), dtype=np.int64)
            part_moves[:, 0] += self._coordinate_starts[k]
            chunks.append(part_moves)
        return np.concatenate(chunks, axis=0)

    def move_count(self, output: np.ndarray) -> int:
        return sum(part.move_count(self.part_outputs(output, k)[0])
                   for k, part in enumerate(self.parts))

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        k = self._locate(move[0])
        local = (int(move[0] - self._coordinate_starts[k]), int(move[1]))
        moved = np.array(output, dtype=float).reshape(-1)
        a, b = self._output_starts[k], self._output_starts[k + 1]
        part_output = self.part_outputs(moved, k)[0]
        moved[a:b] = self.parts[k].apply_move(part_output, local, step).reshape(-1)
        return moved

    def position_outputs(self) -> np.ndarray:
        return np.concatenate([part.position_outputs() for part in self.parts])

    def sign_outputs(self) -> np.ndarray:
        return np.concatenate([part.sign_outputs() for part in self.parts])

    def bounded_outputs(self) -> np.ndarray:
        return np.concatenate([part.bounded_outputs() for part in self.parts])

    def flip_output(self, moves: np.ndarray) -> np.ndarray:
        moves = np.asarray(moves, dtype=np.int64)
        flipped = np.full(len(moves), -1, dtype=np.int64)
        owner = np.searchsorted(self._coordinate_starts, moves[:, 0], side="right") - 1
        for k, part in enumerate(self.parts):
            mine = owner == k
            if mine.any():
                local = moves[mine].copy()
                local[:, 0] -= self._coordinate_starts[k]
                index = part.flip_output(local)
                flipped[mine] = np.where(index >= 0, index + self._output_starts[k], -1)
        return flipped

    def relaxation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        bounds = [part.relaxation_bounds() for part in self.parts]
        return (np.concatenate([lower for lower, _ in bounds]),
                np.concatenate([upper for _, upper in bounds]))

    def as_box(self) -> Space | None:
        from .continuous import Box

        boxes = [part.as_box() for part in self.parts]
        if not all(isinstance(box, Box) for box in boxes):
            return None
        scales = {box.scale for box in boxes}  # type: ignore[union-attr]
        if len(scales) != 1:
            return None
        return Box(np.concatenate([box.lb for box in boxes]),  # type: ignore[union-attr]
                   np.concatenate([box.ub for box in boxes]),  # type: ignore[union-attr]
                   scale=scales.pop())

    def value_range(self) -> tuple[np.ndarray, np.ndarray] | None:
        ranges = [part.value_range() for part in self.parts]
        if any(r is None for r in ranges):
            return None
        return (np.concatenate([r[0] for r in ranges]),  # type: ignore[index]
                np.concatenate([r[1] for r in ranges]))  # type: ignore[index]
