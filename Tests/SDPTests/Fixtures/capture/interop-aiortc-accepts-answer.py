import asyncio, subprocess
from aiortc import RTCPeerConnection, RTCConfiguration, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
async def main():
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(AudioStreamTrack()); pc.addTrack(VideoStreamTrack())
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    ans = subprocess.run(["/tmp/h3/.build/debug/answer-tool"], input=pc.localDescription.sdp, capture_output=True, text=True).stdout
    await pc.setRemoteDescription(RTCSessionDescription(sdp=ans, type="answer"))
    print(pc.signalingState, [(t.mid, t.currentDirection, [c.mimeType for c in (t._codecs if hasattr(t,'_codecs') else [])]) for t in pc.getTransceivers()])
    await pc.close()
asyncio.run(main())
