"""IAM Flow's hook contract (pluggy project ``iamflow``).

Plugin authors import `hookimpl` from here; `specs` documents every hook point.
"""

from .specs import PROJECT, hookimpl, hookspec

__all__ = ["PROJECT", "hookimpl", "hookspec"]
