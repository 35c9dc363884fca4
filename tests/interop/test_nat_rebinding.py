"""(k) A NAT re-maps a peer mid-lesson (a rural router that reconnects, a carrier NAT): its datagrams reach the
server from a new port, and what the server sends to the old one is lost. The relay of lossy_link.py plays the NAT
(`LossyLink.rebind`, nothing dropped). aiortc neither restarts ICE nor nominates again; its consent checks from
the new port admit that address, and the media follows: the server takes the peer's media from there and sends its
own there, long before the old address's consent would lapse. Before, the server dropped everything from the new
port and kept sending to the dead one, while the peer's consent checks kept it in the lesson. A Chromium page
behind the same relay keeps its media both ways too (it nominates again by itself)."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
import urllib.request
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import async_playwright

from browser import launch
from cbclient import close_all
from lossy_link import LossyLink
from support import run
from test_chromium import Page, by_sender

RESUME_DEADLINE = 10  # s: aiortc checks consent every ~1 s here (use_loopback_ice), RTCP every 0.5-1.5 s
CONSENT_TIMEOUT = 30  # s: longer than the deadline, so that the media must follow the peer before consent lapses


@pytest.fixture(scope="module")
def server_slow_consent(request, tmp_path_factory):
    from conftest import _start_server
    return _start_server(request, tmp_path_factory, "slow-consent",
                         {"CLASSBRIDGE_ICE_CONSENT_TIMEOUT": str(CONSENT_TIMEOUT)})


def address_moves(server) -> int:
    text = urllib.request.urlopen(f"{server.base_url}/metrics", timeout=5).read().decode()
    return int(re.search(r"^classbridge_transport_address_moves_total (\d+)", text, flags=re.M).group(1))


async def frames_keep_coming(sub, publisher_id: str, deadline: float) -> None:
    """Waits until the subscriber has 30 more video frames and 50 more audio frames of the publisher than now."""
    video, audio = sub.frames("video", publisher_id), sub.frames("audio", publisher_id)
    await sub.wait_frames({"video": video + 30, "audio": audio + 50}, deadline, participant_id=publisher_id)


async def lesson_through_a_nat(server, room: str, behind: str) -> int:
    """A publisher and a subscriber; the one named by `behind` reaches the server through the relay, which
    re-maps it once media flows. Returns the server's address moves before the re-mapping."""
    pub = server.client(room, "teacher", "nat-pub")
    sub = server.client(room, "site", "nat-sub")
    link = await LossyLink(lambda datagram: False).start()
    (pub if behind == "publisher" else sub).answer_filter = link.rewrite_candidate
    try:
        await pub.join_and_publish()
        joined = await sub.connect_and_join()
        assert sub.subscribe_all(joined) == 2
        await sub.negotiate()
        await sub.wait_transport("connected", 15)
        await frames_keep_coming(sub, pub.participant_id, 20)
        await asyncio.sleep(1.5)  # the server publishes its counters once a second
        moves_before = address_moves(server)

        link.rebind()
        await frames_keep_coming(sub, pub.participant_id, RESUME_DEADLINE)
        for client in (pub, sub):
            assert (client.transport_state or {}).get("state", "connected") == "connected", client.transport_state
        return moves_before
    finally:
        await close_all(pub, sub)
        link.close()


@pytest.mark.parametrize("behind", ["publisher", "subscriber"])
def test_the_media_follows_a_peer_that_a_nat_remaps(server_slow_consent, room, behind):
    before = run(lesson_through_a_nat(server_slow_consent, room, behind), 90)
    for _ in range(30):  # the server publishes its counters once a second
        if address_moves(server_slow_consent) > before:
            return
        time.sleep(0.1)
    raise AssertionError(f"classbridge_transport_address_moves_total stayed at {before}")


# Chromium's answer from the SDK, with its host candidates pointed at the relay (installed before the page loads).
POINT_CANDIDATES_AT = """(port) => {
  const apply = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (description) {
    const sdp = description.sdp.replace(/^(a=candidate:\\S+ \\d+ udp \\d+ )(\\S+) (\\d+)( typ host)/gm,
                                        (_, head, ip, _port, tail) => `${head}${ip} ${port}${tail}`);
    return apply.call(this, {type: description.type, sdp});
  };
}"""


async def decoded_from(page, name: str) -> int:
    stats = await page.inbound()
    return by_sender(stats, "video", "framesDecoded").get(name, 0)


async def both_ways(page, watcher, teacher_name: str, page_id: str, deadline: float) -> None:
    """The page decodes 30 more frames of the teacher's video, and the watcher gets 30 more of the page's."""
    start = await decoded_from(page, teacher_name)
    await frames_keep_coming(watcher, page_id, deadline)
    end = asyncio.get_running_loop().time() + deadline
    while await decoded_from(page, teacher_name) < start + 30:
        assert asyncio.get_running_loop().time() < end, f"{await page.describe()}"
        await asyncio.sleep(0.2)


@dataclass
class SiteBehindRelay:
    """A Chromium page (a site: camera out, everything in) behind the relay `link`, the aiortc `teacher` it
    watches, and the aiortc `watcher` (an expert) who watches the page; media flows both ways."""
    link: LossyLink
    page: Page
    page_id: str
    teacher: Any
    watcher: Any

    async def media_flows(self, deadline: float) -> None:
        await both_ways(self.page, self.watcher, self.teacher.name, self.page_id, deadline)


@asynccontextmanager
async def site_behind_relay(server, room: str, name: str):
    link = await LossyLink(lambda datagram: False).start()
    link.server = ("127.0.0.1", server.media_port)
    teacher = server.client(room, "teacher", "aiortc-teacher")
    watcher = server.client(room, "expert", "aiortc-watcher")
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            await teacher.join_and_publish()
            context = await browser.new_context()
            await context.add_init_script(script=f"({POINT_CANDIDATES_AT})({link.port})")
            page = Page(name, await context.new_page())
            query = urllib.parse.urlencode({"room": room, "name": name, "role": "site", "autojoin": "1"})
            await page.page.goto(f"{server.base_url}/?{query}", timeout=15000)
            await page.page.wait_for_function("() => window.classbridge && window.classbridge.state === 'joined'"
                                              " && window.classbridge.transportState === 'connected'", timeout=20000)
            page_id = await page.page.evaluate("() => window.classbridge.client.self.id")
            joined = await watcher.connect_and_join()
            assert watcher.subscribe_all(joined) == 4, joined  # the teacher's two tracks and the page's two
            await watcher.negotiate()
            await watcher.wait_transport("connected", 15)
            site = SiteBehindRelay(link, page, page_id, teacher, watcher)
            await site.media_flows(30)
            assert link.client is not None, "the page's media went through the relay"
            yield site
        finally:
            await close_all(teacher, watcher)
            await browser.close()
            link.close()


async def chromium_behind_a_nat(server, room: str) -> None:
    """The relay re-maps the page's every address once media flows. Chromium nominates its pair again from the new
    address (USE-CANDIDATE on its checks), so it moved the media itself before the server followed media too; this
    keeps it so, with the page's several candidates, each its own mapping."""
    async with site_behind_relay(server, room, "site-behind-nat") as site:
        site.link.rebind()
        await site.media_flows(RESUME_DEADLINE)


def test_the_media_follows_a_chromium_page_that_a_nat_remaps(server_slow_consent, room):
    run(chromium_behind_a_nat(server_slow_consent, room), 120)
