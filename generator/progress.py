"""How work that can take long (the commits of the history, the pages of a build) tells its caller how far it got.

A function of the core that can take more than a moment takes an optional
:data:`Progress` and calls it as it goes; it never prints. The caller decides
whether and how to show it (the CLI: one line on a terminal's stderr).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Progress: TypeAlias = Callable[[str, int, int], None]
"""Called with what is counted (``commits``, ``pages written``), how many are done, and how many there are."""
