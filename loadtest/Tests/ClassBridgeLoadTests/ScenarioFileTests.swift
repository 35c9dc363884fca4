import Foundation
import Testing
@testable import classbridge_load

/// Every scenario file decodes, and every run is bounded in time: a load test stops by itself.
@Suite struct ScenarioFileTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scenarios").standardized

    @Test func everyScenarioDecodesAndItsStepsAreBounded() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 6)  // lecture, meeting, meetings, audio, patrol, smoke
        for file in files {
            let scenario = try Scenario.load(Self.directory.appendingPathComponent(file).path)
            #expect(!scenario.steps.isEmpty, "\(file)")
            #expect(scenario.stepSeconds > 0 && scenario.stepSeconds <= 60, "\(file): stepSeconds")
            #expect(scenario.warmupSeconds >= 0 && scenario.warmupSeconds <= 10, "\(file): warmupSeconds")
            #expect(scenario.connectTimeoutSeconds > 0 && scenario.connectTimeoutSeconds <= 60, "\(file): connect timeout")
        }
    }

    @Test func theSmokeAssertsDelivery() throws {
        let smoke = try Scenario.load(Self.directory.appendingPathComponent("smoke.json").path)
        #expect(smoke.assert != nil)
    }
}
