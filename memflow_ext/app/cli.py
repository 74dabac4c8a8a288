"""Command-line front end shared by `agent_inference.py` and `agent_interactive_inference.py`.

Config = `configs/<name>.yaml` merged onto the typed defaults, then `key=value` overrides.
Prompts come from `data_path` (see `prompt_files.py`) or from the config's `prompts`. Every input
is validated before any work starts; the batch itself runs in `batch.py`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from loguru import logger

from hooks.manager import PluginError, build_plugin_manager
from memflow_ext.app.batch import (
    Terminated,
    check_folders,
    check_videos,
    device_for_rank,
    dist_from_env,
    exit_code,
    handle_sigterm,
    init_distributed,
    run_batch,
    setup_logging,
)
from memflow_ext.app.fingerprint import run_fingerprint
from memflow_ext.app.prompt_files import Job, make_jobs, read_prompt_file, select, stories_from_config
from memflow_ext.config import ConfigError, IAMFlowConfig, check_allow_origins, load_config, to_yaml
from memflow_ext.io_utils import atomic_write_text

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN_ENV = "IAMFLOW_LIVE_TOKEN"
PLUGINS_PLACEHOLDER = "{plugins}"  # in output_folder: the plugin set ("agent-memory-profile", or "none")


def build_parser(prog: str, description: str, default_config: str) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--config", default=str(REPO_ROOT / "configs" / default_config),
                    help=f"YAML config (default: configs/{default_config})")
    ap.add_argument("--plugins", default=None,
                    help="comma-separated plugins (agent,memory,profile) or 'none' for the MemFlow baseline; "
                         "overrides the config's `plugins`")
    ap.add_argument("--data-path", default=None, help="prompt file (.txt or .jsonl); overrides `data_path`")
    ap.add_argument("--start", type=int, default=0,
                    help="first entry to generate, counted from 0 over the prompt file's non-blank lines "
                         "(a .txt prompt or a .jsonl story each); blank lines are not counted")
    ap.add_argument("--limit", type=int, default=None, help="number of entries to generate")
    ap.add_argument("--skip-invalid", action="store_true",
                    help="generate the valid lines of the prompt file and record the invalid ones in run.json")
    ap.add_argument("--quiet", action="store_true", help="no progress bars, warnings only")
    ap.add_argument("--compare-baseline", action="store_true",
                    help="also run the MemFlow baseline on the same inputs and seed")
    ap.add_argument("--repeats", type=int, default=6,
                    help="--compare-baseline: timed rounds of both arms after a warm-up (default 6, the fewest "
                         "that give a 95%% interval of the median overhead)")
    ap.add_argument("--overwrite", action="store_true",
                    help="regenerate finished videos whose recorded inputs differ (without it such a folder stops "
                         "the run with exit code 2); the old folder is replaced only when the new one is complete")
    ap.add_argument("--debug", action="store_true", help="show Python tracebacks for input errors")
    live = ap.add_argument_group("live mode", "steer a streaming video from a web page (see docs/live.md)")
    live.add_argument("--serve", action="store_true",
                      help="serve the live page (GET /) and its WebSocket (/ws) until Ctrl-C; each stream is saved "
                           "in <output_folder>/live/<stream id>/")
    live.add_argument("--host", default=None, help="--serve: address to listen on (default live.host, 127.0.0.1)")
    live.add_argument("--port", type=int, default=None, help="--serve: port (default live.port, 7860)")
    live.add_argument("--token", default=None,
                      help="--serve: the secret clients must give (/ws?token=..., page /?token=...); required to "
                           f"listen beyond loopback (default: ${TOKEN_ENV})")
    live.add_argument("--allow-origin", action="append", default=None, metavar="URL",
                      help="--serve: a web origin (scheme://host[:port]) whose pages may also open the WebSocket; "
                           "repeatable, added to live.allow_origins (the server's own page is always allowed)")
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
    entries = len({s.line for s in parsed.stories} | {line for line, _ in parsed.errors})
    if start >= entries > 0:
        raise ConfigError(f"--start={start}: {source} has {entries} entr{'y' if entries == 1 else 'ies'} "
                          f"(counted from 0; blank lines do not count), so there is nothing to generate; "
                          f"valid: 0..{entries - 1}")
    parsed = select(parsed, start, limit)
    skipped = []
    if parsed.errors:
        if not skip_invalid:
            raise ConfigError(f"invalid input ({len(parsed.errors)} line(s); nothing was generated; "
                              f"--skip-invalid generates the valid ones):\n" + parsed.error_text(source))
        skipped = [{"line": line, "error": msg} for line, msg in parsed.errors]
        logger.warning(f"skipping {len(skipped)} invalid line(s):\n" + parsed.error_text(source))
    return make_jobs(parsed.stories, cfg), skipped


def plugin_tag(plugins: list[str]) -> str:
    return "-".join(plugins) if plugins else "none"


def check_output_folder(folder: Path) -> None:
    """The output folder must be a folder (or creatable as one) that this process can write."""
    p = folder.absolute()
    q = p
    while not q.exists() and q.parent != q:
        q = q.parent
    if not q.is_dir():
        where = "is a file" if q == p else f"cannot be created: {q} is a file"
        raise ConfigError(f"output_folder={folder} {where}; set output_folder to a folder path")
    if not os.access(q, os.W_OK | os.X_OK):
        raise ConfigError(f"output_folder={folder}: {q} is not writable by this user; set output_folder to a "
                          "writable folder")


def check_weights(cfg: IAMFlowConfig) -> None:
    """Weights keys with a random-weight preset are a mistake, not something to ignore."""
    from memflow_ext.presets import get_preset

    preset = get_preset(cfg.preset)
    if preset.random_weights:
        given = [k for k in ("weights_dir", "generator_ckpt", "lora_ckpt") if getattr(cfg, k)]
        if given:
            raise ConfigError(f"{', '.join(given)} set, but preset '{cfg.preset}' has random weights and reads no "
                              f"files; use preset=wan2.1-t2v-1.3b for real weights, or unset {', '.join(given)}")


def check_device(cfg: IAMFlowConfig) -> str:
    """The device type the run will use; a device this machine lacks, or a `quantize` mode it cannot run
    (fp8 off a recent CUDA GPU), is a ConfigError."""
    from memflow_ext.models.quantize import check_quantize
    from memflow_ext.pipelines.builder import resolve_device

    try:
        device = resolve_device(cfg.device)
        check_quantize(cfg.quantize, device)
        return device.type
    except (RuntimeError, ValueError) as e:
        raise ConfigError(str(e).splitlines()[0]) from None


def prepare(args: argparse.Namespace, interactive: bool) -> dict[str, Any]:
    """Every check that needs no model: config, plugins, inputs, device, weights files, output folder and
    the finished folders' recorded inputs. Raises on the first problem (the CLI exits with code 2)."""
    if getattr(args, "compare_baseline", False) and args.repeats < 1:
        raise ConfigError(f"--repeats must be >= 1, got {args.repeats}")
    serve = getattr(args, "serve", False)
    if serve:
        check_serve_args(args)
    elif any(getattr(args, k, None) is not None for k in ("host", "port", "token", "allow_origin")):
        raise ConfigError("--host, --port, --token and --allow-origin are options of --serve (live mode)")
    overrides = list(args.overrides)
    if serve and args.host is not None:
        overrides.append(f"live.host={args.host}")
    if serve and args.port is not None:
        overrides.append(f"live.port={args.port}")
    if args.data_path:
        overrides.append(f"data_path={args.data_path}")
    cfg = load_config([args.config], overrides)
    if serve and args.allow_origin:
        check_allow_origins(args.allow_origin, where="--allow-origin")
        cfg.live.allow_origins = [*cfg.live.allow_origins, *args.allow_origin]
    plugins = parse_plugins(args.plugins, cfg)
    cfg.plugins = list(plugins)  # the records (config.yaml, run.json) name the plugins that run
    if PLUGINS_PLACEHOLDER in cfg.output_folder:
        cfg.output_folder = cfg.output_folder.replace(PLUGINS_PLACEHOLDER, plugin_tag(plugins))
    try:
        pm = build_plugin_manager(plugins, cfg) if plugins else None
    except ConfigError:
        raise
    except ValueError as e:  # a plugin's own config check (e.g. agent.backend)
        raise ConfigError(str(e).splitlines()[0]) from None
    token = None
    if serve:
        from memflow_ext.app.live.server import check_bind

        token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
        check_bind(cfg.live.host, token)
        jobs: list[Job] = []
        skipped: list[dict[str, Any]] = []
    else:
        jobs, skipped = load_jobs(cfg, interactive, args.start, args.limit, args.skip_invalid)
    device = check_device(cfg)
    check_weights(cfg)
    from hooks.manager import known_plugins
    from memflow_ext.loaders import WeightsError

    try:
        run_fp = run_fingerprint(cfg, plugins, device=device, compare_baseline=args.compare_baseline,
                                 known_plugins=known_plugins())  # locates (and checks) every weights file
    except (WeightsError, FileNotFoundError) as e:
        raise ConfigError(str(e)) from None
    out_root = Path(cfg.output_folder)
    check_output_folder(out_root)
    plan = check_folders(jobs, out_root, run_fp, args.overwrite)
    return {"cfg": cfg, "plugins": plugins, "pm": pm, "jobs": jobs, "skipped": skipped, "run_fp": run_fp,
            "out_root": out_root, "plan": plan, "token": token}


