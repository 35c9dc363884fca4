"""(i) A server with two media loops (`media.loops: 2`): rooms land on different loops, each on its own UDP port,
and an aiortc publisher and subscriber in each room exchange media through their room's loop. /metrics sums both."""

from __future__ import annotations

import re
import time
import urllib.request
import uuid

import pytest

from cbclient import close_all
from support import run

LOOPS = 2


@pytest.fixture(scope="module")
def server_two_loops(request, tmp_path_factory):
    from conftest import _start_server
    return _start_server(request, tmp_path_factory, "two-loops",
                         {"CLASSBRIDGE_MEDIA_LOOPS": str(LOOPS), "CLASSBRIDGE_MEDIA_PORT": "0"})


def loop_number(room: str) -> int:
    """The server's choice between equally loaded loops (ClassroomService.loopNumber): FNV-1a of the room name,
    MurmurHash3's finalizer, modulo the loops. Rooms picked to differ here land apart whether or not the first
    lesson's participants are still there when the second opens (then the least loaded loop takes it)."""
    value = 0xCBF29CE484222325
    for byte in room.encode():
        value = ((value ^ byte) * 0x100000001B3) % 2**64
    for multiplier in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
        value ^= value >> 33
        value = (value * multiplier) % 2**64
    value ^= value >> 33
    return value % LOOPS


def rooms_on_each_loop() -> list[str]:
    rooms: dict[int, str] = {}
    while len(rooms) < LOOPS:
        room = f"room-{uuid.uuid4().hex[:8]}"
        rooms.setdefault(loop_number(room), room)
    return [rooms[n] for n in range(LOOPS)]


def candidate_port(sdp: str) -> int:
    ports = set(re.findall(r"^a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ host", sdp, flags=re.M | re.I))
    assert len(ports) == 1, sdp
    return int(ports.pop())


def rtp_sent(server) -> int:
    text = urllib.request.urlopen(f"{server.base_url}/metrics", timeout=5).read().decode()
    return int(re.search(r"^classbridge_rtp_packets_sent_total (\d+)", text, flags=re.M).group(1))


async def lesson(server, room: str) -> int:
    """A publisher and a subscriber in `room`; returns the media port of the room's answers."""
    pub = server.client(room, "teacher", "aiortc-pub")
    sub = server.client(room, "site", "aiortc-sub")
    try:
        await pub.connect_and_join()
        pub.publish_synthetic()
        port = candidate_port((await pub.negotiate())["sdp"])
        await pub.wait_transport("connected", 15)
        joined = await sub.connect_and_join()
        assert sub.subscribe_all(joined) == 2
        assert candidate_port((await sub.negotiate())["sdp"]) == port, "one room, one loop"
        await sub.wait_transport("connected", 15)
        await sub.wait_frames({"video": 30, "audio": 50}, 20, participant_id=pub.participant_id)
        return port
    finally:
        await close_all(pub, sub)


def test_rooms_on_two_media_loops(server_two_loops):
    ports, sent = [], [rtp_sent(server_two_loops)]
    for room in rooms_on_each_loop():
        ports.append(run(lesson(server_two_loops, room), 90))
        time.sleep(1.5)  # each loop publishes its counters once a second
        sent.append(rtp_sent(server_two_loops))
    assert len(set(ports)) == LOOPS, f"the rooms' media ports: {ports}"
    assert sent[0] < sent[1] < sent[2], f"RTP sent after each loop's lesson, summed over the loops: {sent}"
