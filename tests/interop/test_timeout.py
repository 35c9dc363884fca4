"""(c) A participant that goes silent without `leave` is removed with reason `timeout` (ICE consent expiry)."""

from __future__ import annotations

import asyncio
import time

import aioice.ice

from cbclient import close_all
from support import run

GRACE = 5  # seconds allowed past the consent timeout


async def silent_participant_times_out(server, room: str) -> None:
    a = server.client(room, "site", "stays")
    b = server.client(room, "site", "goes-silent")
    try:
        await a.join_and_publish()

        joined_b = await b.connect_and_join()
        b.publish_synthetic()
        b.subscribe_all(joined_b)
        await b.negotiate()
        await b.wait_transport("connected", 15)
        await b.wait_frames({"video": 5}, 15)

        # A live peer is not timed out: nobody leaves during more than one consent period of normal traffic.
        await asyncio.sleep(server.consent_timeout + 1)
        assert not [m for m in a.messages if m.get("type") == "participantLeft"], a.summary()

        # B's media path stops dead (no leave, no DTLS close, the WebSocket stays open).
        since = len(a.messages)
        t0 = time.monotonic()
        await b.go_silent()
        left = await a.wait_for(lambda m: m.get("type") == "participantLeft"
                                and m.get("participantId") == b.participant_id,
                                server.consent_timeout + GRACE, since, what="participantLeft of the silent peer")
        elapsed = time.monotonic() - t0
        assert left["reason"] == "timeout", left
        # Consent runs from B's last check, which aioice sent up to 1.2 consent intervals before it went silent.
        earliest = server.consent_timeout - 1.2 * aioice.ice.CONSENT_INTERVAL - 0.5
        assert elapsed >= earliest, f"removed after {elapsed:.1f} s: before the consent timeout"
        # Its tracks are unpublished too (PROTOCOL.md §7 "Someone leaves").
        b_tracks = {t["trackId"] for t in b.published}
        unpublished = set()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and unpublished != b_tracks:
            unpublished = {m.get("trackId") for m in a.messages
                           if m.get("type") == "trackUnpublished" and m.get("participantId") == b.participant_id}
            await asyncio.sleep(0.1)
        assert unpublished == b_tracks, (unpublished, b_tracks, a.summary())
        # The survivor still talks to the server.
        await a.ping()
    finally:
        await close_all(a, b)


def test_silent_participant_times_out(server, room):
    run(silent_participant_times_out(server, room), 90)


async def closed_peer_connection_is_noticed_at_once(server, room: str, media_first: bool) -> None:
    a = server.client(room, "site", "stays")
    b = server.client(room, "site", "closes")
    try:
        await a.connect_and_join()
        await b.join_and_publish()
        if media_first:
            # B's media and RTCP reach the server, which then releases B's DTLS state: B's close_notify can no
            # longer be verified and counts once B stays silent (PeerTransport.closeConfirmation, 2 s here).
            await asyncio.sleep(1.5)
        since = len(a.messages)
        t0 = time.monotonic()
        # aiortc's close sends a DTLS close_notify; the WebSocket stays open.
        await b.pc.close()
        left = await a.wait_for(lambda m: m.get("type") == "participantLeft"
                                and m.get("participantId") == b.participant_id,
                                server.consent_timeout + GRACE, since, what="participantLeft after close_notify")
        assert left["reason"] == "disconnected", left
        assert time.monotonic() - t0 < server.consent_timeout, "waited for the consent timeout instead"
    finally:
        await close_all(a, b)


def test_closed_peer_connection_is_noticed_at_once(server, room):
    run(closed_peer_connection_is_noticed_at_once(server, room, media_first=False), 60)


def test_closed_peer_connection_is_noticed_after_media_flowed(server, room):
    run(closed_peer_connection_is_noticed_at_once(server, room, media_first=True), 60)
