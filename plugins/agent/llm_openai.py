"""The `openai` backend: any OpenAI-compatible chat endpoint (vLLM, llama.cpp, Ollama), stdlib only.

Endpoints fail fast and once:

* separate timeouts: `connect_timeout_s` to establish the connection, `read_timeout_s` for the answer;
* a timeout is never retried; HTTP 5xx answers and refused connections are retried `retries` times
  with a short backoff; anything else (4xx, a broken answer) is not retried;
* the first failure of an endpoint is logged at WARNING with the endpoint and the reason;
* after a timeout, a refused connection (retries spent) or an unreachable host, the endpoint is marked
  down for this process (a circuit breaker): later prompts fall back to the rules at once, without
  a request, until `retry_after_s` has passed (null: for the rest of the process).

The API key, if any, is read from the environment variable named by `api_key_env` (never from the
config file).
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.parse
from typing import Any

from loguru import logger

from .config import AgentConfig
from .llm import LLMOutputError, build_messages, parse_response
from .registry import GlobalRegistry
from .schema import PromptResult


class EndpointError(RuntimeError):
    """The server could not be reached or answered with an error (after the retries)."""


class EndpointDown(EndpointError):
    """The endpoint failed earlier in this process and is not asked again (circuit breaker open)."""


# endpoint URL -> (monotonic time after which it may be tried again, or None for never; the reason)
_DOWN: dict[str, tuple[float | None, str]] = {}
_WARNED: set[str] = set()
_LOCK = threading.Lock()


def reset_endpoints() -> None:
    """Forget every endpoint marked down (for tests and long-lived servers)."""
    with _LOCK:
        _DOWN.clear()
        _WARNED.clear()


class _Retryable(Exception):
    pass


def _down(reason: str) -> EndpointError:
    """An error after which the endpoint is marked down (a timeout, a refused or impossible connection)."""
    e = EndpointError(reason)
    e.down = True  # type: ignore[attr-defined]
    return e


class OpenAIBackend:
    name = "openai"

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.url = (config.base_url or "").rstrip("/") + "/chat/completions"  # checked non-empty by AgentConfig

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(self.config.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _down_reason(self) -> str | None:
        with _LOCK:
            entry = _DOWN.get(self.url)
            if entry is None:
                return None
            until, reason = entry
            if until is not None and time.monotonic() >= until:
                del _DOWN[self.url]  # half-open: the next request tries the endpoint again
                return None
            return reason

    def _mark_down(self, reason: str) -> None:
        after = self.config.retry_after_s
        with _LOCK:
            _DOWN[self.url] = (None if after is None else time.monotonic() + after, reason)
            _WARNED.add(self.url)
        again = "for the rest of this run" if after is None else f"for {after:g} s (agent.retry_after_s)"
        logger.warning(f"agent: LLM endpoint {self.url} marked down {again}: {reason}; "
                       "the agent uses the rules backend instead")

    def _warn_once(self, reason: str) -> None:
        with _LOCK:
            first = self.url not in _WARNED
            _WARNED.add(self.url)
        if first:
            logger.warning(f"agent: LLM endpoint {self.url} failed: {reason}")

    def _post(self, body: bytes) -> bytes:
        """One POST with separate connect and read timeouts; raises `_Retryable` for 5xx / refused."""
        u = urllib.parse.urlsplit(self.url)
        conn_cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(u.hostname or "localhost", u.port, timeout=self.config.connect_timeout_s)
        try:
            try:
                conn.connect()
            except ConnectionRefusedError as e:
                raise _Retryable(f"connection refused ({e.strerror or e})") from None
            except TimeoutError:
                raise _down(f"no connection within {self.config.connect_timeout_s:g} s "
                            "(agent.connect_timeout_s)") from None
            except OSError as e:
                raise _down(f"cannot connect: {e.strerror or e}") from None
            assert conn.sock is not None
            conn.sock.settimeout(self.config.read_timeout)
            path = u.path + (f"?{u.query}" if u.query else "")
            try:
                conn.request("POST", path or "/", body=body, headers=self._headers())
                resp = conn.getresponse()
                raw = resp.read()
            except TimeoutError:
                raise _down(f"timed out: no answer within {self.config.read_timeout:g} s "
                            "(agent.read_timeout_s)") from None
            except (OSError, http.client.HTTPException) as e:
                raise EndpointError(f"{self.url} broke the connection: {type(e).__name__}: {e}") from None
            if resp.status >= 500:
                raise _Retryable(f"HTTP {resp.status} from {self.url}")
            if resp.status >= 400:
                raise EndpointError(f"HTTP {resp.status} from {self.url}")
            return raw
        finally:
            conn.close()

    def complete(self, messages: list[dict[str, str]]) -> str:
        """POST one chat completion and return the assistant's text."""
        down = self._down_reason()
        if down is not None:
            raise EndpointDown(f"{self.url} is marked down ({down})")
        body = json.dumps({
            "model": self.config.model or "default", "messages": messages, "temperature": 0,
            "max_tokens": self.config.max_new_tokens, "stream": False,
        }).encode("utf-8")
        attempts = self.config.retries + 1
        last = "no attempt"
        refused = False
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))
            try:
                raw = self._post(body)
            except _Retryable as e:
                last, refused = str(e), str(e).startswith("connection refused")
                if attempt == 0:
                    self._warn_once(f"{last}; retrying up to {attempts - 1} time(s)" if attempts > 1 else last)
                logger.debug(f"agent: {last} (attempt {attempt + 1}/{attempts})")
                continue
            except EndpointError as e:
                if getattr(e, "down", False):
                    self._mark_down(str(e))
                else:
                    self._warn_once(str(e))
                raise
            return _content(raw)
        if refused:
            failure = _down(f"{last} after {attempts} attempt(s)")
            self._mark_down(str(failure))
            raise failure
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
