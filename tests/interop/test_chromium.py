"""(b) Three headless Chromium pages (the project's page and SDK) in one room decode each other."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from contextlib import asynccontextmanager

from playwright.async_api import async_playwright

from browser import launch
from support import run

NAMES = ["site-a", "site-b", "site-c"]
MEDIA_DEADLINE = 30


class Page:
    def __init__(self, name: str, page) -> None:
        self.name = name
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    async def inbound(self) -> list[dict]:
        return await self.page.evaluate("() => window.classbridge.inboundStats()")

    async def remote_inbound(self) -> list[dict]:
        return await self.page.evaluate("() => window.classbridge.remoteInboundStats()")

    async def describe(self) -> str:
        try:
            info = await asyncio.wait_for(self.page.evaluate("""async () => {
                const cb = window.classbridge;
                if (!cb) return {missing: 'window.classbridge'};
                return {state: cb.state, lastError: cb.lastError, transportState: cb.transportState,
                        participants: cb.participants(), inbound: await cb.inboundStats(),
                        outbound: await cb.outboundStats(), remoteInbound: await cb.remoteInboundStats()};
            }"""), 5)
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            info = {"describe failed": repr(exc)}
        return f"== {self.name}: {json.dumps(info, indent=1)}\n   console (last 30):\n     " + \
            "\n     ".join(self.console[-30:])


def by_sender(stats: list[dict], kind: str, field: str) -> dict:
    """{participantName or participantId: value of `field`} for inbound tracks of `kind`."""
    out = {}
    for s in stats:
        if s.get("kind") == kind:
            key = s.get("participantName") or s.get("participantId")
            out[key] = max(out.get(key, 0), s.get(field) or 0)
    return out


@asynccontextmanager
async def joined_pages(server, room: str, names: list[str]):
    """The classroom page as a site for each name (each in its own browser context), all joined. If the body
    fails, every page's state and console are printed before the browser closes."""
    async with async_playwright() as pw:
        browser = await launch(pw)
        pages: list[Page] = []
        try:
            try:
                for name in names:
                    context = await browser.new_context()
                    p = Page(name, await context.new_page())
                    pages.append(p)
                    query = urllib.parse.urlencode({"room": room, "name": name, "role": "site", "autojoin": "1"})
                    await p.page.goto(f"http://127.0.0.1:{server.http_port}/?{query}", timeout=15000)
                for p in pages:
                    await p.page.wait_for_function(
                        "() => window.classbridge && window.classbridge.state === 'joined'", timeout=15000)
                yield pages
            except BaseException:
                print("\n".join([await p.describe() for p in pages]))
                raise
        finally:
            await browser.close()


async def three_pages(server, room: str) -> None:
    async with joined_pages(server, room, NAMES) as pages:
        await check_media(pages)


async def check_media(pages: list[Page], deadline_s: float = MEDIA_DEADLINE, want_rtt: bool = True) -> None:
    """Waits until every page decodes video and receives audio from every other page (growing over one second),
    and, with `want_rtt`, until every page has a round-trip time from the server's receiver reports."""
    deadline = time.monotonic() + deadline_s
    missing: dict[str, str] = {}
    rtt_seen = not want_rtt
    while True:
        before = [await p.inbound() for p in pages]
        await asyncio.sleep(1)
        after = [await p.inbound() for p in pages]
        missing = {}
        for p, s1, s2 in zip(pages, before, after):
            others = [q.name for q in pages if q is not p]
            v1, v2 = by_sender(s1, "video", "framesDecoded"), by_sender(s2, "video", "framesDecoded")
            a1, a2 = by_sender(s1, "audio", "packetsReceived"), by_sender(s2, "audio", "packetsReceived")
            no_video = [n for n in others if not v2.get(n, 0) > v1.get(n, 0)]
            no_audio = [n for n in others if not a2.get(n, 0) > a1.get(n, 0)]
            if no_video or no_audio:
                missing[p.name] = f"video not growing from {no_video}, audio not growing from {no_audio}"
        if not rtt_seen:
            rtts = [await p.remote_inbound() for p in pages]
            rtt_seen = all(any((r.get("roundTripTime") or 0) > 0 for r in rs) for rs in rtts)
        if not missing and rtt_seen:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"after {deadline_s} s: {missing or 'media ok'}; "
                                 f"remote-inbound roundTripTime on every page: {rtt_seen}")


def test_three_chromium_pages(server, room):
    run(three_pages(server, room), 120)