def check_serve_args(args: argparse.Namespace) -> None:
    """Batch options mean nothing to a server: refuse them rather than ignore them."""
    given = [flag for flag, on in (("--compare-baseline", args.compare_baseline), ("--data-path", args.data_path),
                                   ("--start", args.start != 0), ("--limit", args.limit is not None),
                                   ("--skip-invalid", args.skip_invalid), ("--overwrite", args.overwrite)) if on]
    if given:
        raise ConfigError(f"--serve takes its prompts from the page; {', '.join(given)} "
                          f"{'is a batch option' if len(given) == 1 else 'are batch options'}: drop "
                          f"{'it' if len(given) == 1 else 'them'}")
    if dist_from_env().world > 1:
        raise ConfigError("--serve runs in one process; start it without torchrun")


def redact_argv(argv: list[str]) -> list[str]:
    """The command line as recorded in run.json, without the --token value."""
    out, hide = [], False
    for a in argv:
        if hide:
            out.append("***")
            hide = False
        elif a == "--token":
            out.append(a)
            hide = True
        elif a.startswith("--token="):
            out.append("--token=***")
        else:
            out.append(a)
    return out


def make_pipeline(cfg: IAMFlowConfig, pm: Any) -> Any:
    """The plugin-aware pipeline when plugins run, plain MemFlow otherwise."""
    from memflow_ext.pipelines.builder import build_pipeline

    if pm is not None:
        from memflow_ext.pipelines.iam import IAMPipeline

        return build_pipeline(cfg, IAMPipeline, plugin_manager=pm)
    return build_pipeline(cfg)


