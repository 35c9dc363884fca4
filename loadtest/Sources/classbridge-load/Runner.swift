import CLoadSupport
import Foundation
import SignalingWire

struct Options {
    var host: UInt32 = 0x7F00_0001
    var httpPort: UInt16 = 8080
    var server: ServerProcess?
    var jsonPath: String?
    var stepSeconds: Double?
    var maxSteps: Int?
}

/// Drives one scenario: joins clients through real signaling, step by step, and measures each step.
final class Runner {
    let scenario: Scenario
    let options: Options
    let engine: Engine
    let runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    var tracksByRoom: [String: [(id: String, kind: String, owner: Int)]] = [:]
    var publishersByRoom: [String: [LoadClient]] = [:]
    var subscribersByRoom: [String: [LoadClient]] = [:]
    var problems: [String] = []

    init(scenario: Scenario, options: Options, engine: Engine) {
        self.scenario = scenario
        self.options = options
        self.engine = engine
    }

    func roomName(_ index: Int) -> String { "\(scenario.name)-\(runID)-r\(index)" }

    // MARK: signaling

    func join(room: String, role: String, publish: Bool) throws -> LoadClient {
        let index = engine.clients.count
        let client = try LoadClient(index: index, name: "\(role)\(index)", room: room, role: role,
                                    publishAudio: publish && scenario.publish.contains("audio"),
                                    publishVideo: publish && scenario.publish.contains("video"))
        client.joinStartNs = cbl_monotonic_ns()
        let token = try fetchToken(host: options.host, port: options.httpPort, room: room, role: role, name: client.name)
        let ws = try WebSocketClient(host: options.host, port: options.httpPort)
        client.ws = ws
        ws.send(.join(requestID: 1, token: token))
        let joined = try ws.receive(timeoutMS: 5000) { ($0["requestId"] as? Int) == 1 }
        guard joined["type"] as? String == "joined" else { throw LoadError("join refused: \(joined)") }
        engine.add(client)
        if !publish || scenario.publishersSubscribe { addMissingSubscriptions(client) }
        try negotiate(client)
        return client
    }

    /// Adds a recvonly m-line for every track of the room (of the subscribed kinds) the client lacks.
    @discardableResult
    func addMissingSubscriptions(_ client: LoadClient) -> Bool {
        let have = Set(client.plan.subscriptions.map(\.trackID))
        var added = false
        for track in tracksByRoom[client.room] ?? [] where track.owner != client.index && !have.contains(track.id)
            && scenario.subscribe.contains(track.kind) {
            client.plan.subscribe(trackID: track.id, kind: track.kind)
            added = true
        }
        return added
    }

    /// One offer/answer round. The first answer sets up the transport and starts ICE.
    func negotiate(_ client: LoadClient) throws {
        guard let ws = client.ws else { return }
        let id = client.nextRequestID()
        let sdp = buildOffer(plan: client.plan, ufrag: client.local.ufrag, pwd: client.local.password,
                             fingerprint: engine.fingerprint, cname: "load\(client.index)",
                             sessionID: UInt64(client.index) + 1000)
        ws.send(.offer(requestID: id, sdp: sdp, tracks: client.plan.offeredTracks,
                       subscriptions: client.plan.offeredSubscriptions))
        let reply = try ws.receive(timeoutMS: 10_000) { message in
            guard (message["requestId"] as? Int) == id else { return false }
            return message["type"] as? String == "answer" || (message["code"] as? String) != "forbidden"
        }
        guard reply["type"] as? String == "answer", let answerSDP = reply["sdp"] as? String else {
            throw LoadError("offer refused: \(reply)")
        }
        for sub in reply["subscriptions"] as? [[String: Any]] ?? [] where sub["state"] as? String != "active" {
            problems.append("client \(client.index): subscription \(sub) not active")
        }
        if client.remote == nil {
            client.remote = try AnswerTransport(sdp: answerSDP)
            engine.startICE(client)
        }
        for track in reply["tracks"] as? [[String: Any]] ?? [] {
            guard let id = track["trackId"] as? String, let kind = track["kind"] as? String,
                  !client.publishedTracks.contains(where: { $0.id == id }) else { continue }
            client.publishedTracks.append((id, kind))
            tracksByRoom[client.room, default: []].append((id, kind, client.index))
        }
        if client.isPublisher { engine.startPublishing(client) }
    }

    // MARK: steps

