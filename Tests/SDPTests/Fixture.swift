import Foundation
import SDP

/// Loads `Fixtures/<name>` from the test bundle.
enum Fixture {
    static func text(_ name: String) throws -> String {
        guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureError(message: "Fixtures directory missing from the test bundle")
        }
        return try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func parse(_ name: String) throws -> SessionDescription {
        try SessionDescription(parsing: text(name))
    }

    static let all = [
        "chromium-offer-sendrecv.sdp", "chromium-offer-recvonly.sdp", "chromium-offer-renegotiation.sdp",
        "firefox-offer-sendrecv.sdp", "firefox-offer-recvonly.sdp", "aiortc-offer.sdp",
    ]
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
