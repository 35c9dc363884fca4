import Foundation

/// A scenario file (loadtest/scenarios/*.json). Every step sets the population to reach (per room); clients are
/// only ever added, so step N measures the cumulative population. Every step is bounded: joins, a warm-up, then
/// `stepSeconds` of measurement.
struct Scenario: Decodable {
    struct Video: Decodable { var width = 640; var height = 360; var fps = 30; var kbps = 1000; var clipSeconds = 3.0 }
    struct Audio: Decodable { var kbps = 32 }
    struct Step: Decodable {
        var rooms: Int?
        var publishers: Int?
        var subscribers: Int?
    }
    /// Delivery assertions (CI smoke): every subscriber got > 0 packets of each subscribed kind, loss below the bound.
    struct Assertions: Decodable { var maxLossPercent: Double = 5 }

    var name: String
    var description: String?
    var stepSeconds: Double = 15
    var warmupSeconds: Double = 2
    var connectTimeoutSeconds: Double = 20
    var video: Video? = Video()
    var audio: Audio? = Audio()
    var publisherRole = "teacher"
    var subscriberRole = "site"
    /// Kinds publishers send, and kinds subscribers (and publishers, when `publishersSubscribe`) receive.
    var publish = ["audio", "video"]
    var subscribe = ["audio", "video"]
    var publishersSubscribe = false
    var steps: [Step]
    var assert: Assertions?

    private enum CodingKeys: String, CodingKey {
        case name, description, stepSeconds, warmupSeconds, connectTimeoutSeconds, video, audio, publisherRole,
             subscriberRole, publish, subscribe, publishersSubscribe, steps, assert
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        stepSeconds = try c.decodeIfPresent(Double.self, forKey: .stepSeconds) ?? stepSeconds
        warmupSeconds = try c.decodeIfPresent(Double.self, forKey: .warmupSeconds) ?? warmupSeconds
        connectTimeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .connectTimeoutSeconds) ?? connectTimeoutSeconds
        video = try c.decodeIfPresent(PartialVideo.self, forKey: .video)?.value ?? Video()
        audio = try c.decodeIfPresent(PartialAudio.self, forKey: .audio)?.value ?? Audio()
        publisherRole = try c.decodeIfPresent(String.self, forKey: .publisherRole) ?? publisherRole
        subscriberRole = try c.decodeIfPresent(String.self, forKey: .subscriberRole) ?? subscriberRole
        publish = try c.decodeIfPresent([String].self, forKey: .publish) ?? publish
        subscribe = try c.decodeIfPresent([String].self, forKey: .subscribe) ?? subscribe
        publishersSubscribe = try c.decodeIfPresent(Bool.self, forKey: .publishersSubscribe) ?? false
        steps = try c.decode([Step].self, forKey: .steps)
        assert = try c.decodeIfPresent(PartialAssertions.self, forKey: .assert)?.value
        guard !steps.isEmpty else { throw LoadError("scenario \(name) has no steps") }
    }

    static func load(_ argument: String) throws -> Scenario {
        var path = argument
        if !(path.hasSuffix(".json") && FileManager.default.fileExists(atPath: path)) {
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            // .../loadtest/.build/<triple>/<config>/classbridge-load → .../loadtest/scenarios/
            let candidates = ["scenarios/\(argument).json", "loadtest/scenarios/\(argument).json",
                              executable.deletingLastPathComponent().appendingPathComponent("../../../scenarios/\(argument).json").path]
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw LoadError("no scenario file \(argument) (tried \(candidates.joined(separator: ", ")))")
            }
            path = found
        }
        return try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Decodes sub-objects whose keys are all optional (missing keys keep the defaults above).
private struct PartialVideo: Decodable {
    var value = Scenario.Video()
    private enum K: String, CodingKey { case width, height, fps, kbps, clipSeconds }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: K.self)
        value.width = try c.decodeIfPresent(Int.self, forKey: .width) ?? value.width
        value.height = try c.decodeIfPresent(Int.self, forKey: .height) ?? value.height
        value.fps = try c.decodeIfPresent(Int.self, forKey: .fps) ?? value.fps
        value.kbps = try c.decodeIfPresent(Int.self, forKey: .kbps) ?? value.kbps
        value.clipSeconds = try c.decodeIfPresent(Double.self, forKey: .clipSeconds) ?? value.clipSeconds
    }
}

private struct PartialAudio: Decodable {
    var value = Scenario.Audio()
    private enum K: String, CodingKey { case kbps }
    init(from decoder: any Decoder) throws {
        value.kbps = try decoder.container(keyedBy: K.self).decodeIfPresent(Int.self, forKey: .kbps) ?? value.kbps
    }
}

private struct PartialAssertions: Decodable {
    var value = Scenario.Assertions()
    private enum K: String, CodingKey { case maxLossPercent }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: K.self)
        value.maxLossPercent = try c.decodeIfPresent(Double.self, forKey: .maxLossPercent) ?? value.maxLossPercent
    }
}
