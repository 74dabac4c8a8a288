"""Streaming state kept between blocks: the KV cache, the memory segment and NAM bank, call info, memory access."""
