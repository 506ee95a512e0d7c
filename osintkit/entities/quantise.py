"""int8 linear layers for the entity model, with each layer's input range pinned by calibration.

Why still ``torch.ao.quantization``: torch 2.13 marks it deprecated and names torchao's ``quantize_`` as the
replacement, but torchao is a separate package (a new dependency with its own torch pins), and core torch offers
no supported dynamic-int8 linear on CPU besides this one. Dropping int8 instead would change every tagging result.
Measured 2026-12-05 on an idle 2-core machine (``python -m benchmarks --only tagging``): int8 tags 552
sentences/s against 261 for fp32 (2.1x), for news-like micro-F1 0.779 against 0.787 (wikigold+re3d test; the
95% interval over its 47 documents is 0.13 wide), so int8 stays the default. An earlier run on 300 sentences with
the cores shared (load average 12) showed int8 slower (70.8 s against 32.5 s): under contention the timing says
nothing. Moving to torchao waits until it is worth a new dependency. Until then the two deprecation
warnings are filtered here, by message, around the one call that raises them; any other warning reaches the user.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = [
    "CALIBRATION_FILE",
    "INT8_WIDTH_STEP",
    "calibration_sha256",
    "calibration_texts",
    "linear_input_ranges",
    "quantize_linears",
]

CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.txt"
# int8 windows are padded to a multiple of this many pieces and batched only with windows of the same padded width.
INT8_WIDTH_STEP = 2
# The two warnings torch 2.13 raises for dynamic int8 (see the module docstring), matched from their start.
_DEPRECATION_MESSAGES = (
    (DeprecationWarning, r"torch\.ao\.quantization is deprecated"),
    (UserWarning, r"torch\.quantize_per_tensor, torch\.quantize_per_channel and other quantized tensor creation"),
)


def _pinned_int8_class() -> type[nn.Module]:
    import torch
    from torch import nn

    class PinnedRangeInt8Linear(nn.Module):
        """A dynamic int8 linear layer whose activation range is fixed by calibration instead of measured per batch.

        Why: dynamic quantisation takes its scale from the min and max of the whole input tensor, so a sentence's
        result depended on the other sentences in its batch, and a resumed or Dask run did not reproduce a local
        one. Clamping to the calibrated range and appending one row that holds both ends pins the scale, so each
        row is computed exactly as it would be on its own.
        """

        def __init__(self, qlinear: nn.Module, low: float, high: float, in_features: int) -> None:
            super().__init__()
            self.qlinear = qlinear
            self.low, self.high = low, high
            pin = torch.zeros(1, in_features)
            pin[0, 0], pin[0, 1 % in_features] = high, low
            self.pin: torch.Tensor
            self.register_buffer("pin", pin)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            shape = x.shape
            flat = torch.cat([x.reshape(-1, shape[-1]), self.pin]).clamp_(self.low, self.high)
            y: torch.Tensor = self.qlinear(flat)[:-1]
            return y.reshape(*shape[:-1], y.shape[-1])

    return PinnedRangeInt8Linear


def calibration_sha256() -> str:
    """SHA-256 of the shipped calibration text: stored int8 ranges are used only while it is unchanged."""
    return hashlib.sha256(CALIBRATION_FILE.read_bytes()).hexdigest()


def calibration_texts(calibration: Sequence[str] | None = None) -> list[str]:
    """The non-blank calibration texts: ``calibration``, or the news-style sentences in ``data/calibration.txt``."""
    texts = list(calibration) if calibration is not None else CALIBRATION_FILE.read_text("utf-8").splitlines()
    return [t for t in texts if t.strip()]


def linear_input_ranges(module: nn.Module, run: Callable[[], object]) -> dict[str, tuple[float, float]]:
    """The (min, max) input of every linear layer of ``module`` while ``run()`` drives it (always spanning 0)."""
    import torch
    from torch import nn

    ranges: dict[str, tuple[float, float]] = {}

    def record(name: str) -> Callable[[nn.Module, tuple[torch.Tensor, ...], torch.Tensor], None]:
        def hook(_module: nn.Module, inputs: tuple[torch.Tensor, ...], _output: torch.Tensor) -> None:
            lo, hi = (float(v) for v in torch.aminmax(inputs[0]))
            old = ranges.get(name, (0.0, 0.0))
            ranges[name] = (min(old[0], lo), max(old[1], hi))

        return hook

    handles = [m.register_forward_hook(record(n)) for n, m in module.named_modules() if isinstance(m, nn.Linear)]
    try:
        run()
    finally:
        for h in handles:
            h.remove()
    return ranges


def quantize_linears(module: nn.Module, ranges: dict[str, tuple[float, float]], *, inplace: bool) -> nn.Module:
    """``module`` with every linear layer in int8 and its input pinned to ``ranges`` (one entry per linear layer).

    Per output channel: one weight scale per row instead of per matrix keeps small rows precise (measured: +1 point
    of news F1 against per-tensor weights, for a few percent of speed).
    """
    import torch
    from torch import nn

    in_features = {name: m.in_features for name, m in module.named_modules() if isinstance(m, nn.Linear)}
    with warnings.catch_warnings():
        for category, message in _DEPRECATION_MESSAGES:
            warnings.filterwarnings("ignore", message=message, category=category)
        spec = {nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        qmodel: nn.Module = torch.ao.quantization.quantize_dynamic(module, spec, dtype=torch.qint8, inplace=inplace)
    pinned = _pinned_int8_class()
    for name, (lo, hi) in ranges.items():
        parent_path, _, child = name.rpartition(".")
        parent = qmodel.get_submodule(parent_path)
        setattr(parent, child, pinned(getattr(parent, child), lo, hi, in_features[name]))
    return qmodel
