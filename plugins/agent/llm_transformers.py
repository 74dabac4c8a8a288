"""The `transformers` backend: any local causal-LM folder (e.g. Qwen3-0.6B), greedy, JSON out.

The model loads on first use, from local files only (nothing is downloaded); a folder that does
not load is reported once and every prompt then falls back to the rules.
"""

from __future__ import annotations

import copy
from typing import Any

from loguru import logger

from .config import AgentConfig
from .llm import build_messages, parse_response
from .registry import GlobalRegistry
from .schema import PromptResult


class BackendUnavailable(RuntimeError):
    """The backend cannot run at all (missing model folder, missing dependency)."""


class TransformersBackend:
    name = "transformers"

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self._model: Any = None
        self._tokenizer: Any = None
        self._load_error: str | None = None
        self.device = "cpu"

    def _load(self) -> None:
        if self._model is not None:
            return
        if self._load_error is not None:
            raise BackendUnavailable(self._load_error)
        try:
            import torch
            import transformers
            from transformers import AutoModelForCausalLM, AutoTokenizer

            path = self.config.model_path
            if not path:
                raise ValueError("agent.model_path is not set")
            self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.device = "cuda" if torch.cuda.is_available() else "cpu"
            dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
            dtype_key = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
            model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, **{dtype_key: dtype})
            self._model = model.to(self.device).eval()
        except Exception as e:  # reported once, then every prompt falls back
            self._load_error = (f"agent.model_path {self.config.model_path!r} could not be loaded "
                                f"({type(e).__name__}: {e})")
            logger.warning(self._load_error)
            raise BackendUnavailable(self._load_error) from e
        logger.info(f"agent: loaded {self.config.model_path} on {self.device}")

    def generate(self, messages: list[dict[str, str]]) -> str:
        """Greedy decoding of the assistant's answer (the only call tests replace)."""
        import torch

        self._load()
        tok = self._tokenizer
        text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True, enable_thinking=False)
        inputs = tok(text, return_tensors="pt", add_special_tokens=False).to(self.device)
        gen_cfg = copy.deepcopy(self._model.generation_config)
        gen_cfg.do_sample = False
        gen_cfg.temperature = None
        gen_cfg.top_p = None
        gen_cfg.top_k = None
        gen_cfg.max_new_tokens = self.config.max_new_tokens
        if gen_cfg.pad_token_id is None:
            gen_cfg.pad_token_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        with torch.no_grad():
            out = self._model.generate(**inputs, generation_config=gen_cfg)
        answer: str = tok.decode(out[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)
        return answer

    def process(self, prompt: str, prompt_index: int, registry: GlobalRegistry) -> PromptResult:
        answer = self.generate(build_messages(prompt, prompt_index, registry))
        return parse_response(answer, prompt, prompt_index, registry, self.name)
