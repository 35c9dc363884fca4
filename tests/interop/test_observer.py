"""(d) Observers receive every track, never appear to others, and may not publish."""

from __future__ import annotations

import json
import re

from cbclient import close_all
from support import run


def mentions(client, participant_id: str) -> list[dict]:
    quoted = json.dumps(participant_id)
    return [m for m in client.messages if quoted in json.dumps({k: v for k, v in m.items() if k != "sdp"})]


def inactive_mids(sdp: str) -> set[str]:
    mids = set()
    for section in re.split(r"\r?\n(?=m=)", sdp)[1:]:
        mid = re.search(r"^a=mid:(\S+)", section, flags=re.M)
        if mid and re.search(r"^a=inactive\s*$", section, flags=re.M):
            mids.add(mid.group(1))
    return mids


async def observer_sees_all(server, room: str) -> None:
    p1 = server.client(room, "teacher", "pub-teacher")
    p2 = server.client(room, "site", "pub-site")
    obs = server.client(room, "observer", "observer")
    late = server.client(room, "expert", "late-expert")
    obs2 = server.client(room, "observer", "observer-publishing")
    try:
        for p in (p1, p2):
            await p.join_and_publish()

        joined = await obs.connect_and_join()
        assert joined["participant"]["role"] == "observer", joined
        listed = {p["id"] for p in joined["participants"]}
        assert {p1.participant_id, p2.participant_id} <= listed, joined
        assert obs.subscribe_all(joined) == 4, joined
        answer = await obs.negotiate()
        assert [s["state"] for s in answer["subscriptions"]] == ["active"] * 4, answer["subscriptions"]
        assert answer.get("tracks", []) == [], answer
        await obs.wait_transport("connected", 15)
        for p in (p1, p2):
            await obs.wait_frames({"video": 15, "audio": 25}, 20, participant_id=p.participant_id)

        # Invisible: a participant who joins after the observer does not see it either.
        joined_late = await late.connect_and_join()
        assert obs.participant_id not in {p["id"] for p in joined_late["participants"]}, joined_late
        assert all(p["role"] != "observer" for p in joined_late["participants"]), joined_late

        # An observer that offers sending m-lines gets `forbidden`, and the answer still comes with them inactive.
        await obs2.connect_and_join()
        obs2.publish_synthetic()
        answer2 = await obs2.negotiate()
        forbidden = [e for e in obs2.errors if e.get("code") == "forbidden"]
        assert forbidden, obs2.summary()
        sending_mids = {t.mid for t in obs2.pc.getTransceivers() if t.sender.track is not None}
        assert sending_mids <= inactive_mids(answer2["sdp"]), answer2["sdp"]
        assert answer2.get("tracks", []) == [], answer2
        await obs2.ping()

        # Give any stray event time to arrive, then check nobody heard of either observer.
        await late.ping()
        await p1.ping()
        await p2.ping()
        for p in (p1, p2, late):
            for o in (obs, obs2):
                assert not mentions(p, o.participant_id), (p.name, o.name, mentions(p, o.participant_id))
            assert not [m for m in p.messages if m.get("type") == "trackPublished"
                        and m.get("participantId") in (obs.participant_id, obs2.participant_id)]
    finally:
        await close_all(p1, p2, obs, late, obs2)


def test_observer_receives_everything_and_is_invisible(server, room):
    run(observer_sees_all(server, room), 120)
