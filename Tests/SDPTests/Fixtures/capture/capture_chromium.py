import asyncio, sys
from playwright.async_api import async_playwright
OUT = "/work/main/Tests/SDPTests/Fixtures/"
JS_SEND = """async () => {
  const s = await navigator.mediaDevices.getUserMedia({audio:true, video:true});
  const pc = new RTCPeerConnection();
  for (const t of s.getTracks()) pc.addTransceiver(t, {direction:'sendonly', streams:[s]});
  pc.addTransceiver('audio', {direction:'recvonly'});
  pc.addTransceiver('video', {direction:'recvonly'});
  const o = await pc.createOffer(); await pc.setLocalDescription(o);
  return pc.localDescription.sdp; }"""
JS_RECV = """async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', {direction:'recvonly'});
  pc.addTransceiver('video', {direction:'recvonly'});
  const o = await pc.createOffer(); await pc.setLocalDescription(o);
  return pc.localDescription.sdp; }"""
# renegotiation: publish + subscribe, get an answer from a second local pc, then set one recvonly inactive and re-offer
JS_RENEG = """async () => {
  const s = await navigator.mediaDevices.getUserMedia({audio:true, video:true});
  const pc = new RTCPeerConnection();
  for (const t of s.getTracks()) pc.addTransceiver(t, {direction:'sendonly', streams:[s]});
  const ra = pc.addTransceiver('audio', {direction:'recvonly'});
  const rv = pc.addTransceiver('video', {direction:'recvonly'});
  const o = await pc.createOffer(); await pc.setLocalDescription(o);
  const peer = new RTCPeerConnection();
  await peer.setRemoteDescription(o);
  const s2 = await navigator.mediaDevices.getUserMedia({audio:true, video:true});
  const tr = peer.getTransceivers();
  // answer sending on the two transceivers the offerer receives on
  tr[2].direction = 'sendonly'; await tr[2].sender.replaceTrack(s2.getAudioTracks()[0]);
  tr[3].direction = 'sendonly'; await tr[3].sender.replaceTrack(s2.getVideoTracks()[0]);
  const a = await peer.createAnswer(); await peer.setLocalDescription(a);
  await pc.setRemoteDescription(a);
  rv.direction = 'inactive';
  const o2 = await pc.createOffer(); await pc.setLocalDescription(o2);
  return pc.localDescription.sdp; }"""
async def main():
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path="/usr/bin/chromium", args=["--use-fake-ui-for-media-stream","--use-fake-device-for-media-stream","--no-sandbox"])
        page = await b.new_page()
        await page.route("https://classbridge.test/**", lambda r: r.fulfill(status=200, content_type="text/html", body="<html><body>x</body></html>"))
        await page.goto("https://classbridge.test/")
        print(await page.evaluate("navigator.userAgent"))
        for name, js in [("chromium-offer-sendrecv.sdp", JS_SEND), ("chromium-offer-recvonly.sdp", JS_RECV), ("chromium-offer-renegotiation.sdp", JS_RENEG)]:
            sdp = await page.evaluate(js)
            open(OUT + name, "w", newline="").write(sdp)
            print(name, len(sdp))
        await b.close()
asyncio.run(main())
