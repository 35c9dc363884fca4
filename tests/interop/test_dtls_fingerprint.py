"""(e) An offer whose a=fingerprint does not match the peer's certificate: transport failed, no media."""

from __future__ import annotations

import asyncio


from cbclient import close_all
from support import run


async def wrong_fingerprint_fails(server, room: str) -> None:
    pub = server.client(room, "teacher", "good-pub")
    bad = server.client(room, "site", "bad-fingerprint", bad_fingerprint=True)
    try:
        await pub.join_and_publish()

        joined = await bad.connect_and_join()
        assert bad.subscribe_all(joined) == 2
        await bad.negotiate()
        failed = await bad.wait_transport("failed", 20)
        assert failed.get("reason") == "dtls_fingerprint_mismatch", failed
        assert not [m for m in bad.messages if m.get("type") == "transportState" and m.get("state") == "connected"]
        await asyncio.sleep(3)
        assert bad.frames() == 0, bad.frame_summary()
        # The signaling connection is still usable, and the good publisher is unaffected.
        await bad.ping()
        await pub.ping()
    finally:
        await close_all(pub, bad)


def test_wrong_fingerprint_server_dtls_server(server, room):
    run(wrong_fingerprint_fails(server, room), 60)


def test_wrong_fingerprint_server_dtls_client(server_dtls_client, room):
    run(wrong_fingerprint_fails(server_dtls_client, room), 60)
