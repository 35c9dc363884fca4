#!/usr/bin/env python3
"""Key frames at a join, seen by a browser: how long a headless Chromium site that joins a running lesson waits,
from `joined`, for its first decoded frame of an aiortc teacher's video, and how many key-frame requests (PLI or
FIR) the teacher gets for it. A measurement, not a test (times are never asserted); loadtest/FINDINGS.md, "Key frames
at a join", has readings. Needs the interop venv and a server binary:
    CLASSBRIDGE_BIN=.build/debug/classbridge .venv/bin/python loadtest/probes/keyframe_join_chromium.py LABEL ROUNDS"""
import asyncio
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "interop"))
import cbclient
from support import ClassBridgeServer
from browser import launch
from playwright.async_api import async_playwright

cbclient.use_loopback_ice()


async def one(server, pw_browser):
    room = f"room-{uuid.uuid4().hex[:8]}"
    pub = server.client(room, "teacher", "teacher")
    await pub.join_and_publish()
    video = next(t.sender for t in pub.pc.getTransceivers() if t.kind == "video")
    requests = cbclient.count_keyframe_requests(video)
    await asyncio.sleep(1.0)  # the teacher's own start is over
    before = len(requests)  # no subscriber yet, so none
    context = await pw_browser.new_context()
    page = await context.new_page()
    q = urllib.parse.urlencode({"room": room, "name": "site", "role": "site", "autojoin": "1"})
    await page.goto(f"http://127.0.0.1:{server.http_port}/?{q}", timeout=15000)
    await page.wait_for_function("() => window.classbridge && window.classbridge.state === 'joined'",
                                 timeout=15000, polling=10)
    joined = time.monotonic()
    first = None
    while time.monotonic() - joined < 10:
        stats = await page.evaluate("() => window.classbridge.inboundStats()")
        if any(s.get("kind") == "video" and (s.get("framesDecoded") or 0) > 0 for s in stats):
            first = time.monotonic()
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(1.5)  # past the server's 0.5 s throttle, twice: a second request would have come
    n = len(requests) - before
    await context.close()
    await pub.close()
    return (first - joined) * 1000 if first else None, n


async def main(label, rounds):
    server = ClassBridgeServer(label, Path(tempfile.mkdtemp())).start()
    try:
        async with async_playwright() as pw:
            browser = await launch(pw)
            res = [await one(server, browser) for _ in range(rounds)]
            await browser.close()
    finally:
        server.stop()
    print(label, "first decoded frame ms after joined:", [None if r[0] is None else round(r[0]) for r in res],
          "key-frame requests at the teacher:", [r[1] for r in res])


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
