/// A client's offer checked against what the server needs (PROTOCOL.md §4): ICE credentials, a sha-256 DTLS
/// fingerprint and a setup role (media or session level), a mid on every m-line (unique), rtcp-mux on every RTP
/// m-line, and every usable m-line in the first BUNDLE group.
///
/// Rejected m-lines (port 0 without `a=bundle-only`) need only a mid. The transport parameters are those of the
/// first usable m-line (the BUNDLE transport); a usable m-line with different ICE credentials or fingerprint is an
/// error, as the server has one transport per peer. m-lines are counted from 0 in error messages, as mids usually are.
public struct WebRTCOffer: Sendable {
    public var iceUfrag: String
    public var icePwd: String
    /// The offerer's sha-256 certificate fingerprint, checked against its DTLS certificate.
    public var fingerprint: Fingerprint
    public var setup: DTLSSetup
    /// The m-lines, in offer order.
    public var media: [MediaDescription]
    /// The mids of the first BUNDLE group.
    public var bundleMids: [String]
    /// Whether the offer allows one- and two-byte header extensions mixed (`a=extmap-allow-mixed`).
    public var extmapAllowMixed: Bool
    /// The parsed offer, unchanged.
    public var sdp: SessionDescription

    public init(_ sdp: SessionDescription) throws(SDPError) {
        guard !sdp.media.isEmpty else { throw SDPError("offer has no m-lines") }
        var seenMids = Set<String>()
        for (index, section) in sdp.media.enumerated() {
            guard let mid = section.mid, !mid.isEmpty else { throw SDPError("\(Self.name(index, section)) has no a=mid") }
            guard seenMids.insert(mid).inserted else {
                throw SDPError("\(Self.name(index, section)) repeats mid \"\(mid)\"")
            }
        }
        let bundle = sdp.bundleGroups.first ?? []
        var transport: (index: Int, ufrag: String, pwd: String, fingerprint: Fingerprint, setup: DTLSSetup)?
        for (index, section) in sdp.media.enumerated() where !section.isRejected {
            let name = Self.name(index, section)
            guard let credentials = sdp.iceCredentials(forMedia: index) else {
                throw SDPError(section.iceUfrag == nil && sdp.attributes.value(named: "ice-ufrag") == nil
                    ? "\(name) has no ice-ufrag" : "\(name) has no ice-pwd")
            }
            guard let fingerprint = sdp.fingerprint(forMedia: index) else {
                let others = sdp.fingerprints(forMedia: index).map(\.algorithm)
                throw SDPError(others.isEmpty ? "\(name) has no a=fingerprint"
                    : "\(name) has no sha-256 fingerprint (only \(others.joined(separator: ", ")))")
            }
            guard let setup = sdp.setup(forMedia: index) else { throw SDPError("\(name) has no valid a=setup") }
            guard setup != .holdconn else { throw SDPError("\(name) has a=setup:holdconn, which cannot be answered") }
            if section.isRTP, !section.rtcpMux { throw SDPError("\(name) has no a=rtcp-mux (rtcp-mux is required)") }
            guard let mid = section.mid, bundle.contains(mid) else {
                throw SDPError(bundle.isEmpty ? "offer has no a=group:BUNDLE (BUNDLE is required)"
                    : "\(name) is not in the BUNDLE group (BUNDLE is required)")
            }
            if let first = transport {
                guard first.ufrag == credentials.ufrag, first.pwd == credentials.pwd else {
                    throw SDPError("\(name) has ICE credentials different from m-line \(first.index)")
                }
                guard first.fingerprint.matches(fingerprint) else {
                    throw SDPError("\(name) has a fingerprint different from m-line \(first.index)")
                }
            } else {
                transport = (index, credentials.ufrag, credentials.pwd, fingerprint, setup)
            }
        }
        guard let transport else { throw SDPError("offer has no usable m-line (all are rejected)") }
        iceUfrag = transport.ufrag
        icePwd = transport.pwd
        fingerprint = transport.fingerprint
        setup = transport.setup
        media = sdp.media
        bundleMids = bundle
        extmapAllowMixed = sdp.extmapAllowMixed
        self.sdp = sdp
    }

    /// Parses and validates offer text; both kinds of error come back as `SDPError`.
    public init(parsing text: String) throws(SDPError) {
        try self.init(SessionDescription(parsing: text))
    }

    /// The offerer's direction for m-line `index` (its own, else the session-level one).
    public func direction(forMedia index: Int) -> MediaDirection { sdp.direction(forMedia: index) }

    static func name(_ index: Int, _ section: MediaDescription) -> String { "m-line \(index) (\(section.kind))" }
}
