"""GET /metrics: the media loop's counters in the Prometheus text format follow real media (aiortc)."""

from __future__ import annotations

import asyncio
import time

from cbclient import close_all
from support import run


def metrics(server) -> dict[str, float]:
    status, body = server.get("/metrics")
    assert status == 200, status
    values = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


async def metrics_follow_media(server, room: str) -> None:
    before = metrics(server)
    pub = server.client(room, "teacher", "metrics-pub")
    sub = server.client(room, "site", "metrics-sub")
    try:
        await pub.join_and_publish()
        joined = await sub.connect_and_join()
        sub.subscribe_all(joined)
        await sub.negotiate()
        await sub.wait_transport("connected", 15)
        await sub.wait_frames({"video": 10, "audio": 20}, 20, participant_id=pub.participant_id)

        # Published once a second by the media loop. The subscriber received 30 frames, so at least that many
        # packets came in and went out, and each RTP packet in was timed; RTCP flows both ways about once a second.
        delay = "classbridge_rtp_forwarding_delay_seconds"
        least = {"classbridge_rtp_packets_received_total": 30, "classbridge_rtp_packets_sent_total": 30,
                 f"{delay}_count": 30,
                 "classbridge_rtcp_packets_received_total": 1, "classbridge_rtcp_packets_sent_total": 1}
        deadline = time.monotonic() + 3
        while True:
            now = metrics(server)
            grew = {name: now.get(name, 0) - before.get(name, 0) for name in least}
            enough = all(grew[name] >= least[name] for name in least)
            if (enough and now["classbridge_media_transports"] >= 2) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert enough, grew
        assert now["classbridge_media_transports"] >= 2, now
        assert 'classbridge_datagrams_dropped_total{reason="unknown_source"}' in now, sorted(now)
        assert now[f'{delay}_bucket{{le="+Inf"}}'] == now[f"{delay}_count"], now
        assert now[f"{delay}_sum"] > 0, now
    finally:
        await close_all(pub, sub)


def test_metrics_follow_media(server, room):
    run(metrics_follow_media(server, room), 60)
