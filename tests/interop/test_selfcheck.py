"""Checks of the test tooling itself, without a ClassBridge server: synthetic tracks over aiortc on loopback,
the fingerprint munger, the HS256 signer and Chromium's launch with fake devices."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re

from aiortc import RTCConfiguration, RTCPeerConnection

import cbclient
from support import run, sign_token


async def loopback_call() -> tuple[int, int, str]:
    a = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    b = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    counts = {"video": 0, "audio": 0}

    async def consume(track):
        while True:
            try:
                await track.recv()
            except Exception:  # noqa: BLE001 - ends with the call
                return
            counts[track.kind] += 1

    tasks = []
    b.on("track", lambda t: tasks.append(asyncio.create_task(consume(t))))
    try:
        a.addTransceiver(cbclient.SineTrack(), direction="sendonly")
        a.addTransceiver(cbclient.MovingPatternTrack(), direction="sendonly")
        await a.setLocalDescription(await a.createOffer())
        offer_sdp = a.localDescription.sdp
        await b.setRemoteDescription(a.localDescription)
        await b.setLocalDescription(await b.createAnswer())
        await a.setRemoteDescription(b.localDescription)
        for _ in range(150):
            if counts["video"] >= 30 and counts["audio"] >= 50:
                break
            await asyncio.sleep(0.1)
        return counts["video"], counts["audio"], offer_sdp
    finally:
        for t in tasks:
            t.cancel()
        await a.close()
        await b.close()


def test_synthetic_tracks_over_loopback_ice():
    video, audio, sdp = run(loopback_call(), 30)
    assert video >= 30 and audio >= 50, (video, audio)
    hosts = set(re.findall(r"a=candidate:\S+ \d+ udp \d+ (\S+) \d+ typ host", sdp))
    assert hosts == {"127.0.0.1"}, sdp


def test_munge_fingerprint():
    sdp = "v=0\r\na=fingerprint:sha-256 00:FF:10\r\na=setup:actpass\r\n"
    assert cbclient.munge_fingerprint(sdp) == "v=0\r\na=fingerprint:sha-256 FF:00:EF\r\na=setup:actpass\r\n"


def test_sign_token_is_hs256():
    token = sign_token("secret", sub="a", exp=1)
    header, payload, sig = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    assert json.loads(base64.urlsafe_b64decode(pad(header))) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(base64.urlsafe_b64decode(pad(payload))) == {"sub": "a", "exp": 1}
    expected = hmac.new(b"secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(pad(sig)) == expected


def test_ws_url():
    assert cbclient.ws_url_for("http://127.0.0.1:8080") == "ws://127.0.0.1:8080/ws"
    assert cbclient.ws_url_for("https://h/") == "wss://h/ws"


async def chromium_fake_devices() -> dict:
    from playwright.async_api import async_playwright

    from browser import launch
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page()
            # A page on http://127.0.0.1 is a secure context (a data: URL is not: no mediaDevices there).
            await page.route("http://127.0.0.1:9/**",
                             lambda r: r.fulfill(body="<title>probe</title>", content_type="text/html"))
            await page.goto("http://127.0.0.1:9/")
            return await page.evaluate("""async () => {
              const s = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
              const a = new RTCPeerConnection(), b = new RTCPeerConnection();
              a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
              b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
              s.getTracks().forEach(t => a.addTrack(t, s));
              await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
              await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
              const out = {kinds: s.getTracks().map(t => t.kind).sort()};
              for (let i = 0; i < 100 && !(out.framesDecoded > 0); i++) {
                await new Promise(r => setTimeout(r, 100));
                (await b.getStats()).forEach(r => {
                  if (r.type === 'inbound-rtp' && r.kind === 'video') out.framesDecoded = r.framesDecoded;
                });
              }
              a.close(); b.close(); s.getTracks().forEach(t => t.stop());
              return out;
            }""")
        finally:
            await browser.close()


def test_chromium_launches_with_fake_devices():
    out = run(chromium_fake_devices(), 60)
    assert out["kinds"] == ["audio", "video"], out
    assert out.get("framesDecoded", 0) > 0, out
