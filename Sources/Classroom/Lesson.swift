import SFU
import WebRTC
import Logging

/// One room (a live lesson): its participants and its SFU router. Confined to the media loop.
final class Lesson {
    let name: String
    let router = Router()
    let logger: Logger
    private(set) var participants: [String: Participant] = [:]
    /// Published tracks by track id.
    private(set) var tracks: [String: (participant: Participant, mid: String)] = [:]

    /// Told +1 and −1 as participants come and go (the loop's load, for placing new rooms).
    private let membershipChanged: (Int) -> Void

    init(name: String, logger: Logger, membershipChanged: @escaping (Int) -> Void = { _ in }) {
        self.name = name
        self.membershipChanged = membershipChanged
        var logger = logger
        logger[metadataKey: "room"] = "\(name)"
        self.logger = logger
    }

    var isEmpty: Bool { participants.isEmpty }

    func add(_ participant: Participant) {
        participants[participant.id] = participant
        membershipChanged(1)
        if participant.role.isVisible {
            broadcast(.participantJoined(participant.info), except: participant)
        }
        logger.info("joined", metadata: ["participant": "\(participant.id)", "role": "\(participant.role.rawValue)"])
    }

    func participant(withIdentity identity: String) -> Participant? {
        participants.values.first { $0.identity == identity }
    }

    /// Everyone a joining participant is shown: visible participants other than itself.
    func visibleParticipants(except participant: Participant) -> [ParticipantInfo] {
        participants.values.filter { $0 !== participant && $0.role.isVisible }.map(\.info).sorted { $0.id < $1.id }
    }

    func track(_ trackID: String) -> (participant: Participant, mid: String)? { tracks[trackID] }

    func registerTrack(_ info: TrackInfo, of participant: Participant, mid: String) {
        tracks[info.id] = (participant, mid)
        broadcast(.trackPublished(participantID: participant.id, track: info), except: participant)
    }

    func unregisterTrack(_ trackID: String, of participant: Participant) {
        tracks[trackID] = nil
        // The router ended subscribers' down tracks with the receiver; their m-lines go inactive on their next offer.
        for other in participants.values where other !== participant {
            for (mid, subscription) in other.subscriptions where subscription.trackID == trackID {
                other.subscriptions[mid] = nil
            }
        }
        broadcast(.trackUnpublished(participantID: participant.id, trackID: trackID), except: participant)
    }

    /// Removes a participant: its tracks end (others are told), its transport closes.
    func remove(_ participant: Participant, reason: LeaveReason) {
        guard !participant.removed else { return }
        participant.removed = true
        for (_, published) in participant.published {
            router.unpublish(published.receiver)
            unregisterTrack(published.info.id, of: participant)
        }
        participant.published.removeAll()
        if let media = participant.media { router.removePeer(media) }
        participant.subscriptions.removeAll()
        participants[participant.id] = nil
        membershipChanged(-1)
        participant.transport?.delegate = nil
        participant.transport?.close()
        if participant.role.isVisible {
            broadcast(.participantLeft(participantID: participant.id, reason: reason), except: participant)
        }
        participant.send(.removed(reason: reason))
        participant.events = nil
        logger.info("left", metadata: ["participant": "\(participant.id)", "reason": "\(reason.rawValue)"])
    }

    func broadcast(_ event: ClassroomEvent, except excluded: Participant?) {
        for participant in participants.values where participant !== excluded { participant.send(event) }
    }
}
