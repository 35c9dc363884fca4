import Testing
@testable import RTCP

/// Parses `bytes`, checks that serializing the result gives the same bytes back, and returns the packets.
func roundTrip(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> [RTCPPacket] {
    let packets = try RTCPCompound.parse(bytes)
    #expect(RTCPCompound.serialize(packets) == bytes, sourceLocation: sourceLocation)
    return packets
}
