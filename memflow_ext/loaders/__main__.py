"""`python -m memflow_ext.loaders check|memory`: check a weights folder, or print the memory estimate."""

from __future__ import annotations

from memflow_ext.loaders.components import check_real_weights
from memflow_ext.loaders.estimate import memory_estimate
from memflow_ext.loaders.tensors import WeightsError


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from memflow_ext.config import ConfigError, load_config
    from memflow_ext.presets import get_preset

    ap = argparse.ArgumentParser(prog="python -m memflow_ext.loaders",
                                 description="Check real weight files, or print the memory estimate.")
    ap.add_argument("command", choices=["check", "memory"])
    ap.add_argument("--config", action="append", default=[], help="YAML config(s), e.g. configs/wan_inference.yaml")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value")
    args = ap.parse_args(argv)
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
    for nbytes, name in ((2, "bfloat16"), (4, "float32")):
        est = memory_estimate(preset, cfg, bytes_per_element=nbytes)
        print(f"[{name}] tokens/frame {est['tokens_per_frame']}")
        for k, v in est.items():
            if k.endswith("_bytes"):
                print(f"  {k:24s} {v:>16,d}  ({v / 2**30:7.2f} GiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
