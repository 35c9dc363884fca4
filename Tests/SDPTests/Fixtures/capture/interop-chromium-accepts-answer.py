import asyncio, subprocess, json
from playwright.async_api import async_playwright
TOOL = "/tmp/h3/.build/debug/answer-tool"
JS = """async ([mode]) => {
  const pc = new RTCPeerConnection();
  const streams = [];
  pc.ontrack = e => streams.push([e.transceiver.mid, e.streams.map(s => s.id), e.track.kind]);
  if (mode !== 'recvonly') {
    const s = await navigator.mediaDevices.getUserMedia({audio:true, video:true});
    for (const t of s.getTracks()) pc.addTransceiver(t, {direction:'sendonly', streams:[s]});
  }
  pc.addTransceiver('audio', {direction:'recvonly'});
  pc.addTransceiver('video', {direction:'recvonly'});
  if (mode === 'datachannel') pc.createDataChannel('chat');
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await window.getAnswer(pc.localDescription.sdp);
  if (answer.startsWith('ERROR')) return answer;
  await pc.setRemoteDescription({type:'answer', sdp: answer});
  const r = {state: pc.signalingState, dirs: pc.getTransceivers().map(t => [t.mid, t.currentDirection]), streams};
  if (mode === 'reneg') {
    pc.getTransceivers()[3].direction = 'inactive';
    await pc.setLocalDescription(await pc.createOffer());
    const a2 = await window.getAnswer(pc.localDescription.sdp);
    await pc.setRemoteDescription({type:'answer', sdp: a2});
    r.reneg = pc.getTransceivers().map(t => [t.mid, t.currentDirection]);
  }
  r.sctp = pc.sctp ? pc.sctp.state : null;
  pc.close();
  return r; }"""
async def main():
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path="/usr/bin/chromium", args=["--use-fake-ui-for-media-stream","--use-fake-device-for-media-stream","--no-sandbox"])
        page = await b.new_page()
        await page.route("https://classbridge.test/**", lambda r: r.fulfill(status=200, content_type="text/html", body="<html></html>"))
        await page.goto("https://classbridge.test/")
        await page.expose_function("getAnswer", lambda sdp: subprocess.run([TOOL], input=sdp, capture_output=True, text=True).stdout)
        for mode in ["sendrecv", "recvonly", "reneg", "datachannel"]:
            print(mode, json.dumps(await page.evaluate(JS, [mode])))
        await b.close()
asyncio.run(main())
