import Foundation
public import Classroom
public import Logging
import SignalingWire

/// One signaling connection (PROTOCOL.md): reads client messages in order, turns them into classroom calls, and
/// writes replies and room events through one ordered outbox. Transport-agnostic: the WebSocket glue feeds it
/// text frames and drains `outbox`.
public final class SignalingSession: Sendable {
    public enum Output: Sendable, Equatable {
        case text(String)
        /// A room event. Rooms raise events on their media loop; whoever drains the outbox encodes them (`text`),
        /// so a join in a room of N costs that loop N queue pushes, not N JSON encodings, and the room's
        /// members share one encoding (`EventTextCache`).
        case event(ClassroomEvent)
        case close

        /// The text frame to send; nil for `close`.
        public var text: String? {
            switch self {
            case .text(let text): return text
            case .event(let event): return EventTextCache.shared.text(for: event)
            case .close: return nil
            }
        }
    }

    private let classroom: ClassroomService
    private let tokens: AccessTokens
    private let logger: Logger
    private let continuation: AsyncStream<Output>.Continuation
    /// Replies and events, in the order they must be sent.
    public let outbox: AsyncStream<Output>
    private let joined = LockedBox<(participantID: String, room: String)?>(nil)

    public init(classroom: ClassroomService, tokens: AccessTokens, logger: Logger) {
        self.classroom = classroom
        self.tokens = tokens
        self.logger = logger
        (outbox, continuation) = AsyncStream.makeStream(of: Output.self)
    }

    /// Handles one text frame. Never throws: every failure becomes an `error` reply.
    public func receive(_ text: String) async {
        let message: ClientMessage
        do {
            message = try ClientMessage.decode(text)
        } catch {
            send(ServerMessage.error(requestID: error.requestID, code: error.code, message: error.message))
            return
        }
        switch message {
        case .ping(let id):
            send(ServerMessage.pong(requestID: id))
        case .join(let id, let token):
            await join(requestID: id, token: token)
        case .offer(let id, let sdp, let tracks, let subscriptions):
            guard let member = joined.value else {
                send(ServerMessage.error(requestID: id, code: "not_joined", message: "send 'join' first"))
                return
            }
            do {
                let result = try await classroom.offer(
                    participantID: member.participantID, room: member.room, sdp: sdp,
                    publish: tracks.map { PublishRequest(mid: $0.mid, source: $0.source ?? "") },
                    subscribe: subscriptions.map { SubscribeRequest(mid: $0.mid, trackID: $0.trackID) })
                for warning in result.warnings {
                    send(ServerMessage.error(requestID: id, code: warning.code, message: warning.message))
                }
                send(ServerMessage.answer(requestID: id, result: result))
            } catch let error as ClassroomError {
                send(ServerMessage.error(requestID: id, code: error.code, message: error.message))
            } catch {
                send(ServerMessage.error(requestID: id, code: "internal", message: "\(error)"))
            }
        case .leave(let id):
            guard let member = joined.take() else {
                send(ServerMessage.error(requestID: id, code: "not_joined", message: "send 'join' first"))
                return
            }
            await classroom.leave(participantID: member.participantID, room: member.room)
            continuation.yield(.close)
            continuation.finish()
        }
    }

    /// The socket closed (by the peer or the network).
    public func closed() async {
        if let member = joined.take() {
            await classroom.connectionClosed(participantID: member.participantID, room: member.room)
        }
        continuation.finish()
    }

    private func join(requestID: Int?, token: String) async {
        guard joined.value == nil else {
            send(ServerMessage.error(requestID: requestID, code: "already_joined", message: "this connection already joined"))
            return
        }
        do {
            let claims = try await tokens.verify(token)
            let continuation = self.continuation
            let result = try await classroom.join(room: claims.room, identity: claims.subject, name: claims.name,
                                                  role: claims.role) { event in
                if case .removed = event {
                    continuation.yield(.close)
                    continuation.finish()
                } else {
                    continuation.yield(.event(event))
                }
            }
            joined.set((result.participant.id, result.room))
            send(ServerMessage.joined(requestID: requestID, result: result))
        } catch let error as ClassroomError {
            send(ServerMessage.error(requestID: requestID, code: error.code, message: error.message))
            if error.code == "bad_token" || error.code == "token_expired" {
                continuation.yield(.close)
                continuation.finish()
            }
        } catch {
            send(ServerMessage.error(requestID: requestID, code: "internal", message: "\(error)"))
        }
    }

    private func send(_ message: some Encodable) {
        continuation.yield(.text(ServerMessage.encode(message)))
    }
}

/// A tiny lock-protected value for per-connection state touched from the socket task and event callbacks.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
}

extension LockedBox {
    func take<T>() -> T? where Value == T? {
        lock.withLock {
            let value = stored
            stored = nil
            return value
        }
    }
}
