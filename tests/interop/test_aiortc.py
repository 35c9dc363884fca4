"""(a) aiortc publisher -> ClassBridge -> aiortc subscriber, with the server as DTLS server (default) and client."""

from __future__ import annotations

import re


from cbclient import close_all
from support import run

MIN_VIDEO_FRAMES = 30
MIN_AUDIO_FRAMES = 50
MEDIA_DEADLINE = 20  # seconds from the subscriber's transport being connected... and at most this long overall


def setup_lines(sdp: str) -> set[str]:
    return set(re.findall(r"^a=setup:(\S+)", sdp, flags=re.M))


async def publish_and_receive(server, room: str, expected_setup: str) -> None:
    pub = server.client(room, "teacher", "aiortc-pub")
    sub = server.client(room, "site", "aiortc-sub")
    try:
        joined_pub = await pub.connect_and_join()
        assert joined_pub["room"] == room
        assert joined_pub["participants"] == [], joined_pub
        pub.publish_synthetic()
        answer = await pub.negotiate()
        assert setup_lines(answer["sdp"]) == {expected_setup}, answer["sdp"]
        assert sorted(t["kind"] for t in answer["tracks"]) == ["audio", "video"], answer["tracks"]
        await pub.wait_transport("connected", 15)

        joined = await sub.connect_and_join()
        listed = {p["id"]: p for p in joined["participants"]}
        assert pub.participant_id in listed, joined
        assert {t["id"] for t in listed[pub.participant_id]["tracks"]} == {t["trackId"] for t in answer["tracks"]}
        assert sub.subscribe_all(joined) == 2
        sub_answer = await sub.negotiate()
        assert len(sub_answer["subscriptions"]) == 2, sub_answer
        for s in sub_answer["subscriptions"]:
            assert s["state"] == "active" and s["participantId"] == pub.participant_id, s
        assert setup_lines(sub_answer["sdp"]) == {expected_setup}, sub_answer["sdp"]
        await sub.wait_transport("connected", 15)

        await sub.wait_frames({"video": MIN_VIDEO_FRAMES, "audio": MIN_AUDIO_FRAMES}, MEDIA_DEADLINE,
                              participant_id=pub.participant_id)

        # The publisher saw the subscriber arrive, and sees it leave with reason `left`.
        await pub.wait_for(lambda m: m.get("type") == "participantJoined"
                           and m["participant"]["id"] == sub.participant_id, 5, what="participantJoined")
        await sub.leave()
        left = await pub.wait_for(lambda m: m.get("type") == "participantLeft"
                                  and m.get("participantId") == sub.participant_id, 10, what="participantLeft")
        assert left["reason"] == "left", left
        await sub.wait_closed(5)
    finally:
        await close_all(pub, sub)


def test_publish_subscribe_server_dtls_server(server, room):
    run(publish_and_receive(server, room, expected_setup="passive"), 90)


def test_publish_subscribe_server_dtls_client(server_dtls_client, room):
    run(publish_and_receive(server_dtls_client, room, expected_setup="active"), 90)
