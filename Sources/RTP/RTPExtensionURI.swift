/// The header-extension URIs negotiated in SDP (`a=extmap`) that this server understands.
public enum RTPExtensionURI {
    /// RFC 8843 §15: the media identification (MID), ASCII.
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// RFC 8843: RTP stream id (simulcast rid), ASCII.
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    /// RFC 8843: repaired RTP stream id (the rid an RTX stream repairs), ASCII.
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    /// RFC 6464: 1 byte, V bit + level in -dBov.
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// 3 bytes, 6.18 fixed-point seconds.
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// 2 bytes, the transport-wide sequence number.
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
}
