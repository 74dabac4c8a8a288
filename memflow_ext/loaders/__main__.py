"""`python -m memflow_ext.loaders check|memory`: check a weights folder, or print the memory ledger.

    python -m memflow_ext.loaders memory --config configs/wan_interactive_inference.yaml [--json OUT] \
        [--plugins agent,memory,profile] [text_encoder_placement=cpu quantize=int8 ...]

`memory` prints what the accelerator and the host must hold (`memflow_ext.loaders.ledger`) and, with
`--json`, writes it; it builds nothing and needs no GPU (fp8 is accepted: the ledger only computes).
"""

from __future__ import annotations

from memflow_ext.loaders.components import check_real_weights
from memflow_ext.loaders.tensors import WeightsError


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys
    from pathlib import Path

    from hooks.manager import PluginError
    from memflow_ext.config import ConfigError, load_config
    from memflow_ext.presets import get_preset

    ap = argparse.ArgumentParser(prog="python -m memflow_ext.loaders",
                                 description="Check real weight files, or print the memory estimate.")
    ap.add_argument("command", choices=["check", "memory"])
    ap.add_argument("--config", action="append", default=[], help="YAML config(s), e.g. configs/wan_inference.yaml")
    ap.add_argument("--json", type=Path, default=None, help="memory: also write the ledger as JSON here")
    ap.add_argument("--plugins", default=None,
                    help="memory: plugins whose buffers count (comma-separated, 'none'; default: the config's)")
    ap.add_argument("--mode", choices=["batch", "stream"], default="batch",
                    help="memory: the run whose peak accelerator_bytes gives: batch (generate: decode after the "
                         "diffusion, the CLIs) or stream (decode per block, the live server); both are printed")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value")
    args = ap.parse_intermixed_args(argv)  # key=value overrides may come before or after options
    try:
        defaults = [] if args.config else ["preset=wan2.1-t2v-1.3b"]
        cfg = load_config(args.config, [*defaults, *args.overrides])
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    preset = get_preset(cfg.preset)
    if args.command == "check":
        try:
            files = check_real_weights(cfg, preset)
        except (WeightsError, FileNotFoundError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"OK: every file fits preset '{preset.name}'")
        for p in [*files.dit, files.dit_config, files.generator_ckpt, files.lora_ckpt, files.t5, files.vae,
                  files.tokenizer]:
            if p is not None:
                print(f"  {p}")
        return 0
    from memflow_ext.io_utils import atomic_write_json
    from memflow_ext.loaders.ledger import format_ledger, memory_ledger

    plugins = None
    if args.plugins is not None:
        plugins = [] if args.plugins.strip() == "none" else [n.strip() for n in args.plugins.split(",") if n.strip()]
    try:
        ledger = memory_ledger(cfg, plugins=plugins, mode=args.mode)
    except (PluginError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(format_ledger(ledger))
    if args.json is not None:
        atomic_write_json(args.json, ledger)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
