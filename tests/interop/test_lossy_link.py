"""(g) Lossy links, through a user-space relay (lossy_link.py) that drops every 15th VP8 packet once the stream runs.

- A publisher's uplink: the server asks for what was lost (generic NACK), aiortc resends it, and the subscriber's
  video keeps coming. Without the server's NACKs nothing is resent, and the subscriber's VP8 decoder fails on every
  damaged frame until the next key frame (20 s to 90 frames instead of 3.5 s).
- A site's downlink: the site's aiortc receiver NACKs, and the server resends from its retransmission buffer, as
  RTX, to that site alone."""

from __future__ import annotations

import asyncio
import re
from typing import Optional

from cbclient import close_all
from lossy_link import LossyLink, rtp_payload_type
from support import run

START_AFTER = 60   # VP8 packets let through before the first loss (the first key frame, the ramp-up)
DROP_EVERY = 15


class EveryNthVideoPacket:
    """Drops every DROP_EVERY-th VP8 packet after START_AFTER, once the answer has told which payload type VP8 is.
    Retransmissions travel as RTX (their own payload type) and pass."""

    def __init__(self) -> None:
        self.seen = 0
        self.vp8: Optional[int] = None
        self.rtx: Optional[int] = None

    def learn(self, answer_sdp: str) -> None:
        found = re.search(r"^a=rtpmap:(\d+) VP8/90000", answer_sdp, flags=re.M)
        self.vp8 = int(found.group(1)) if found else None
        rtx = re.search(rf"^a=fmtp:(\d+) apt={self.vp8}\s*$", answer_sdp, flags=re.M) if found else None
        self.rtx = int(rtx.group(1)) if rtx else None

    def __call__(self, datagram: bytes) -> bool:
        if self.vp8 is None or rtp_payload_type(datagram) != self.vp8:
            return False
        self.seen += 1
        return self.seen > START_AFTER and self.seen % DROP_EVERY == 0


async def through_lossy_link(client, uplink: bool) -> tuple[EveryNthVideoPacket, LossyLink]:
    """Puts `client` behind a lossy link that learns VP8's payload type from the client's answers."""
    drop = EveryNthVideoPacket()
    link = await LossyLink(drop, uplink=uplink).start()

    def answer_filter(sdp: str) -> str:
        drop.learn(sdp)
        return link.rewrite_candidate(sdp)
    client.answer_filter = answer_filter
    return drop, link


async def lost_packets_are_resent(server, room: str) -> None:
    pub = server.client(room, "teacher", "lossy-pub")
    sub = server.client(room, "site", "lossy-sub")
    _, link = await through_lossy_link(pub, uplink=True)
    try:
        await pub.join_and_publish()
        video = next(t.sender for t in pub.pc.getTransceivers() if t.kind == "video")
        resent: list[int] = []
        original = video._retransmit

        async def counting(sequence_number: int) -> None:  # aiortc calls it for each NACKed sequence number
            resent.append(sequence_number)
            await original(sequence_number)
        video._retransmit = counting

        joined = await sub.connect_and_join()
        assert sub.subscribe_all(joined) == 2
        await sub.negotiate()
        await sub.wait_transport("connected", 15)
        await sub.wait_frames({"video": 90, "audio": 100}, 40, participant_id=pub.participant_id)

        lost = {sequence for _, sequence in link.dropped}
        assert len(lost) >= 3, f"the link dropped {link.dropped}"
        # A loss in the last moments may still be on its way (NACK, resend): give those a moment. One run in a few
        # read the newest of three losses before its resend.
        for _ in range(40):
            if lost <= set(resent):
                break
            await asyncio.sleep(0.05)
        # The server NACKed what the link lost (up to three tries each), and the publisher resent it; only a loss in
        # the last moments may still be unanswered.
        answered = lost & set(resent)
        assert len(answered) >= max(3, len(lost) - 2), f"lost {sorted(lost)}, resent {sorted(set(resent))}"
        assert set(resent) <= lost, f"NACKs for packets that were not lost: {sorted(set(resent) - lost)}"
    finally:
        await close_all(pub, sub)
        link.close()


def test_lost_packets_are_resent(server, room):
    run(lost_packets_are_resent(server, room), 90)


async def a_site_on_a_lossy_downlink_gets_retransmissions(server, room: str) -> None:
    """The same loss on the way to one site: its aiortc receiver NACKs, and the server resends from its own
    retransmission buffer, as RTX (RFC 4588), to that site alone."""
    pub = server.client(room, "teacher", "downlink-pub")
    sub = server.client(room, "site", "lossy-site")
    drop, link = await through_lossy_link(sub, uplink=False)
    try:
        await pub.join_and_publish()
        joined = await sub.connect_and_join()
        assert sub.subscribe_all(joined) == 2
        await sub.negotiate()
        assert drop.vp8 is not None and drop.rtx is not None, "the site's answer has VP8 with RTX"
        await sub.wait_transport("connected", 15)
        await sub.wait_frames({"video": 90, "audio": 100}, 40, participant_id=pub.participant_id)

        lost = [sequence for payload_type, sequence in link.dropped if payload_type == drop.vp8]
        assert len(lost) >= 3, f"the link dropped {link.dropped}"
        # One retransmission per NACKed packet at least; only a loss in the last moments may be unanswered.
        resent = link.delivered[drop.rtx]
        assert resent >= max(3, len(lost) - 2), f"lost {lost}, {resent} RTX packets reached the site"
    finally:
        await close_all(pub, sub)
        link.close()


def test_a_site_on_a_lossy_downlink_gets_retransmissions(server, room):
    run(a_site_on_a_lossy_downlink_gets_retransmissions(server, room), 90)
