import ICE
import STUN

/// STUN (`scripts/fuzz stun`): the checks the media path runs on a datagram from anyone (framing, integrity,
/// fingerprint, the ufrag used for routing, an ICE-lite agent's whole handling), and whatever parses must
/// re-serialize to the same message. The agent lives across inputs, as a transport's does across datagrams.
public final class STUNCheck {
    static let password = "VOkJxbRl1RmTxUk/WvJxBt"
    var agent = ICELiteAgent(local: ICECredentials(ufrag: "evtj", password: password), remoteUfrag: "",
                             consentTimeout: 30)
    var clock = 0.0

    public init() {}

    public func check(_ raw: UnsafeRawBufferPointer) throws(FuzzFailure) {
        _ = STUNMessage.isSTUN(raw)
        _ = STUNMessage.verifyIntegrity(raw, key: Array(Self.password.utf8))
        _ = STUNMessage.verifyFingerprint(raw)
        _ = stunLocalUfrag(raw)
        clock += 1
        _ = agent.handle(stun: raw, from: TransportAddress(ip: .v4(0x7F00_0001), port: 9), now: clock)
        _ = agent.tick(now: clock)
        if let message = try? STUNMessage(parsing: raw) {
            try require((try? STUNMessage(parsing: message.serialize())) == message, "round trip")
        }
    }
}
