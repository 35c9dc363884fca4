/// One RTCP packet of a compound packet.
public enum RTCPPacket: Equatable, Sendable {
    case senderReport(SenderReport)
    case receiverReport(ReceiverReport)
    case sourceDescription(SourceDescription)
    case goodbye(Goodbye)
    case genericNACK(GenericNACK)
    case transportWideFeedback(TransportWideFeedback)
    case pictureLossIndication(PictureLossIndication)
    case fullIntraRequest(FullIntraRequest)
    case remb(ReceiverEstimatedMaxBitrate)
    /// Any other packet type or feedback format. `count` is the 5-bit count/FMT field; `body` is everything after
    /// the 4-byte header, padding removed. Serialization pads `body` to 32 bits with RTCP padding (P bit and a
    /// count byte), so that parsing the result gives the same body back.
    case unknown(packetType: UInt8, count: UInt8, body: [UInt8])

    /// Decodes one packet's body (after the common header, padding removed).
    init(packetType: UInt8, count: UInt8, body: UnsafeRawBufferPointer) throws(RTCPParseError) {
        switch (packetType, count) {
        case (SenderReport.packetType, _): self = .senderReport(try SenderReport(count: count, body: body))
        case (ReceiverReport.packetType, _): self = .receiverReport(try ReceiverReport(count: count, body: body))
        case (SourceDescription.packetType, _):
            self = .sourceDescription(try SourceDescription(count: count, body: body))
        case (Goodbye.packetType, _): self = .goodbye(try Goodbye(count: count, body: body))
        case (GenericNACK.packetType, GenericNACK.format): self = .genericNACK(try GenericNACK(body: body))
        case (TransportWideFeedback.packetType, TransportWideFeedback.format):
            self = .transportWideFeedback(try TransportWideFeedback(body: body))
        case (PictureLossIndication.packetType, PictureLossIndication.format):
            self = .pictureLossIndication(try PictureLossIndication(body: body))
        case (FullIntraRequest.packetType, FullIntraRequest.format):
            self = .fullIntraRequest(try FullIntraRequest(body: body))
        case (ReceiverEstimatedMaxBitrate.packetType, ReceiverEstimatedMaxBitrate.format):
            if let remb = try ReceiverEstimatedMaxBitrate(body: body) {
                self = .remb(remb)
            } else {
                self = .unknown(packetType: packetType, count: count, body: Array(body))
            }
        default:
            self = .unknown(packetType: packetType, count: count, body: Array(body))
        }
    }

    /// Appends this packet's bytes (header included, padded to 32 bits).
    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .senderReport(let p): p.serialize(into: &out)
        case .receiverReport(let p): p.serialize(into: &out)
        case .sourceDescription(let p): p.serialize(into: &out)
        case .goodbye(let p): p.serialize(into: &out)
        case .genericNACK(let p): p.serialize(into: &out)
        case .transportWideFeedback(let p): p.serialize(into: &out)
        case .pictureLossIndication(let p): p.serialize(into: &out)
        case .fullIntraRequest(let p): p.serialize(into: &out)
        case .remb(let p): p.serialize(into: &out)
        case .unknown(let packetType, let count, let body):
            let start = RTCPHeader.begin(&out, count: count, packetType: packetType)
            out.append(contentsOf: body)
            RTCPHeader.end(&out, start: start, paddingBit: true)
        }
    }
}
