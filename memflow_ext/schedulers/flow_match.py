"""Flow-matching schedule of MemFlow / Self-Forcing, with shift and warped denoising steps.

diffusers' `FlowMatchEulerDiscreteScheduler` builds its sigma table from
`linspace(1, 1/N, N)`-style timesteps and applies the shift in float64 numpy, while MemFlow builds a
float32 `linspace(1, 0, N + 1)[:-1]` table ("extra one step") and looks timesteps up by nearest
neighbour. The two tables differ in the last bits, and the golden numbers depend on those bits, so
the handful of lines below reproduce MemFlow's table exactly instead (checked against
`sched_sigmas` / `sched_timesteps` in the golden components).
"""

from __future__ import annotations

import torch


class FlowMatchSchedule:
    """Sigma/timestep table plus the three operations the streaming sampler needs."""

    def __init__(self, shift: float, num_train_timesteps: int = 1000, sigma_max: float = 1.0,
                 sigma_min: float = 0.0) -> None:
        self.shift = shift
        self.num_train_timesteps = num_train_timesteps
        sigmas = torch.linspace(sigma_max, sigma_min, num_train_timesteps + 1)[:-1]
        sigmas = shift * sigmas / (1 + (shift - 1) * sigmas)
        self.sigmas = sigmas  # float32 [N]
        self.timesteps = sigmas * num_train_timesteps  # float32 [N]

    def training_weights(self) -> torch.Tensor:
        """MemFlow's `linear_timesteps_weights` (bell-shaped, normalised); kept for parity checks."""
        n = self.num_train_timesteps
        x = self.timesteps
        y = torch.exp(-2 * ((x - n / 2) / n) ** 2)
        y_shifted = y - y.min()
        return y_shifted * (n / y_shifted.sum())

    def warp(self, steps: list[int] | torch.Tensor) -> torch.Tensor:
        """Map nominal steps (1000, 750, ...) onto the shifted table: timesteps[N - step]."""
        table = torch.cat([self.timesteps, torch.zeros(1, dtype=self.timesteps.dtype)])
        idx = self.num_train_timesteps - torch.as_tensor(steps, dtype=torch.long)
        return table[idx]

    def sampler_timesteps(self, steps: list[int], warp: bool) -> torch.Tensor:
        """The timesteps the streaming sampler evaluates (`denoising_step_list`, warped onto the shifted
        table when `warp_denoising_step`); training draws its noise levels from the same list."""
        steps_t = torch.as_tensor(list(steps), dtype=torch.long)
        return self.warp(steps_t) if warp else steps_t.to(torch.float32)

    def lookup_index(self, timestep: torch.Tensor, dtype: torch.dtype = torch.float64) -> torch.Tensor:
        """Nearest table index; upstream compares in float64 for x0, in float32 for re-noising."""
        ts = self.timesteps.to(device=timestep.device, dtype=dtype)
        return torch.argmin((ts.unsqueeze(0) - timestep.to(dtype).reshape(-1, 1)).abs(), dim=1)

    def sigma_at(self, timestep: torch.Tensor) -> torch.Tensor:
        """Nearest-timestep sigma (float32), one per entry of `timestep`."""
        return self.sigmas.to(timestep.device)[self.lookup_index(timestep, torch.float32)]

    def flow_to_x0(self, flow: torch.Tensor, xt: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        """x0 = x_t - sigma(t) * flow, in float64 like upstream; flow/xt [N, ...], timestep [N]."""
        sig = self.sigmas.to(device=flow.device, dtype=torch.float64)[self.lookup_index(timestep)]
        sig = sig.reshape(-1, *([1] * (flow.dim() - 1)))
        return (xt.double() - sig * flow.double()).to(flow.dtype)

    def implied_noise(self, xt: torch.Tensor, x0: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        """eps with xt = (1 - sigma) * x0 + sigma * eps (the deterministic sampler's noise); [N, ...], [N]."""
        sig = self.sigma_at(timestep).reshape(-1, *([1] * (x0.dim() - 1))).to(torch.float32)
        return ((xt.float() - (1 - sig) * x0.float()) / sig).type_as(x0)

    def add_noise(self, x0: torch.Tensor, noise: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        """(1 - sigma) * x0 + sigma * noise in float32 (re-noising between denoising steps)."""
        sig = self.sigma_at(timestep).reshape(-1, *([1] * (x0.dim() - 1)))
        return ((1 - sig) * x0 + sig * noise).type_as(noise)
