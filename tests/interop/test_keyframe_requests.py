"""(m) Key frames for joining sites: each site that joins a running lesson gets video on one key-frame request.

The server answers a site's subscription before the site's DTLS completes. The site's video starts on a key frame
the server asks for when the site's transport connects: one forwarded before would be lost, and the site would
decode nothing until a PLI of its own. That key frame also answers the requests the waiting down track made, so no
second one follows 0.5 s later (the throttle). The sites keep their own PLIs back (aiortc sends one whenever a
frame fails to decode), so that the teacher sees only the server's requests, and video can start only on those."""

from __future__ import annotations

import asyncio

from cbclient import close_all, count_keyframe_requests
from support import run

AFTER_MEDIA = 1.5  # seconds of watching after the site's video runs: past the 0.5 s throttle, twice


async def keep_back(media_ssrc: int) -> None:
    """In place of an aiortc receiver's PLI."""


async def one_request_per_joining_site(server, room: str) -> None:
    pub = server.client(room, "teacher", "kf-teacher")
    sites = [server.client(room, "site", f"kf-site-{i}") for i in range(2)]
    try:
        await pub.join_and_publish()
        video = next(t.sender for t in pub.pc.getTransceivers() if t.kind == "video")
        requests = count_keyframe_requests(video)

        for site in sites:
            before = len(requests)
            joined = await site.connect_and_join()
            assert site.subscribe_all(joined) == 2
            for transceiver in site.pc.getTransceivers():
                if transceiver.kind == "video":
                    transceiver.receiver._send_rtcp_pli = keep_back
            await site.negotiate()
            await site.wait_transport("connected", 15)
            await site.wait_frames({"video": 30}, 20, participant_id=pub.participant_id)
            await asyncio.sleep(AFTER_MEDIA)
            asked = len(requests) - before
            assert asked == 1, f"{site.name}: {asked} key-frame requests for one joining site ({requests})"
    finally:
        await close_all(pub, *sites)


def test_one_key_frame_request_per_joining_site(server, room):
    run(one_request_per_joining_site(server, room), 90)