def serve(p: dict[str, Any], interactive: bool, *, quiet: bool, argv: list[str]) -> int:
    """Live mode: bind, build the model, serve until Ctrl-C / SIGTERM (the stream in progress is saved)."""
    from memflow_ext.app.live.server import bind, open_service, run_server
    from memflow_ext.loaders import WeightsError

    cfg = p["cfg"]
    try:
        sock = bind(cfg.live.host, cfg.live.port)
    except ConfigError as e:
        logger.error(str(e))
        return 2
    try:
        pipe = make_pipeline(cfg, p["pm"])
    except (WeightsError, FileNotFoundError) as e:
        logger.error(str(e))
        sock.close()
        return 2
    except KeyboardInterrupt as e:
        logger.error("interrupted while loading the model; nothing was generated")
        sock.close()
        return 143 if isinstance(e, Terminated) else 130
    service = open_service(pipe, cfg, p["out_root"], p["run_fp"], p["plugins"], interactive, argv)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"live mode on http://{shown}:{port}/{'?token=...' if p['token'] else ''} "
          f"(plugins: {plugin_tag(p['plugins'])}; streams saved in {service.ctx.live_root.resolve()}); "
          "Ctrl-C stops after saving the stream in progress", flush=True)
    run_server(service, sock, p["token"], log_level="warning" if quiet else "info")
    return 0


