"""Headless system Chromium through Playwright (never `playwright install`: /usr/bin/chromium is used)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CLASSBRIDGE_CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream=fps=30",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--no-sandbox",
    "--autoplay-policy=no-user-gesture-required",
]


async def launch(playwright, timeout_ms: int = 30000):
    """Playwright's headless mode with an explicit executable runs Chromium's (new) headless mode here."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                            timeout=timeout_ms)
