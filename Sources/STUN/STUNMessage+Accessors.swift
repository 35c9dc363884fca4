/// Convenience getters: each returns the first matching attribute.
extension STUNMessage {
    /// Attributes up to and including the first MESSAGE-INTEGRITY (all of them if there is none), plus a
    /// FINGERPRINT that follows it: the ones an integrity check vouches for (RFC 8489 §14.5).
    public var authenticatedAttributes: ArraySlice<STUNAttribute> {
        guard let index = attributes.firstIndex(where: { if case .messageIntegrity = $0 { true } else { false } })
        else { return attributes[...] }
        let next = attributes.index(after: index)
        if next < attributes.endIndex, case .fingerprint = attributes[next] { return attributes[...next] }
        return attributes[...index]
    }

    public var username: String? {
        for case .username(let value) in attributes { return value }
        return nil
    }

    public var priority: UInt32? {
        for case .priority(let value) in attributes { return value }
        return nil
    }

    public var useCandidate: Bool {
        attributes.contains(.useCandidate)
    }

    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    public var xorMappedAddress: TransportAddress? {
        for case .xorMappedAddress(let value) in attributes { return value }
        return nil
    }

    public var mappedAddress: TransportAddress? {
        for case .mappedAddress(let value) in attributes { return value }
        return nil
    }

    public var errorCode: (code: Int, reason: String)? {
        for case .errorCode(let code, let reason) in attributes { return (code, reason) }
        return nil
    }

    public var software: String? {
        for case .software(let value) in attributes { return value }
        return nil
    }

    public var messageIntegrity: [UInt8]? {
        for case .messageIntegrity(let value) in attributes { return value }
        return nil
    }

    public var fingerprint: UInt32? {
        for case .fingerprint(let value) in attributes { return value }
        return nil
    }
}
