public import Foundation
import JWTKit
public import Classroom

/// The claims of a ClassBridge access token (PROTOCOL.md §2).
public struct AccessClaims: Sendable, Equatable {
    public var subject: String
    public var name: String
    public var room: String
    public var role: Role
    public var expires: Date

    public init(subject: String, name: String, room: String, role: Role, expires: Date) {
        self.subject = subject
        self.name = name
        self.room = room
        self.role = role
        self.expires = expires
    }
}

struct TokenPayload: JWTPayload {
    var sub: SubjectClaim
    var name: String
    var room: String
    var role: String
    var exp: ExpirationClaim

    /// Expiry is checked by `AccessTokens.verify` so it can answer `token_expired` rather than `bad_token`.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Signs and verifies HS256 access tokens with the configured secret.
public struct AccessTokens: Sendable {
    private let keys: JWTKeyCollection

    public init(secret: String) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    public func sign(_ claims: AccessClaims) async throws -> String {
        let payload = TokenPayload(sub: SubjectClaim(value: claims.subject), name: claims.name, room: claims.room,
                                   role: claims.role.rawValue, exp: ExpirationClaim(value: claims.expires))
        return try await keys.sign(payload)
    }

    /// Verifies signature and claims. Throws `ClassroomError` with `bad_token` or `token_expired`.
    public func verify(_ token: String, now: Date = Date()) async throws(ClassroomError) -> AccessClaims {
        let payload: TokenPayload
        do {
            payload = try await keys.verify(token, as: TokenPayload.self)
        } catch {
            throw ClassroomError("bad_token", "the token could not be verified: \(error)")
        }
        guard let role = Role(rawValue: payload.role) else {
            throw ClassroomError("bad_token", "unknown role '\(payload.role)'")
        }
        guard !payload.room.isEmpty, !payload.name.isEmpty else {
            throw ClassroomError("bad_token", "the token needs non-empty room and name claims")
        }
        guard payload.exp.value > now else {
            throw ClassroomError("token_expired", "the token expired at \(payload.exp.value)")
        }
        let subject = payload.sub.value.isEmpty ? payload.name : payload.sub.value
        return AccessClaims(subject: subject, name: payload.name, room: payload.room, role: role,
                            expires: payload.exp.value)
    }
}
