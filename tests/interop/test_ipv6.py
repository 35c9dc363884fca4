"""(j) IPv6 media. A dual-stack server (`media.host: ::`, an IPv4 and an IPv6 candidate) carries a lesson between
an aiortc publisher that reaches it only over IPv6 and an aiortc subscriber that reaches it only over IPv4; a
server on `::1` alone carries two Chromium pages. Signaling stays on 127.0.0.1: only the media path changes."""

from __future__ import annotations

import re
import socket

import pytest

from cbclient import close_all, ice_host_address
from support import run
from test_chromium import check_media, joined_pages


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")


@pytest.fixture(scope="module")
def server_dual_stack(request, tmp_path_factory):
    from conftest import _start_server
    return _start_server(request, tmp_path_factory, "dual-stack",
                         {"CLASSBRIDGE_MEDIA_HOST": "::", "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "127.0.0.1, ::1"})


@pytest.fixture(scope="module")
def server_ipv6(request, tmp_path_factory):
    from conftest import _start_server
    return _start_server(request, tmp_path_factory, "ipv6",
                         {"CLASSBRIDGE_MEDIA_HOST": "::1", "CLASSBRIDGE_MEDIA_ANNOUNCED_ADDRESS": "::1"})


def candidates(sdp: str) -> list[str]:
    """The host candidates' addresses, in the answer's order (each media section repeats them)."""
    return list(dict.fromkeys(re.findall(r"^a=candidate:\S+ 1 udp \d+ (\S+) \d+ typ host", sdp, flags=re.M | re.I)))


def connected_remotes(server) -> list[str]:
    """The peer address of every `transport connected` line of the server's log."""
    lines = [line for line in server.log_text().splitlines() if "transport connected" in line]
    return [m.group(1) for m in (re.search(r"remote=\[?([0-9a-f:.]+?)\]?:\d+ ", line) for line in lines) if m]


async def ipv6_publisher_to_ipv4_subscriber(server, room: str) -> None:
    pub = server.client(room, "teacher", "aiortc-ipv6")
    sub = server.client(room, "site", "aiortc-ipv4")
    try:
        await pub.connect_and_join()
        pub.publish_synthetic()
        with ice_host_address("::1"):
            answer = await pub.negotiate()
        assert candidates(answer["sdp"]) == ["127.0.0.1", "::1"], answer["sdp"]
        await pub.wait_transport("connected", 15)
        joined = await sub.connect_and_join()
        assert sub.subscribe_all(joined) == 2
        with ice_host_address("127.0.0.1"):
            await sub.negotiate()
        await sub.wait_transport("connected", 15)
        await sub.wait_frames({"video": 30, "audio": 50}, 20, participant_id=pub.participant_id)
    finally:
        await close_all(pub, sub)


def test_dual_stack_server_joins_an_ipv6_and_an_ipv4_peer(server_dual_stack, room):
    run(ipv6_publisher_to_ipv4_subscriber(server_dual_stack, room), 90)
    assert sorted(connected_remotes(server_dual_stack)) == ["127.0.0.1", "::1"], server_dual_stack.tail()


async def two_pages(server, room: str) -> None:
    async with joined_pages(server, room, ["site-a", "site-b"]) as pages:
        await check_media(pages)


def test_two_chromium_pages_over_ipv6(server_ipv6, room):
    run(two_pages(server_ipv6, room), 120)
    remotes = connected_remotes(server_ipv6)
    assert len(remotes) == 2 and all(":" in r for r in remotes), server_ipv6.tail()
