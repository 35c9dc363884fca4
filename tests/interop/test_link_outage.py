"""(l) A rural link drops out for a few seconds, shorter than the server's consent timeout (10 s, the default): the
relay of lossy_link.py passes nothing either way for 6 s. The Chromium page behind it goes `disconnected` (after
about 5 s) and comes back by itself once the link does: no ICE restart, no rejoin. The server keeps the
participant, and the media flows both ways again. (A longer outage removes the participant; see SDK.md.)"""

from __future__ import annotations

import asyncio
import time

import pytest

from support import run
from test_chromium import Page
from test_nat_rebinding import site_behind_relay

CONSENT_TIMEOUT = 10
OUTAGE = 6  # s


@pytest.fixture(scope="module")
def server_default_consent(request, tmp_path_factory):
    from conftest import _start_server
    return _start_server(request, tmp_path_factory, "default-consent",
                         {"CLASSBRIDGE_ICE_CONSENT_TIMEOUT": str(CONSENT_TIMEOUT)})


async def ice_state(page: Page) -> str:
    return await page.page.evaluate("() => window.classbridge.client.pc.iceConnectionState")


async def a_short_outage(server, room: str) -> None:
    async with site_behind_relay(server, room, "rural-site") as site:
        site.link.cut = True
        states = set()
        end = time.monotonic() + OUTAGE
        while time.monotonic() < end:
            states.add(await ice_state(site.page))
            await asyncio.sleep(0.25)
        site.link.cut = False
        assert "disconnected" in states, f"the page never noticed the outage: {states}"

        await site.media_flows(15)
        assert await ice_state(site.page) == "connected"
        assert await site.page.page.evaluate("() => window.classbridge.state") == "joined"
        left = [m for m in site.watcher.messages if m.get("type") == "participantLeft"]
        assert not left, f"the server removed someone: {left}"


def test_a_page_comes_back_by_itself_after_a_short_outage(server_default_consent, room):
    run(a_short_outage(server_default_consent, room), 120)