    func run() throws -> RunReport {
        let floor = try Floor.measure(video: engine.video, audio: engine.audio)
        print(floor.summary)
        var results: [StepResult] = []
        let steps = scenario.steps.prefix(options.maxSteps ?? Int.max)
        var last = Scenario.Step(rooms: 1, publishers: 1, subscribers: 0)
        for step in steps {
            let rooms = step.rooms ?? last.rooms ?? 1
            let publishers = step.publishers ?? last.publishers ?? 1
            let subscribers = step.subscribers ?? last.subscribers ?? 0
            last = Scenario.Step(rooms: rooms, publishers: publishers, subscribers: subscribers)
            let label = "R\(rooms) P\(publishers) S\(subscribers)"
            let rssBefore = options.server?.rssKB()
            let streamsBefore = subscriberStreams()
            let firstNew = engine.clients.count
            print("[\(scenario.name) \(label)] joining…")
            for room in (0..<rooms).map(roomName) {
                while (publishersByRoom[room]?.count ?? 0) < publishers {
                    let client = try join(room: room, role: scenario.publisherRole, publish: true)
                    publishersByRoom[room, default: []].append(client)
                    engine.run(untilNs: cbl_monotonic_ns() + 1_000_000)
                }
            }
            for room in (0..<rooms).map(roomName) {
                while (subscribersByRoom[room]?.count ?? 0) < subscribers {
                    let client = try join(room: room, role: scenario.subscriberRole, publish: false)
                    subscribersByRoom[room, default: []].append(client)
                    engine.run(untilNs: cbl_monotonic_ns() + 1_000_000)
                }
            }
            if scenario.publishersSubscribe {
                for client in publishersByRoom.values.joined() where addMissingSubscriptions(client) {
                    try negotiate(client)
                    engine.run(untilNs: cbl_monotonic_ns() + 1_000_000)
                }
            }
            let newClients = Array(engine.clients[firstNew...])
            engine.run(untilNs: cbl_monotonic_ns() + UInt64(scenario.connectTimeoutSeconds * 1e9)) {
                engine.clients.allSatisfy { $0.failure != nil || self.receivingEverything($0) }
            }
            engine.run(untilNs: cbl_monotonic_ns() + UInt64(scenario.warmupSeconds * 1e9))
            results.append(measure(label: label, rooms: rooms, publishers: publishers, subscribers: subscribers,
                                   newClients: newClients, floor: floor, rssBefore: rssBefore,
                                   newStreams: subscriberStreams() - streamsBefore))
            // The floors again right after the window, so each step's ratio compares like with like in time: in
            // the step's own shape (its fan-out and packet rate, pinned as the server and generator are), and in
            // the fixed shape of earlier reports; and the least a forwarder does in the step's shape, bare and with
            // the step's own RTCP and STUN (alternated round by round).
            let packets = Floor.rtpPackets(video: engine.video, audio: engine.audio)
            let measured = results[results.count - 1]
            let cpus = FloorCPUs.matching(server: options.server?.pid)
            let shape = FloorShape(sentPerSecond: measured.sentPacketsPerSecond,
                                   receivedPerSecond: measured.receivedPacketsPerSecond, pinned: cpus != nil)
            // About 13 s without the engine's loop: the clients' consent checks go on between the rounds, or the
            // server drops the peers of earlier steps (runs 50-69 lost up to half of patrol's rooms that way).
            let keepConsent = { [engine] in
                if engine.sendConsentChecks(olderThanNs: 1_000_000_000) > 0 { usleep(20_000) }  // answered before the round
            }
            let shaped = try ForwarderBound.measureWithFloor(packets: packets, shape: shape,
                                                             control: measured.controlTraffic, cpus: cpus,
                                                             seconds: 0.5, betweenRounds: keepConsent)
            let fixedFloor = try Floor.measureLive(packets: packets, receivers: floor.liveReceivers, seconds: 0.5,
                                                   rounds: 5, betweenRounds: keepConsent)
            results[results.count - 1].use(floor: shaped.floor, shape: shape, fixedFloor: fixedFloor,
                                           forwarderBound: shaped.bound, compliantBound: shaped.compliant)
            // Once more in the groups the server's loop met its RTP packets in: its floor, and what a compliant
            // forwarder offered packets that way costs.
            if let perWakeUp = measured.serverRTPPerWakeUp, let control = measured.controlTraffic {
                let grouped = FloorShape(sentPerSecond: measured.sentPacketsPerSecond,
                                         receivedPerSecond: measured.receivedPacketsPerSecond, pinned: cpus != nil,
                                         packetsPerWakeUp: perWakeUp)
                let inGroups = try ForwarderBound.measureCompliantWithFloor(packets: packets, shape: grouped,
                                                                            control: control, cpus: cpus,
                                                                            seconds: 0.5, betweenRounds: keepConsent)
                results[results.count - 1].use(groupedShape: grouped, floor: inGroups.floor,
                                               compliantBound: inGroups.compliant)
            }
            print(results.last!.row)
            if let line = results.last!.controlLine { print(line) }
            if let line = results.last!.groupedLine { print(line) }
            if let warning = StepResult.stealWarning(percent: measured.stealPercent, step: "\(scenario.name) \(label)") {
                print(warning)
            }
            if let warning = measured.lostClientsWarning { print(warning) }
        }
        print("\n" + StepResult.header)
        for result in results { print(result.row) }
        let passed = checkAssertions(results)
        for client in engine.clients { client.ws?.close() }
        engine.run(untilNs: cbl_monotonic_ns() + 200_000_000)
        let machine = machineDescription()
        let report = RunReport(date: ISO8601DateFormatter().string(from: Date()), host: machine.host, cpu: machine.cpu,
                               floor: floor, pacedVideo: engine.pacingNsPerByte > 0, steps: results, passed: passed, problems: problems)
        if let path = options.jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
            print("JSON: \(path)")
        }
        return report
    }

    func subscriberStreams() -> Int { engine.clients.reduce(0) { $0 + $1.plan.subscriptions.count } }

    /// SRTP is up and a packet of every subscribed kind has arrived (publishers only need SRTP).
    func receivingEverything(_ client: LoadClient) -> Bool {
        guard client.srtpReady else { return false }
        let kinds = Set(client.plan.subscriptions.map(\.kind))
        return (!kinds.contains("video") || client.firstVideoNs != 0) && (!kinds.contains("audio") || client.firstAudioNs != 0)
    }
}
