"""(f) Signaling errors (PROTOCOL.md §6 `error`): codes, fatal vs. non-fatal, golden messages."""

from __future__ import annotations

import json
import time

import pytest

from cbclient import CBClient, close_all
from support import GOLDEN, dev_secret, golden, run, sign_token


def join_msg(token) -> dict:
    msg = golden("client.join", {"type": "join", "requestId": 1, "token": ""})
    msg["token"] = token
    msg.pop("requestId", None)  # CBClient.request numbers requests itself
    return msg


def raw_client(server, name: str) -> CBClient:
    return CBClient(server.base_url, token="", name=name)


async def expect_error(client: CBClient, msg: dict, code: str, timeout: float = 5) -> dict:
    reply = await client.request(msg, timeout)
    assert reply.get("type") == "error" and reply.get("code") == code, (code, reply)
    assert isinstance(reply.get("message", ""), str)
    return reply


async def expect_error_after_raw(client: CBClient, text: str, code: str, timeout: float = 5) -> dict:
    since = len(client.messages)
    await client.send_raw(text)
    return await client.wait_for(lambda m: m.get("type") == "error", timeout, since, what=f"error {code}")


async def fatal_token(server, token: str, code: str) -> None:
    c = raw_client(server, f"fatal-{code}")
    try:
        await c.connect()
        await expect_error(c, join_msg(token), code)
        await c.wait_closed(5)  # §6: the server closes the socket after bad_token / token_expired
    finally:
        await close_all(c)


def test_garbage_token_is_bad_token(server):
    run(fatal_token(server, "not.a.jwt", "bad_token"), 30)


def test_token_signed_with_another_secret_is_bad_token(server, room):
    token = sign_token("not-the-server-secret", sub="x", name="x", room=room, role="site", exp=int(time.time()) + 600)
    run(fatal_token(server, token, "bad_token"), 30)


def test_token_with_unknown_role_is_bad_token(server, room):
    token = sign_token(dev_secret(), sub="x", name="x", room=room, role="janitor", exp=int(time.time()) + 600)
    run(fatal_token(server, token, "bad_token"), 30)


def test_expired_token(server, room):
    token = sign_token(dev_secret(), sub="late", name="late", room=room, role="site", exp=int(time.time()) - 120)
    run(fatal_token(server, token, "token_expired"), 30)


def test_self_signed_dev_token_is_accepted(server, room):
    """The HS256 code above is right: the same code with the dev secret and a future exp gets `joined`."""
    token = sign_token(dev_secret(), sub="ok", name="ok", room=room, role="site", exp=int(time.time()) + 600)

    async def body():
        c = CBClient(server.base_url, token, name="self-signed")
        try:
            await c.connect()
            joined = await c.join()
            assert joined["room"] == room and joined["participant"]["name"] == "ok", joined
        finally:
            await close_all(c)
    run(body(), 30)


async def non_fatal_errors_before_join(server, room: str) -> None:
    c = raw_client(server, "errors-before-join")
    try:
        await c.connect()
        # §5 ping is allowed before join.
        ping = golden("client.ping", {"type": "ping", "requestId": 7})
        ping.pop("requestId", None)
        assert (await c.request(ping))["type"] == "pong"

        err = await expect_error_after_raw(c, "{this is not json", "malformed")
        assert err["code"] == "malformed", err
        await c.ping()
        err = await expect_error_after_raw(c, "[1, 2, 3]", "malformed")
        assert err["code"] == "malformed", err
        await c.ping()
        err = await expect_error_after_raw(c, json.dumps({"requestId": 3}), "malformed")  # no `type`
        assert err["code"] in ("malformed", "unknown_type"), err
        await c.ping()

        await expect_error(c, {"type": "dance"}, "unknown_type")
        await c.ping()

        offer = golden("client.offer", {"type": "offer", "sdp": "v=0\r\n", "tracks": [], "subscriptions": []})
        offer.pop("requestId", None)
        await expect_error(c, offer, "not_joined")
        await c.ping()
        await expect_error(c, golden("client.leave", {"type": "leave"}), "not_joined")
        await c.ping()

        # A join with a field of the wrong type is malformed and not fatal; the socket then joins normally.
        await expect_error(c, {"type": "join", "token": 12345}, "malformed")
        await c.ping()
        c.token = server.token(room, "site", "after-errors")
        await c.join()
        assert not c.closed
    finally:
        await close_all(c)


