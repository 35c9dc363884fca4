"""A user-space lossy link for the interop tests (this kernel has no `tc netem`): a UDP relay between one client
and the server that drops chosen RTP datagrams on the way in (a publisher's uplink) or out (a site's downlink).

The client learns the relay's port instead of the server's from a rewritten SDP answer (`rewrite_candidate`); the
server, ICE-lite, answers whatever address its STUN checks come from, which is the relay's. RTP and RTCP stay
readable enough for the relay to choose: their headers are not encrypted by SRTP. The relay maps each client
address to a port of its own towards the server, as a NAT does, and `rebind` re-maps them all (a NAT that lost its
mappings).
"""

from __future__ import annotations

import asyncio
import re
import socket
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


class _Mapping:
    """One client address's own port towards the server, as a NAT maps each inside address and port to an outside
    port of its own: what comes back on it goes to that client address."""

    def __init__(self, client: tuple, deliver: Callable[[bytes, tuple], None]) -> None:
        self.client = client
        self.deliver = deliver
        self.sock: Optional[socket.socket] = None
        self.open()

    def open(self) -> None:
        """(Re)opens the outside port: a new one each time."""
        self.close()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        self.sock.bind(("127.0.0.1", 0))
        asyncio.get_running_loop().add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        while self.sock is not None:
            try:
                data, _ = self.sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return
            self.deliver(data, self.client)

    def send(self, data: bytes, to: tuple) -> None:
        try:
            self.sock.sendto(data, to)
        except OSError:
            pass  # as a link would: lost

    def close(self) -> None:
        if self.sock is not None:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None


class LossyLink:
    """Forwards a client's datagrams to the server and back, like a NAT: each client address and port (a browser
    may send from several) gets its own port towards the server. `drop(datagram)` decides, for each RTP datagram
    from the client (`uplink`) or to it, whether the link loses it; what was lost is kept in `dropped` (payload
    type, sequence number), and the payload types of the RTP that passed towards the client in `delivered`."""

    def __init__(self, drop: Callable[[bytes], bool], uplink: bool = True) -> None:
        self.drop = drop
        self.uplink = uplink
        self.dropped: list[tuple[int, int]] = []
        self.delivered: Counter[int] = Counter()
        self.server: Optional[tuple] = None
        self.client: Optional[tuple] = None
        self.port = 0
        self._to_client = None
        self._mappings: dict[tuple, _Mapping] = {}
        self.cut = False  # while set, nothing passes either way (an outage)

    async def start(self) -> "LossyLink":
        loop = asyncio.get_running_loop()
        self._to_client, _ = await loop.create_datagram_endpoint(lambda: _Side(self._from_client),
                                                                 local_addr=("127.0.0.1", 0))
        self.port = self._to_client.get_extra_info("sockname")[1]
        return self

    def rebind(self) -> None:
        """Goes on from new ports towards the server, as a NAT that drops its mappings and makes new ones: the
        server sees the same client at other addresses. What the server still sends to the old ports is lost."""
        for mapping in self._mappings.values():
            mapping.open()

    def rewrite_candidate(self, answer_sdp: str) -> str:
        """Points the answer's host candidate at the relay, and the relay at the server's candidate."""
        def swap(m: re.Match) -> str:
            self.server = (m.group(2), int(m.group(3)))
            return f"{m.group(1)}{m.group(2)} {self.port}{m.group(4)}"
        return re.sub(r"^(a=candidate:\S+ \d+ udp \d+ )(\S+) (\d+)( typ host)", swap, answer_sdp, flags=re.M)

    def _from_client(self, data: bytes, addr: tuple) -> None:
        self.client = addr
        if self.server is None or self.cut:
            return
        if self.uplink and self._lost(data):
            return
        mapping = self._mappings.get(addr)
        if mapping is None:
            mapping = self._mappings[addr] = _Mapping(addr, self._from_server)
        mapping.send(data, self.server)

    def _from_server(self, data: bytes, client: tuple) -> None:
        if self.cut or (not self.uplink and self._lost(data)):
            return
        if is_rtp(data):
            self.delivered[rtp_payload_type(data)] += 1
        self._to_client.sendto(data, client)

    def _lost(self, data: bytes) -> bool:
        if is_rtp(data) and self.drop(data):
            self.dropped.append((rtp_payload_type(data), rtp_sequence(data)))
            return True
        return False

    def close(self) -> None:
        for mapping in self._mappings.values():
            mapping.close()
        if self._to_client is not None:
            self._to_client.close()
