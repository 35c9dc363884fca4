import Testing
import Foundation
import Classroom
import SignalingServer

@Suite struct AccessTokenTests {
    static let secret = "a-test-secret-of-sufficient-length"

    @Test func signAndVerify() async throws {
        let tokens = await AccessTokens(secret: Self.secret)
        let claims = AccessClaims(subject: "li", name: "Ms Li", room: "math", role: .teacher,
                                  expires: Date(timeIntervalSince1970: 4_000_000_000))
        let token = try await tokens.sign(claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(try await tokens.verify(token) == claims)
    }

    @Test func expiredTokenIsReportedAsExpired() async throws {
        let tokens = await AccessTokens(secret: Self.secret)
        let token = try await tokens.sign(AccessClaims(subject: "a", name: "a", room: "r", role: .site,
                                                       expires: Date(timeIntervalSinceNow: -60)))
        do {
            _ = try await tokens.verify(token)
            Issue.record("an expired token was accepted")
        } catch {
            #expect(error.code == "token_expired")
        }
    }

    @Test func wrongSecretOrGarbageIsABadToken() async throws {
        let signer = await AccessTokens(secret: "another-secret-of-sufficient-length")
        let token = try await signer.sign(AccessClaims(subject: "a", name: "a", room: "r", role: .site,
                                                       expires: Date(timeIntervalSinceNow: 60)))
        let tokens = await AccessTokens(secret: Self.secret)
        for bad in [token, "garbage", ""] {
            do {
                _ = try await tokens.verify(bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == "bad_token")
            }
        }
    }
}
