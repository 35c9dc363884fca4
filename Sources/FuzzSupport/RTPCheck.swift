import RTP

/// RTP (`scripts/fuzz rtp`): the zero-copy view and the owning parser must agree, whatever parses must re-serialize
/// to the same packet, and the VP8 payload descriptor parser takes any payload.
public func checkRTP(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
    let packet = try? RTPPacket(parsing: Array(raw))
    if let view = RTPView(raw) {
        var inside = true
        view.forEachExtension { _, range in inside = inside && range.upperBound <= view.extensionRange.upperBound }
        try require(inside, "an extension element ends past the extension block")
        _ = view.extensionElement(id: 5)
        try require(view.payloadRange.lowerBound == view.headerLength && view.payloadRange.upperBound <= raw.count,
                    "payload range \(view.payloadRange) outside the packet")
        _ = VP8PayloadDescriptor(UnsafeRawBufferPointer(rebasing: raw[view.payloadRange]))
        if let packet {
            try require(packet.ssrc == view.ssrc && packet.sequenceNumber == view.sequenceNumber,
                        "the view and the parser read different headers")
        }
    } else {
        try require(packet == nil, "the parser took what the view refused")
    }
    if let packet { try require((try? RTPPacket(parsing: packet.serialize())) == packet, "round trip") }
    _ = VP8PayloadDescriptor(raw)
}