def main(argv: list[str] | None, *, interactive: bool, prog: str, description: str, default_config: str) -> int:
    ap = build_parser(prog, description, default_config)
    args = ap.parse_intermixed_args(argv)  # key=value overrides may come before or after options
    info = dist_from_env()
    logger.remove()
    logger.add(sys.stderr, level="WARNING" if args.quiet or not info.is_main else "INFO")
    handle_sigterm()
    try:
        p = prepare(args, interactive)
    except (ConfigError, PluginError) as e:
        if args.debug:
            logger.exception(str(e))
        else:
            logger.error(str(e))
        return 2
    except Exception as e:  # bad input must not end in a traceback; --debug shows it
        if args.debug:
            logger.exception(f"{type(e).__name__}: {e}")
        else:
            logger.error(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} "
                         "(--debug shows the traceback)")
        return 2
    cfg, plugins, pm, jobs, skipped, out_root = (p[k] for k in ("cfg", "plugins", "pm", "jobs", "skipped",
                                                               "out_root"))
    try:  # the last check: create the folder and write into it
        out_root.mkdir(parents=True, exist_ok=True)
        probe = out_root / f".write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        logger.error(f"output_folder={out_root}: cannot write there ({e.strerror}); set output_folder to a "
                     "writable folder")
        return 2
    if info.is_main and not args.serve:
        logger.info(f"outputs: {out_root.resolve()} ({len(jobs)} video(s), plugins: {plugin_tag(plugins)})")
    if args.serve:
        return serve(p, interactive, quiet=args.quiet, argv=redact_argv(list(sys.argv if argv is None else argv)))
    if args.compare_baseline:
        from memflow_ext.app.compare import run_comparison

        return run_comparison(cfg, plugins, jobs, interactive=interactive, quiet=args.quiet, repeats=args.repeats,
                              run_fp=p["run_fp"])


    init_distributed(info)
    cfg.device = device_for_rank(cfg, info)
    from memflow_ext.loaders import WeightsError

    try:
        if jobs and all(v == "skip" for v in p["plan"].values()):
            pipe = None  # every video is finished with the same inputs: no model needed
        else:
            pipe = make_pipeline(cfg, pm)
    except (WeightsError, FileNotFoundError) as e:  # a missing or wrong weight file: stop before generating
        logger.error(str(e))
        return 2
    except KeyboardInterrupt as e:
        logger.error("interrupted while loading the model; nothing was generated")
        return 143 if isinstance(e, Terminated) else 130
    setup_logging(out_root, info, args.quiet)

    def batch() -> None:
        if info.is_main:
            atomic_write_text(out_root / "config.yaml", to_yaml(cfg))
        check_videos(run_batch(pipe, cfg, jobs, out_root, interactive, info, quiet=args.quiet,
                               skipped_invalid=skipped, plugins=plugins, overwrite=args.overwrite,
                               run_fp=p["run_fp"], argv=list(sys.argv if argv is None else argv)))

    return exit_code(batch, "finished videos are kept; rerun the same command to resume")
