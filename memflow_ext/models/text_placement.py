"""Where the UMT5 encoder lives and runs: config key `text_encoder_placement`.

The encoder (5.7 B parameters, 10.6 GiB in bfloat16 for UMT5-XXL) runs once per prompt, so it need not
occupy the accelerator between prompts:

- ``device`` (default): weights on the accelerator, the encoder runs there (the historical behaviour);
- ``cpu``: weights stay on the host and the encoder runs there, in the encoder's dtype; only the
  embeddings and their masks move to the accelerator;
- ``offload``: weights stay on the host; the token embedding lookup runs on the host, then every
  encoder block (and the final norm) is copied to the accelerator just before it runs and its copy
  is dropped right after, so the accelerator never holds more than one block of the encoder. A prompt
  switch in the middle of a stream therefore adds one block (~0.4 GiB for UMT5-XXL in bfloat16), not the
  whole encoder, to a device that already holds the DiT and the caches.

The three give the same embeddings up to the arithmetic of the device that runs each layer (on a
machine without a GPU every device is the CPU and they are identical). Every transfer is written to
`TextPlacement.moves`, so the placement logic can be checked where host and accelerator are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch

__all__ = ["PLACEMENTS", "Move", "TextPlacement", "module_bytes"]

PLACEMENTS = ("device", "cpu", "offload")
HOST = torch.device("cpu")


@dataclass(frozen=True)
class Move:
    """One transfer of the placement logic: `what` went from `source` to `target` (`nbytes` bytes).

    `what` is an encoder unit (``encoder.block.3``, ``encoder.final_layer_norm``) moved in, a unit
    ``dropped`` from the device (target is then the host, where its weights always stayed), or the
    per-prompt tensors (``hidden_states``, ``attention_mask``, ``embeddings``)."""

    what: str
    source: str
    target: str
    nbytes: int
    dropped: bool = False


def module_bytes(module: torch.nn.Module) -> int:
    """Bytes of a module's parameters and buffers (each tensor once), counting the inner tensors of a
    tensor subclass (a quantized weight reports its outer dtype's size otherwise)."""
    from memflow_ext.models.quantize import tensor_bytes

    seen: set[int] = set()
    total = 0
    for t in (*module.parameters(), *module.buffers()):
        if id(t) not in seen:
            seen.add(id(t))
            total += tensor_bytes(t)
    return total


@dataclass
class TextPlacement:
    """The placement of one text encoder: where its weights live and where each part runs."""

    placement: str = "device"
    device: torch.device = field(default_factory=lambda: HOST)  # the accelerator the embeddings are for
    moves: list[Move] = field(default_factory=list)
    peak_device_bytes: int = 0  # most encoder weight bytes held on `device` at once by an offloaded encode

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise ValueError(f"text_encoder_placement='{self.placement}' is not one of {', '.join(PLACEMENTS)}")
        self.device = torch.device(self.device)

    @property
    def weights_device(self) -> torch.device:
        """Where the encoder's weights are kept between encodes."""
        return self.device if self.placement == "device" else HOST

    @property
    def input_device(self) -> torch.device:
        """Where token ids go: the device of the embedding lookup."""
        return self.weights_device

    def _record(self, what: str, t: torch.Tensor, target: torch.device) -> torch.Tensor:
        self.moves.append(Move(what, str(t.device), str(target), t.numel() * t.element_size()))
        return t.to(target)

    def run(self, model: Any, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(hidden states [B, L, d_model], mask [B, L]) on `self.device` for token ids on `input_device`.

        `model` is a transformers `UMT5EncoderModel` (typed Any: its submodules are reached by name)."""
        if self.placement == "device":
            return model(input_ids=ids, attention_mask=mask).last_hidden_state, mask
        if self.placement == "cpu":
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            return self._record("embeddings", hidden, self.device), self._record("attention_mask", mask, self.device)
        encoder = model.encoder
        hidden = self._record("hidden_states", encoder.embed_tokens(ids), self.device)
        mask = self._record("attention_mask", mask, self.device)
        with self._offloaded(encoder):
            out = encoder(inputs_embeds=hidden, attention_mask=mask).last_hidden_state
        return out, mask

    @contextmanager
    def _offloaded(self, encoder: Any) -> Iterator[None]:
        """Every block and the final norm moved to the device right before it runs, dropped right after."""
        units = [(f"encoder.block.{i}", b) for i, b in enumerate(encoder.block)]
        units.append(("encoder.final_layer_norm", encoder.final_layer_norm))
        handles = []
        for name, unit in units:
            handles.append(unit.register_forward_pre_hook(self._bring_in(name)))
            handles.append(unit.register_forward_hook(self._drop(name)))
        self._held: dict[str, dict[str, torch.Tensor]] = {}
        self._resident = 0
        try:
            yield
        finally:
            for h in handles:
                h.remove()
            for name, unit in units:  # a failed encode must not leave a unit on the device
                if name in self._held:
                    self._restore(name, unit)

    def _bring_in(self, name: str) -> Callable[[torch.nn.Module, object], None]:
        def hook(unit: torch.nn.Module, args: object) -> None:
            host = {n: p.data for n, p in unit.named_parameters()}
            self._held[name] = host
            nbytes = module_bytes(unit)
            for p in unit.parameters():
                p.data = p.data.to(self.device, non_blocking=True)
            self.moves.append(Move(name, str(HOST), str(self.device), nbytes))
            self._resident += nbytes
            self.peak_device_bytes = max(self.peak_device_bytes, self._resident)

        return hook

    def _drop(self, name: str) -> Callable[[torch.nn.Module, object, object], None]:
        def hook(unit: torch.nn.Module, args: object, output: object) -> None:
            self._restore(name, unit)

        return hook

    def _restore(self, name: str, unit: torch.nn.Module) -> None:
        host = self._held.pop(name)
        nbytes = module_bytes(unit)
        for n, p in unit.named_parameters():
            p.data = host[n]  # the device copy has no other reference: it is freed here
        self.moves.append(Move(name, str(self.device), str(HOST), nbytes, dropped=True))
        self._resident -= nbytes
