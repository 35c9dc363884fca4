"""A ClassBridge client for aiortc, written from Signaling/PROTOCOL.md alone (version 1).

It speaks the signaling protocol over a WebSocket (`websockets`) and the media path with aiortc:

    client = CBClient(base_url, token)            # base_url: "http://127.0.0.1:8080"
    joined = await client.connect_and_join()      # WebSocket + `join` -> `joined`
    client.publish_synthetic()                    # camera (moving pattern, VP8) + microphone (sine, Opus)
    client.subscribe_all(joined)                  # one recvonly transceiver per track in `joined`
    answer = await client.negotiate()             # `offer` (tracks + subscriptions) -> `answer`
    await client.wait_transport("connected")
    ... client.frames("video"), client.frames("audio", participant_id="P-...")
    await client.leave(); await client.close()

Protocol points this client follows (section numbers of PROTOCOL.md):
- §1 one JSON object per text frame; every request carries an integer `requestId`, replies echo it.
- §4 the client always offers; BUNDLE, one transport; published tracks are `sendonly` m-lines, subscriptions are
  `recvonly` m-lines; the server's answer may be ICE-lite.
- §5 `offer.tracks` lists the sending m-lines (mid + source), `offer.subscriptions` the recvonly ones (mid + trackId);
  a new offer only after the answer to the previous one (negotiations are serialised by a lock).
- §6 `answer.subscriptions` tells which publisher a recvonly mid carries; `trackPublished` -> subscribe (optional).

Test-only knobs: `bad_fingerprint=True` sends an offer whose `a=fingerprint` is not this peer's certificate (§4: the
server must then report `transportState failed / dtls_fingerprint_mismatch`), `go_silent()` stops the media path
without `leave` (§6 `participantLeft` reason `timeout`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import itertools
import json
import logging
import math
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

import av
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import AUDIO_PTIME, MediaStreamError, MediaStreamTrack, VideoStreamTrack
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

log = logging.getLogger("cbclient")

MAX_MESSAGE_SIZE = 1 << 20  # §1


# ----------------------------------------------------------------------------------------------------------------------
# Loopback-only ICE (test environment)
# ----------------------------------------------------------------------------------------------------------------------

def use_loopback_ice(consent_interval: Optional[float] = 1.0) -> None:
    """Make aioice gather exactly one host candidate, 127.0.0.1.

    aioice (0.13) looks `get_host_addresses` up as a module global of `aioice.ice` when it gathers, and leaves
    127.0.0.1 out; the tests talk to a server on loopback only. `consent_interval` shortens aioice's consent
    freshness period (5 s by default, randomised 4-6 s) so that a server run with a short consent timeout
    (CLASSBRIDGE_ICE_CONSENT_TIMEOUT=4) does not expire a client that is only quiet, not gone.
    """
    import aioice.ice

    aioice.ice.get_host_addresses = _only("127.0.0.1")
    if consent_interval is not None:
        aioice.ice.CONSENT_INTERVAL = consent_interval


def _only(address: str) -> Callable[[bool, bool], list[str]]:
    """A stand-in for aioice's `get_host_addresses` that gathers exactly `address`, if its IP version is wanted."""
    ipv6 = ":" in address

    def one_address(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [address] if (use_ipv6 if ipv6 else use_ipv4) else []
    return one_address


@contextlib.contextmanager
def ice_host_address(address: str) -> Iterator[None]:
    """Inside the block, aioice gathers exactly one host candidate: `address` ("::1" for IPv6, "127.0.0.1").
    aiortc gathers in setLocalDescription, so a client negotiating here keeps that one candidate."""
    import aioice.ice

    saved = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = _only(address)
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = saved


# ----------------------------------------------------------------------------------------------------------------------
# Synthetic media
# ----------------------------------------------------------------------------------------------------------------------

class MovingPatternTrack(VideoStreamTrack):
    """30 fps video whose content changes every frame (a sliding luma ramp and drifting chroma)."""

    def __init__(self, width: int = 320, height: int = 240) -> None:
        super().__init__()
        self.width, self.height = width, height
        self._ramp = bytes(range(256)) * (width // 256 + 3)
        self._n = 0

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(width=self.width, height=self.height, format="yuv420p")
        shift = (self._n * 4) % 256
        y, u, v = frame.planes
        row = self._ramp[shift:shift + y.line_size]
        y.update((row * (y.buffer_size // y.line_size + 1))[: y.buffer_size])
        u.update(bytes([(64 + self._n) % 256]) * u.buffer_size)
        v.update(bytes([(192 - self._n) % 256]) * v.buffer_size)
        self._n += 1
        frame.pts = pts
        frame.time_base = time_base
        return frame


class SineTrack(MediaStreamTrack):
    """48 kHz mono 440 Hz sine in 20 ms frames, paced in real time."""

    kind = "audio"
    SAMPLE_RATE = 48000

    def __init__(self, frequency: float = 440.0, amplitude: float = 0.3) -> None:
        super().__init__()
        n = int(AUDIO_PTIME * self.SAMPLE_RATE)
        self._samples = n
        period = [int(amplitude * 32767 * math.sin(2 * math.pi * frequency * i / self.SAMPLE_RATE))
                  for i in range(self.SAMPLE_RATE)]  # one second, so every 20 ms slice continues the wave
        self._second = b"".join(s.to_bytes(2, "little", signed=True) for s in period)
        self._timestamp: Optional[int] = None
        self._start = 0.0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._timestamp is None:
            self._start = time.time()
            self._timestamp = 0
        else:
            self._timestamp += self._samples
            wait = self._start + self._timestamp / self.SAMPLE_RATE - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        frame = av.AudioFrame(format="s16", layout="mono", samples=self._samples)
        offset = (self._timestamp % self.SAMPLE_RATE) * 2
        frame.planes[0].update(self._second[offset:offset + self._samples * 2])
        frame.pts = self._timestamp
        frame.sample_rate = self.SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, self.SAMPLE_RATE)
        return frame


def count_keyframe_requests(sender: RTCRtpSender) -> list[float]:
    """When (monotonic seconds) an aiortc sender is asked for a key frame, appended to the list returned: aiortc
    calls the sender's `_send_keyframe` for each PLI or FIR it receives for the track, which still answers it."""
    requests: list[float] = []
    answer = sender._send_keyframe

    def counting() -> None:
        requests.append(time.monotonic())
        answer()
    sender._send_keyframe = counting
    return requests


# ----------------------------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------------------------

class CBError(Exception):
    """The server answered a request with an `error` message (§6)."""

    def __init__(self, message: dict) -> None:
        self.message = message
        self.code = message.get("code")
        super().__init__(f"{self.code}: {message.get('message')}")


class CBTimeout(TimeoutError):
    pass


# ----------------------------------------------------------------------------------------------------------------------
# The client
# ----------------------------------------------------------------------------------------------------------------------

@dataclass
class Inbound:
    """One recvonly m-line and what it received."""
    mid: str
    kind: str
    track_id: Optional[str] = None        # ClassBridge track id (from `answer.subscriptions`)
    participant_id: Optional[str] = None  # the publisher
    state: Optional[str] = None           # `active` / `unavailable`
    frames: int = 0
    first_frame_at: Optional[float] = None
    last_frame_at: Optional[float] = None


@dataclass
class _Pending:
    kind: str
    track_id: str
    transceiver: Any = None


def ws_url_for(base_url: str) -> str:
    """http://host:port -> ws://host:port/ws (§1)."""
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://"):]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://"):]
    return url if url.endswith("/ws") else url + "/ws"


def munge_fingerprint(sdp: str) -> str:
    """Replace every `a=fingerprint:` value by one that matches no certificate (same hash, flipped bits)."""
    def flip(m: re.Match) -> str:
        algo, value = m.group(1), m.group(2)
        flipped = ":".join(f"{(int(b, 16) ^ 0xFF):02X}" for b in value.split(":"))
        return f"a=fingerprint:{algo} {flipped}"
    out, n = re.subn(r"a=fingerprint:(\S+) ([0-9A-Fa-f:]+)", flip, sdp)
    if n == 0:
        raise ValueError("offer has no a=fingerprint line")
    return out


class CBClient:
    def __init__(self, base_url: str, token: str, *, name: str = "aiortc", auto_subscribe: bool = False,
                 bad_fingerprint: bool = False, protocol_codecs_only: bool = False,
                 decode: bool = True) -> None:
        self.base_url = base_url
        self.ws_url = ws_url_for(base_url)
        self.token = token
        self.name = name
        self.auto_subscribe = auto_subscribe
        self.bad_fingerprint = bad_fingerprint
        self.protocol_codecs_only = protocol_codecs_only
        self.decode = decode
        # Applied to each SDP answer before aiortc sees it (a lossy link between client and server rewrites the
        # candidate).
        self.answer_filter: Optional[Callable[[str], str]] = None

        self.ws = None
        self.pc: Optional[RTCPeerConnection] = None
        self.messages: list[dict] = []          # every message from the server, in order
        self.errors: list[dict] = []            # the `error` messages among them
        self.closed: Optional[str] = None       # why the socket closed, once it did
        self.participant: Optional[dict] = None  # `joined.participant`
        self.room: Optional[str] = None
        self.published: list[dict] = []         # `answer.tracks` of the last answer
        self.inbound: dict[str, Inbound] = {}   # by mid
        self.transport_state: Optional[dict] = None

        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._reader: Optional[asyncio.Task] = None
        self._tasks: set[asyncio.Task] = set()
        self._negotiation = asyncio.Lock()
        self._sources: dict[Any, str] = {}       # sending transceiver -> source
        self._wanted: list[_Pending] = []        # subscriptions not yet negotiated / negotiated
        self._subscribed_ids: set[str] = set()

    # ---- signaling -----------------------------------------------------------------------------------------------

    async def connect(self, timeout: float = 10) -> None:
        self.ws = await asyncio.wait_for(ws_connect(self.ws_url, max_size=MAX_MESSAGE_SIZE, open_timeout=timeout),
                                         timeout)
        self._reader = asyncio.create_task(self._read_loop(), name=f"cbclient-reader-{self.name}")

    async def _read_loop(self) -> None:
        try:
            async for raw in self.ws:
                try:
                    msg = json.loads(raw)
                except (TypeError, ValueError):
                    msg = {"type": "<not json>", "raw": raw}
                if not isinstance(msg, dict):
                    msg = {"type": "<not an object>", "raw": msg}
                log.debug("%s <- %s", self.name, _short(msg))
                self.messages.append(msg)
                self._on_message(msg)
                self._notify()
            self.closed = f"closed ({self.ws.close_code} {self.ws.close_reason})"
        except ConnectionClosed as exc:
            self.closed = f"closed ({exc})"
        except Exception as exc:  # noqa: BLE001 - reported through `closed`
            self.closed = f"reader failed: {exc!r}"
            log.exception("reader failed")
        finally:
            if self.closed is None:
                self.closed = "closed"
            self._notify()

    def _notify(self) -> None:
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    def _on_message(self, msg: dict) -> None:
        t = msg.get("type")
        if t == "error":
            self.errors.append(msg)
        elif t == "transportState":
            self.transport_state = msg
        elif t == "trackPublished" and self.auto_subscribe and self.pc is not None:
            track = msg.get("track") or {}
            if track.get("id") and track["id"] not in self._subscribed_ids:
                self.subscribe(track["id"], track.get("kind", "video"))
                self._spawn(self._renegotiate_quietly())

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def send(self, msg: dict) -> None:
        log.debug("%s -> %s", self.name, _short(msg))
        await self.ws.send(json.dumps(msg))

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    def next_request_id(self) -> int:
        return next(self._ids)

    async def wait_for(self, predicate: Callable[[dict], bool], timeout: float, since: int = 0,
                       what: str = "message") -> dict:
        """The first server message (from index `since`) that satisfies `predicate`; CBTimeout after `timeout` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        i = since
        while True:
            while i < len(self.messages):
                msg = self.messages[i]
                i += 1
                if predicate(msg):
                    return msg
            if self.closed:
                raise ConnectionError(f"{self.name}: socket {self.closed} while waiting for {what}; "
                                      f"got {self.summary()}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise CBTimeout(f"{self.name}: no {what} within {timeout} s; got {self.summary()}")
            wake = self._wake
            try:
                await asyncio.wait_for(wake.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_closed(self, timeout: float) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise CBTimeout(f"{self.name}: socket still open after {timeout} s")
            try:
                await asyncio.wait_for(self._wake.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.closed

    async def request(self, msg: dict, timeout: float = 10,
                      accept: Iterable[str] = ("joined", "answer", "pong", "error")) -> dict:
        """Send `msg` with a fresh requestId; return the first reply of a type in `accept` carrying that id."""
        rid = self.next_request_id()
        msg = {**msg, "requestId": rid}
        since = len(self.messages)
        accept = tuple(accept)
        await self.send(msg)
        return await self.wait_for(lambda m: m.get("requestId") == rid and m.get("type") in accept,
                                   timeout, since, what=f"reply to {msg['type']} #{rid}")

    async def ping(self, timeout: float = 5) -> dict:
        reply = await self.request({"type": "ping"}, timeout)
        if reply.get("type") != "pong":
            raise CBError(reply) if reply.get("type") == "error" else AssertionError(reply)
        return reply

    async def join(self, timeout: float = 10) -> dict:
        reply = await self.request({"type": "join", "token": self.token}, timeout)
        if reply.get("type") == "error":
            raise CBError(reply)
        assert reply.get("type") == "joined", reply
        self.participant = reply.get("participant")
        self.room = reply.get("room")
        return reply

    async def connect_and_join(self, timeout: float = 10) -> dict:
        await self.connect(timeout)
        return await self.join(timeout)

    async def join_and_publish(self) -> dict:
        """Joins, publishes the synthetic camera and microphone, and waits for the media transport; the answer."""
        await self.connect_and_join()
        self.publish_synthetic()
        answer = await self.negotiate()
        await self.wait_transport("connected", 15)
        return answer

    @property
    def participant_id(self) -> Optional[str]:
        return (self.participant or {}).get("id")

    # ---- media ----------------------------------------------------------------------------------------------------

    def _ensure_pc(self) -> RTCPeerConnection:
        if self.pc is None:
            # PROTOCOL.md §4: everything on one BUNDLE transport. aiortc's default (balanced) policy gives a second
            # transceiver of one kind a pre-bundle transport that never connects, so ask for max-bundle.
            self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
            self.pc.on("track", self._on_track)
        return self.pc

    def add_track(self, track: MediaStreamTrack, source: Optional[str] = None) -> Any:
        """Publish `track` on a new sendonly m-line (§4); sent with the next `negotiate()`."""
        pc = self._ensure_pc()
        transceiver = pc.addTransceiver(track, direction="sendonly")
        self._prefer_protocol_codecs(transceiver, track.kind)
        self._sources[transceiver] = source or ("camera" if track.kind == "video" else "microphone")
        return transceiver

    def publish_synthetic(self, video: bool = True, audio: bool = True) -> None:
        if audio:
            self.add_track(SineTrack(), "microphone")
        if video:
            self.add_track(MovingPatternTrack(), "camera")

    def subscribe(self, track_id: str, kind: str) -> None:
        """Ask for a track on a new recvonly m-line (§4, §7); sent with the next `negotiate()`."""
        if track_id in self._subscribed_ids:
            return
        pc = self._ensure_pc()
        transceiver = pc.addTransceiver(kind, direction="recvonly")
        self._prefer_protocol_codecs(transceiver, kind)
        self._wanted.append(_Pending(kind=kind, track_id=track_id, transceiver=transceiver))
        self._subscribed_ids.add(track_id)

    def subscribe_all(self, joined: dict) -> int:
        """Subscribe to every track of every participant listed in `joined`; returns how many."""
        n = 0
        for participant in joined.get("participants", []):
            for track in participant.get("tracks", []):
                if track.get("id") not in self._subscribed_ids:
                    self.subscribe(track["id"], track.get("kind", "video"))
                    n += 1
        return n

    def _prefer_protocol_codecs(self, transceiver: Any, kind: str) -> None:
        if not self.protocol_codecs_only:
            return
        wanted = {"audio": "audio/opus", "video": "video/VP8"}[kind].lower()
        codecs = [c for c in RTCRtpSender.getCapabilities(kind).codecs
                  if c.mimeType.lower() == wanted or (kind == "video" and c.mimeType.lower() == "video/rtx")]
        transceiver.setCodecPreferences(codecs)

    async def negotiate(self, timeout: float = 15) -> dict:
        """Offer the current transceivers (§5 `offer`), apply the `answer`. Errors other than `forbidden` raise."""
        async with self._negotiation:
            pc = self._ensure_pc()
            offer = await pc.createOffer()
            await pc.setLocalDescription(offer)  # aiortc gathers every candidate before this returns
            sdp = pc.localDescription.sdp
            if self.bad_fingerprint:
                sdp = munge_fingerprint(sdp)

            tracks, subscriptions = [], []
            for transceiver in pc.getTransceivers():
                if transceiver in self._sources and transceiver.mid is not None:
                    tracks.append({"mid": transceiver.mid, "source": self._sources[transceiver]})
            for pending in self._wanted:
                mid = pending.transceiver.mid
                if mid is None:
                    continue
                subscriptions.append({"mid": mid, "trackId": pending.track_id})
                self.inbound.setdefault(mid, Inbound(mid=mid, kind=pending.kind, track_id=pending.track_id))

            reply = await self._offer_request({"type": "offer", "sdp": sdp, "tracks": tracks,
                                               "subscriptions": subscriptions}, timeout)
            for sub in reply.get("subscriptions", []):
                entry = self.inbound.get(str(sub.get("mid")))
                if entry is not None:
                    entry.track_id = sub.get("trackId", entry.track_id)
                    entry.participant_id = sub.get("participantId")
                    entry.state = sub.get("state")
            self.published = reply.get("tracks", [])
            answer = self.answer_filter(reply["sdp"]) if self.answer_filter else reply["sdp"]
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            return reply

    async def _offer_request(self, msg: dict, timeout: float) -> dict:
        rid = self.next_request_id()
        msg = {**msg, "requestId": rid}
        since = len(self.messages)
        await self.send(msg)
        # §5: an observer's sending m-lines produce an `error forbidden` *and* the answer; other errors end the offer.
        reply = await self.wait_for(
            lambda m: m.get("requestId") == rid and (
                m.get("type") == "answer" or (m.get("type") == "error" and m.get("code") != "forbidden")),
            timeout, since, what=f"answer to offer #{rid}")
        if reply.get("type") == "error":
            raise CBError(reply)
        return reply

    async def _renegotiate_quietly(self) -> None:
        try:
            await self.negotiate()
        except Exception as exc:  # noqa: BLE001 - background renegotiation; tests read the counters
            log.warning("%s: renegotiation failed: %r", self.name, exc)

    def _on_track(self, track: MediaStreamTrack) -> None:
        mid = None
        for transceiver in self.pc.getTransceivers():
            if transceiver.receiver.track is track:
                mid = transceiver.mid
        if mid is None:
            mid = f"?{track.id}"
        entry = self.inbound.setdefault(mid, Inbound(mid=mid, kind=track.kind))
        self._spawn(self._consume(track, entry))

    async def _consume(self, track: MediaStreamTrack, entry: Inbound) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            except Exception as exc:  # noqa: BLE001
                log.warning("%s: track %s recv failed: %r", self.name, entry.mid, exc)
                return
            now = loop.time()
            entry.frames += 1
            entry.last_frame_at = now
            if entry.first_frame_at is None:
                entry.first_frame_at = now

    async def wait_transport(self, state: str = "connected", timeout: float = 15) -> dict:
        return await self.wait_for(lambda m: m.get("type") == "transportState" and m.get("state") == state,
                                   timeout, what=f"transportState {state}")

    def frames(self, kind: Optional[str] = None, participant_id: Optional[str] = None) -> int:
        return sum(e.frames for e in self.inbound.values()
                   if (kind is None or e.kind == kind)
                   and (participant_id is None or e.participant_id == participant_id))

    async def wait_frames(self, minimum: dict, timeout: float,
                          participant_id: Optional[str] = None) -> None:
        """Wait until frames(kind) >= n for every kind, n in `minimum`, e.g. {"video": 30, "audio": 50}."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if all(self.frames(k, participant_id) >= n for k, n in minimum.items()):
                return
            if loop.time() >= deadline:
                raise CBTimeout(f"{self.name}: frames {self.frame_summary()} after {timeout} s, "
                                f"wanted {minimum} (participant {participant_id}); transport {self.transport_state}; "
                                f"pc {self.pc and self.pc.connectionState}/{self.pc and self.pc.iceConnectionState}")
            await asyncio.sleep(0.1)

    def frame_summary(self) -> dict:
        return {mid: f"{e.kind}:{e.participant_id}:{e.state}:{e.frames}" for mid, e in self.inbound.items()}

    def summary(self) -> list:
        return [_short(m, 120) for m in self.messages[-12:]]

    # ---- leaving --------------------------------------------------------------------------------------------------

    async def leave(self) -> None:
        """§5 `leave`: the server removes the participant and closes the socket."""
        if self.ws is not None and not self.closed:
            try:
                await self.send({"type": "leave"})
            except ConnectionClosed:
                pass

    async def go_silent(self) -> None:
        """Stop the media path abruptly, without `leave` and without DTLS close: close aioice's UDP sockets.

        The WebSocket stays open, so the server can only notice through the media consent timeout.
        """
        if self.pc is None:
            return
        seen = set()
        for transceiver in self.pc.getTransceivers():
            for dtls in (transceiver.sender.transport, transceiver.receiver.transport):
                if dtls is None or id(dtls) in seen:
                    continue
                seen.add(id(dtls))
                connection = dtls.transport._connection  # RTCIceTransport -> aioice.Connection
                for protocol in list(getattr(connection, "_protocols", [])):
                    transport = getattr(protocol, "transport", None)
                    if transport is not None:
                        transport.abort()
        # Stop our own senders' encoders too, so nothing pretends to be alive.
        for transceiver in self.pc.getTransceivers():
            if transceiver.sender.track is not None:
                transceiver.sender.track.stop()

    async def close(self, timeout: float = 5) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self.pc is not None:
            try:
                await asyncio.wait_for(self.pc.close(), timeout)
            except Exception:  # noqa: BLE001 - best effort at teardown
                pass
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), timeout)
            except Exception:  # noqa: BLE001
                pass
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except BaseException:  # noqa: BLE001
                pass


def _short(msg: Any, limit: int = 300) -> str:
    if isinstance(msg, dict) and isinstance(msg.get("sdp"), str):
        msg = {**msg, "sdp": f"<{len(msg['sdp'])} bytes>"}
    text = json.dumps(msg) if not isinstance(msg, str) else msg
    return text if len(text) <= limit else text[:limit] + "…"


async def close_all(*clients: Optional[CBClient]) -> None:
    await asyncio.gather(*(c.close() for c in clients if c is not None), return_exceptions=True)


if os.environ.get("CBCLIENT_DEBUG"):
    logging.basicConfig(level=logging.DEBUG)
