"""Command-line front end shared by `agent_inference.py` and `agent_interactive_inference.py`.

Config = `configs/<name>.yaml` merged onto the typed defaults, then `key=value` overrides.
Prompts come from `data_path` (see `prompt_files.py`) or from the config's `prompts`. Every input
is validated before any work starts; the batch itself runs in `batch.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loguru import logger

from hooks.manager import PluginError, build_plugin_manager
from memflow_ext.app.batch import device_for_rank, dist_from_env, exit_code, init_distributed, run_batch, setup_logging
from memflow_ext.app.prompt_files import Job, make_jobs, read_prompt_file, select, stories_from_config
from memflow_ext.config import ConfigError, IAMFlowConfig, load_config, to_yaml
from memflow_ext.io_utils import atomic_write_text

REPO_ROOT = Path(__file__).resolve().parents[2]


def build_parser(prog: str, description: str, default_config: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--config", default=str(REPO_ROOT / "configs" / default_config),
                    help=f"YAML config (default: configs/{default_config})")
    ap.add_argument("--plugins", default=None,
                    help="comma-separated plugins (agent,memory,profile) or 'none' for the MemFlow baseline; "
                         "overrides the config's `plugins`")
    ap.add_argument("--data-path", default=None, help="prompt file (.txt or .jsonl); overrides `data_path`")
    ap.add_argument("--start", type=int, default=0, help="first line of the prompt file to generate")
    ap.add_argument("--limit", type=int, default=None, help="number of lines to generate")
    ap.add_argument("--skip-invalid", action="store_true",
                    help="generate the valid lines of the prompt file and record the invalid ones in run.json")
    ap.add_argument("--quiet", action="store_true", help="no progress bars, warnings only")
    ap.add_argument("--compare-baseline", action="store_true",
                    help="also run the MemFlow baseline on the same inputs and seed")
    ap.add_argument("--repeats", type=int, default=6,
                    help="--compare-baseline: timed rounds of both arms after a warm-up (default 6, the fewest "
                         "that give a 95%% interval of the median overhead)")
    ap.add_argument("overrides", nargs="*", help="config overrides key=value (OmegaConf dotlist)")
    return ap


def parse_plugins(arg: str | None, cfg: IAMFlowConfig) -> list[str]:
    """The CLI's --plugins wins over the config's `plugins`; 'none' means the baseline."""
    raw = arg if arg is not None else ",".join(cfg.plugins)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if names == ["none"] or not names:
        return []
    if "none" in names:
        raise ConfigError(f"--plugins '{raw}': 'none' cannot be combined with other plugins")
    return names


def load_jobs(cfg: IAMFlowConfig, interactive: bool, start: int, limit: int | None, skip_invalid: bool
              ) -> tuple[list[Job], list[dict]]:
    """Parse and validate every selected input line before anything is generated.

    Returns the jobs and the invalid lines skipped (only with `skip_invalid`; otherwise any invalid
    line is a ConfigError listing all of them).
    """
    if cfg.data_path:
        parsed = read_prompt_file(Path(cfg.data_path), cfg, interactive)
        source = str(cfg.data_path)
    else:
        parsed = stories_from_config(cfg, interactive)
        source = "config prompts"
    parsed = select(parsed, start, limit)
    skipped = []
    if parsed.errors:
        if not skip_invalid:
            raise ConfigError(f"invalid input ({len(parsed.errors)} line(s); nothing was generated; "
                              f"--skip-invalid generates the valid ones):\n" + parsed.error_text(source))
        skipped = [{"line": line, "error": msg} for line, msg in parsed.errors]
        logger.warning(f"skipping {len(skipped)} invalid line(s):\n" + parsed.error_text(source))
    return make_jobs(parsed.stories, cfg), skipped


def main(argv: list[str] | None, *, interactive: bool, prog: str, description: str, default_config: str) -> int:
    ap = build_parser(prog, description, default_config)
    args = ap.parse_intermixed_args(argv)  # key=value overrides may come before or after options
    info = dist_from_env()
    logger.remove()
    logger.add(sys.stderr, level="WARNING" if args.quiet or not info.is_main else "INFO")
    try:
        overrides = list(args.overrides)
        if args.data_path:
            overrides.append(f"data_path={args.data_path}")
        cfg = load_config([args.config], overrides)
        plugins = parse_plugins(args.plugins, cfg)
        pm = build_plugin_manager(plugins, cfg) if plugins else None
        jobs, skipped = load_jobs(cfg, interactive, args.start, args.limit, args.skip_invalid)
    except (ConfigError, PluginError) as e:
        logger.error(str(e))
        return 2
    if args.compare_baseline:
        from memflow_ext.app.compare import run_comparison

        return run_comparison(cfg, plugins, jobs, interactive=interactive, quiet=args.quiet, repeats=args.repeats)

    from memflow_ext.pipelines.builder import build_pipeline

    out_root = Path(cfg.output_folder)
    init_distributed(info)
    cfg.device = device_for_rank(cfg, info)
    from memflow_ext.loaders import WeightsError

    try:
        if pm is not None:
            from memflow_ext.pipelines.iam import IAMPipeline

            pipe = build_pipeline(cfg, IAMPipeline, plugin_manager=pm)
        else:
            pipe = build_pipeline(cfg)
    except (WeightsError, FileNotFoundError) as e:  # a missing or wrong weight file: stop before generating
        logger.error(str(e))
        return 2
    out_root.mkdir(parents=True, exist_ok=True)
    setup_logging(out_root, info, args.quiet)
    if info.is_main:
        atomic_write_text(out_root / "config.yaml", to_yaml(cfg))
    return exit_code(lambda: run_batch(pipe, cfg, jobs, out_root, interactive, info, quiet=args.quiet,
                                       skipped_invalid=skipped),
                     "finished videos are kept; rerun the same command to resume")
