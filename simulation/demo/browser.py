"""Debian's Chromium, headless, as the browser tests and the benchmark drive the demo."""

from __future__ import annotations

import os
import shutil

# headless, and nothing of Chromium's own reaches the network (without these flags it floods
# a closed network with connections)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """DEMO_CHROMIUM if set (a missing path means none), else /usr/bin/chromium or PATH's."""
    named = os.environ.get("DEMO_CHROMIUM")
    candidates = [named] if named else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None
