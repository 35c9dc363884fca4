/// Where the SFU sends packets: a peer's transport (SRTP + UDP). The SFU never sees sockets or keys.
public protocol PacketSink: AnyObject {
    /// Where to build the next packet for `sendRTP` or `sendRTCP(_:length:)`: memory the sink sends from without
    /// copying it (a socket's send slot), or else `scratch`. Valid until the sink's next send.
    func sendBuffer(orElse scratch: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer
    /// Protects and sends `length` bytes of RTP. `buffer` has at least `trailerRoom` bytes after the packet.
    func sendRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int)
    /// Protects and sends `length` bytes of RTCP (a compound packet). `buffer` has at least `trailerRoom` bytes
    /// after it.
    func sendRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int)
    /// Protects and sends one RTCP compound packet.
    func sendRTCP(_ packet: [UInt8])
}

extension PacketSink {
    /// A sink that copies what it sends: build in the caller's scratch.
    public func sendBuffer(orElse scratch: UnsafeMutableRawBufferPointer) -> UnsafeMutableRawBufferPointer { scratch }

    public func sendRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) { sendRTCP(Array(buffer[0..<length])) }
}

public enum MediaKind: String, Sendable, Hashable {
    case audio, video
}

/// Header extension ids negotiated on one m-line (0 = not negotiated). BUNDLE requires one id per URI per transport.
public struct HeaderExtensionIDs: Sendable, Equatable {
    public var mid: UInt8 = 0
    public var audioLevel: UInt8 = 0
    public var absSendTime: UInt8 = 0
    public var transportCC: UInt8 = 0

    public init(mid: UInt8 = 0, audioLevel: UInt8 = 0, absSendTime: UInt8 = 0, transportCC: UInt8 = 0) {
        self.mid = mid
        self.audioLevel = audioLevel
        self.absSendTime = absSendTime
        self.transportCC = transportCC
    }
}

/// The codec of one side of a forwarded track, as negotiated in that side's SDP.
public struct TrackCodec: Sendable, Equatable {
    public var payloadType: UInt8
    public var clockRate: UInt32
    /// RTX (RFC 4588) payload type when negotiated.
    public var rtxPayloadType: UInt8?
    /// Generic NACK negotiated (a=rtcp-fb nack).
    public var nack: Bool

    public init(payloadType: UInt8, clockRate: UInt32, rtxPayloadType: UInt8? = nil, nack: Bool = false) {
        self.payloadType = payloadType
        self.clockRate = clockRate
        self.rtxPayloadType = rtxPayloadType
        self.nack = nack
    }
}
