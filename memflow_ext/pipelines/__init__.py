"""The block loop: the MemFlow baseline pipeline, the hook-instrumented IAM pipeline, and their builder."""
