"""A Chromium page restarts ICE mid-lesson (pc.restartIce(), as after a network change): the server answers with
fresh ICE credentials, the page reconnects over them, and media keeps flowing both ways."""

from __future__ import annotations

import re

from support import run
from test_chromium import check_media, joined_pages

NAMES = ["site-a", "site-b"]


def ice_credentials(sdp: str) -> set[tuple[str, str]]:
    ufrags = re.findall(r"a=ice-ufrag:(\S+)", sdp)
    pwds = re.findall(r"a=ice-pwd:(\S+)", sdp)
    return set(zip(ufrags, pwds))


async def restart(server, room: str) -> None:
    async with joined_pages(server, room, NAMES) as pages:
        await check_media(pages, deadline_s=30, want_rtt=False)
        client = "window.classbridge.client"
        page = pages[0].page
        before = ice_credentials(await page.evaluate(f"() => {client}._pc.remoteDescription.sdp"))
        await page.evaluate(f"() => {client}.restartIce()")
        after = ice_credentials(await page.evaluate(f"() => {client}._pc.remoteDescription.sdp"))
        assert len(after) == 1 and after != before, f"the answer's ICE credentials: {before} then {after}"
        await page.wait_for_function(f"() => ['connected', 'completed'].includes({client}._pc.iceConnectionState)",
                                     timeout=15000)
        await check_media(pages, deadline_s=20, want_rtt=False)


def test_chromium_ice_restart(server, room):
    run(restart(server, room), 120)
