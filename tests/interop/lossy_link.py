"""A user-space lossy link for the interop tests (this kernel has no `tc netem`): a UDP relay between one client
and the server that drops chosen RTP datagrams on the way in (a publisher's uplink) or out (a site's downlink).

The client learns the relay's port instead of the server's from a rewritten SDP answer (`rewrite_candidate`); the
server, ICE-lite, answers whatever address its STUN checks come from, which is the relay's. RTP and RTCP stay
readable enough for the relay to choose: their headers are not encrypted by SRTP.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Callable, Optional


def is_rtp(datagram: bytes) -> bool:
    """RFC 7983: first byte 128-191 is RTP or RTCP; RTCP's packet types 192-223 fill the second byte."""
    return len(datagram) >= 12 and 128 <= datagram[0] <= 191 and not 192 <= datagram[1] <= 223


def rtp_sequence(datagram: bytes) -> int:
    return int.from_bytes(datagram[2:4], "big")


def rtp_payload_type(datagram: bytes) -> int:
    return datagram[1] & 0x7F


class _Side(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Callable[[bytes, tuple], None]) -> None:
        self.on_datagram = on_datagram

    def datagram_received(self, data: bytes, addr: tuple) -> None:
        self.on_datagram(data, addr)


class LossyLink:
    """Forwards one client's datagrams to the server and back. `drop(datagram)` decides, for each RTP datagram from
    the client (`uplink`) or to it, whether the link loses it; what was lost is kept in `dropped` (payload type,
    sequence number), and the payload types of the RTP that passed towards the client in `delivered`."""

    def __init__(self, drop: Callable[[bytes], bool], uplink: bool = True) -> None:
        self.drop = drop
        self.uplink = uplink
        self.dropped: list[tuple[int, int]] = []
        self.delivered: Counter[int] = Counter()
        self.server: Optional[tuple] = None
        self.client: Optional[tuple] = None
        self.port = 0
        self._to_client = None
        self._to_server = None

    async def start(self) -> "LossyLink":
        loop = asyncio.get_running_loop()
        self._to_client, _ = await loop.create_datagram_endpoint(lambda: _Side(self._from_client),
                                                                 local_addr=("127.0.0.1", 0))
        self._to_server, _ = await loop.create_datagram_endpoint(lambda: _Side(self._from_server),
                                                                 local_addr=("127.0.0.1", 0))
        self.port = self._to_client.get_extra_info("sockname")[1]
        return self

    def rewrite_candidate(self, answer_sdp: str) -> str:
        """Points the answer's host candidate at the relay, and the relay at the server's candidate."""
        def swap(m: re.Match) -> str:
            self.server = (m.group(2), int(m.group(3)))
            return f"{m.group(1)}{m.group(2)} {self.port}{m.group(4)}"
        return re.sub(r"^(a=candidate:\S+ \d+ udp \d+ )(\S+) (\d+)( typ host)", swap, answer_sdp, flags=re.M)

    async def rebind(self) -> None:
        """Goes on from a new port towards the server, as a NAT that drops a mapping and makes a new one: the
        server sees the same client at another address. What the server still sends to the old port is lost."""
        loop = asyncio.get_running_loop()
        old = self._to_server
        self._to_server, _ = await loop.create_datagram_endpoint(lambda: _Side(self._from_server),
                                                                 local_addr=("127.0.0.1", 0))
        old.close()

    def _from_client(self, data: bytes, addr: tuple) -> None:
        self.client = addr
        if self.server is None:
            return
        if self.uplink and self._lost(data):
            return
        self._to_server.sendto(data, self.server)

    def _from_server(self, data: bytes, addr: tuple) -> None:
        if self.client is None or (not self.uplink and self._lost(data)):
            return
        if is_rtp(data):
            self.delivered[rtp_payload_type(data)] += 1
        self._to_client.sendto(data, self.client)

    def _lost(self, data: bytes) -> bool:
        if is_rtp(data) and self.drop(data):
            self.dropped.append((rtp_payload_type(data), rtp_sequence(data)))
            return True
        return False

    def close(self) -> None:
        for side in (self._to_client, self._to_server):
            if side is not None:
                side.close()
