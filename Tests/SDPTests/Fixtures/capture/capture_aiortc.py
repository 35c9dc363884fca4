import asyncio
from aiortc import RTCPeerConnection, RTCConfiguration
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
async def main():
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTrack(AudioStreamTrack()); pc.addTrack(VideoStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    open("/work/main/Tests/SDPTests/Fixtures/aiortc-offer.sdp", "w", newline="").write(pc.localDescription.sdp)
    await pc.close()
asyncio.run(main())
