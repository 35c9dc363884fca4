"""Leave, rejoin, late join and identity replacement (issue: "Join, leave, rejoin and late join all work without
renegotiation glitches; the others get events")."""

from __future__ import annotations

from cbclient import close_all
from support import run


def of_type(client, kind: str, participant_id: str, since: int = 0) -> list[dict]:
    return [m for m in client.messages[since:] if m.get("type") == kind and m.get("participantId") == participant_id]


async def leave_and_rejoin(server, room: str) -> None:
    watcher = server.client(room, "expert", "watcher")
    first = server.client(room, "teacher", "teacher")
    second = third = None
    try:
        await watcher.connect_and_join()
        await first.connect_and_join()
        first.publish_synthetic()
        answer = await first.negotiate()
        first_tracks = {t["trackId"] for t in answer["tracks"]}

        # The watcher learns of the tracks from events and subscribes (late subscription to a running stream).
        await watcher.wait_for(lambda m: m.get("type") == "trackPublished", 10, what="trackPublished")
        await watcher.wait_for(lambda m: len(of_type(watcher, "trackPublished", first.participant_id)) == 2, 10)
        for m in of_type(watcher, "trackPublished", first.participant_id):
            watcher.subscribe(m["track"]["id"], m["track"]["kind"])
        await watcher.negotiate()
        await watcher.wait_frames({"video": 10, "audio": 20}, 20, participant_id=first.participant_id)

        # Leave: every track is unpublished, then the participant leaves with reason `left`.
        since = len(watcher.messages)
        await first.leave()
        await watcher.wait_for(lambda m: m.get("type") == "participantLeft"
                               and m.get("participantId") == first.participant_id, 10, since, what="participantLeft")
        assert {m["trackId"] for m in of_type(watcher, "trackUnpublished", first.participant_id, since)} == first_tracks
        assert of_type(watcher, "participantLeft", first.participant_id, since)[0]["reason"] == "left"
        # The watcher renegotiates its now-dead m-lines away; the server answers them inactive.
        reply = await watcher.negotiate()
        assert all(s["state"] == "unavailable" for s in reply["subscriptions"]), reply["subscriptions"]

        # Rejoin with the same identity: a new participant, new tracks, media flows again on fresh m-lines.
        second = server.client(room, "teacher", "teacher")
        since = len(watcher.messages)
        await second.connect_and_join()
        second.publish_synthetic()
        await second.negotiate()
        await watcher.wait_for(lambda m: len(of_type(watcher, "trackPublished", second.participant_id, since)) == 2, 10,
                               what="trackPublished after rejoin")
        assert second.participant_id != first.participant_id
        for m in of_type(watcher, "trackPublished", second.participant_id, since):
            watcher.subscribe(m["track"]["id"], m["track"]["kind"])
        await watcher.negotiate()
        await watcher.wait_frames({"video": 10, "audio": 20}, 20, participant_id=second.participant_id)

        # A second join of the same identity while the first is live replaces it (a reloaded page).
        third = server.client(room, "teacher", "teacher")
        since = len(watcher.messages)
        await third.connect_and_join()
        left = await watcher.wait_for(lambda m: m.get("type") == "participantLeft"
                                      and m.get("participantId") == second.participant_id, 10, since,
                                      what="the replaced participant leaving")
        assert left["reason"] == "disconnected", left
        await second.wait_closed(10)
        # Its arrival may reach the watcher after the leave and the close: wait for it, then check it came once.
        await watcher.wait_for(lambda m: m.get("type") == "participantJoined"
                               and m["participant"]["id"] == third.participant_id, 10, since,
                               what="the replacing participant joining")
        joined = [m for m in watcher.messages[since:] if m.get("type") == "participantJoined"]
        assert [m["participant"]["id"] for m in joined] == [third.participant_id], joined
        await watcher.ping()
    finally:
        await close_all(watcher, first, second, third)


def test_leave_rejoin_and_replace(server, room):
    run(leave_and_rejoin(server, room), 120)
