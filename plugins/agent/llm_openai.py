"""The `openai` backend: any OpenAI-compatible chat endpoint (vLLM, llama.cpp, Ollama), stdlib only.

Requests time out after `timeout_s`; timeouts, connection errors, 429 and 5xx answers are retried
`retries` times with a short backoff. The API key, if any, is read from the environment variable
named by `api_key_env` (never from the config file).
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from typing import Any

from loguru import logger

from .config import AgentConfig
from .llm import LLMOutputError, build_messages, parse_response
from .registry import GlobalRegistry
from .schema import PromptResult


class EndpointError(RuntimeError):
    """The server could not be reached or answered with an error (after the retries)."""


class OpenAIBackend:
    name = "openai"

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.url = config.base_url.rstrip("/") + "/chat/completions"

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(self.config.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def complete(self, messages: list[dict[str, str]]) -> str:
        """POST one chat completion and return the assistant's text."""
        body = json.dumps({
            "model": self.config.model or "default", "messages": messages, "temperature": 0,
            "max_tokens": self.config.max_new_tokens, "stream": False,
        }).encode("utf-8")
        attempts = self.config.retries + 1
        last = "no attempt"
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))
            req = urllib.request.Request(self.url, data=body, headers=self._headers(), method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.config.timeout_s) as resp:
                    raw = resp.read()
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code} from {self.url}"
                if e.code == 429 or e.code >= 500:
                    logger.debug(f"agent: {last} (attempt {attempt + 1}/{attempts})")
                    continue
                raise EndpointError(last) from None
            except TimeoutError as e:
                last = f"timed out after {self.config.timeout_s:g} s ({self.url})"
                logger.debug(f"agent: {last} (attempt {attempt + 1}/{attempts}): {e}")
                continue
            except urllib.error.URLError as e:
                reason = e.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    last = f"timed out after {self.config.timeout_s:g} s ({self.url})"
                else:
                    last = f"cannot reach {self.url}: {reason}"
                logger.debug(f"agent: {last} (attempt {attempt + 1}/{attempts})")
                continue
            return _content(raw)
        raise EndpointError(f"{last} after {attempts} attempt(s)")

    def process(self, prompt: str, prompt_index: int, registry: GlobalRegistry) -> PromptResult:
        answer = self.complete(build_messages(prompt, prompt_index, registry))
        return parse_response(answer, prompt, prompt_index, registry, self.name)


def _content(raw: bytes) -> str:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as e:
        raise LLMOutputError(f"not an OpenAI chat completion response ({type(e).__name__}): {raw[:120]!r}") from None
    if not isinstance(content, str):
        raise LLMOutputError("the completion has no text content")
    return content