def test_non_fatal_errors_before_join(server, room):
    run(non_fatal_errors_before_join(server, room), 60)


async def non_fatal_errors_after_join(server, room: str) -> None:
    c = server.client(room, "site", "errors-after-join")
    try:
        await c.connect_and_join()
        await expect_error(c, join_msg(c.token), "already_joined")
        await c.ping()
        await expect_error(c, {"type": "offer", "sdp": "this is not SDP", "tracks": [], "subscriptions": []},
                           "bad_sdp")
        await c.ping()
        # An SDP without ICE credentials or fingerprint.
        no_ice = ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                  "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
                  "a=rtpmap:111 opus/48000/2\r\n")
        await expect_error(c, {"type": "offer", "sdp": no_ice, "tracks": [], "subscriptions": []}, "bad_sdp")
        await c.ping()
        await expect_error(c, {"type": "offer", "sdp": 42}, "malformed")
        await c.ping()
        await expect_error(c, {"type": "whatever", "x": 1}, "unknown_type")
        await c.ping()
        # After all that the connection still negotiates media.
        c.publish_synthetic()
        answer = await c.negotiate()
        assert len(answer["tracks"]) == 2, answer
        await c.wait_transport("connected", 15)
    finally:
        await close_all(c)


def test_non_fatal_errors_after_join(server, room):
    run(non_fatal_errors_after_join(server, room), 60)


async def back_to_back_offers(server, room: str) -> None:
    c = server.client(room, "site", "out-of-order")
    try:
        await c.connect_and_join()
        c.publish_synthetic()
        pc = c._ensure_pc()
        await pc.setLocalDescription(await pc.createOffer())
        offer = {"type": "offer", "sdp": pc.localDescription.sdp, "tracks": [], "subscriptions": []}
        first, second = c.next_request_id(), c.next_request_id()
        # Two offers back to back: the second arrives while the first is being answered.
        await c.send({**offer, "requestId": first})
        await c.send({**offer, "requestId": second})
        r1 = await c.wait_for(lambda m: m.get("requestId") == first and m.get("type") in ("answer", "error"), 10)
        r2 = await c.wait_for(lambda m: m.get("requestId") == second and m.get("type") in ("answer", "error"), 10)
        assert r1["type"] == "answer", r1
        # PROTOCOL.md §1/§5: messages are handled in order, so the second is answered as a renegotiation.
        assert r2["type"] == "answer", r2
        await c.ping()
    finally:
        await close_all(c)


def test_second_offer_before_answer(server, room):
    run(back_to_back_offers(server, room), 30)


def test_golden_messages_parse():
    files = sorted(GOLDEN.glob("*.json"))
    if not files:
        pytest.skip("no Signaling/golden/*.json yet")
    types = {"join", "offer", "leave", "ping", "joined", "answer", "pong", "participantJoined", "participantLeft",
             "trackPublished", "trackUnpublished", "transportState", "error"}
    codes = {"malformed", "unknown_type", "bad_token", "token_expired", "not_joined", "already_joined",
             "bad_sdp", "forbidden", "internal"}
    for path in files:
        msg = json.loads(path.read_text())
        assert isinstance(msg, dict) and msg.get("type") in types, path.name
        assert path.name.split(".")[1] == msg["type"], path.name
        if "requestId" in msg:
            assert isinstance(msg["requestId"], int), path.name
        if msg["type"] == "error":
            assert msg["code"] in codes and path.name.split(".")[2] == msg["code"], path.name
        if msg["type"] == "participantLeft":
            assert msg["reason"] in ("left", "disconnected", "timeout"), path.name
        if msg["type"] in ("offer", "answer"):
            assert msg["sdp"].startswith("v=0\r\n"), path.name
