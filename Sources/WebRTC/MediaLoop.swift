internal import CSocket
import Foundation
import Synchronization
public import STUN
internal import RTP

/// What the media loop drives: datagrams in, and a periodic tick for timers (DTLS retransmission, consent, RTCP).
public protocol DatagramHandler: AnyObject {
    func handleDatagram(_ bytes: UnsafeMutableRawBufferPointer, from source: TransportAddress, now: Double)
    func tick(now: Double)
    /// True while nothing needs the short tick (no transports): the loop then sleeps up to `idleTickInterval`.
    var isIdle: Bool { get }
}

extension DatagramHandler {
    public var isIdle: Bool { false }
}

/// One thread that owns a UDP socket and everything reached from it. Rooms, transports and the SFU core live on
/// it and are touched only from it, so the forwarding core needs no locks. Other threads hand it work with
/// `execute` / `run` (the only lock is on that job queue). Scale-out is more loops, each with its own socket and
/// rooms (`media.loops`), not threads sharing one loop.
///
/// How it waits: while datagrams keep coming, in the socket's receive itself, for at most a tick interval; once
/// a wait passes without one, in `poll` until the next tick is due, to the millisecond. A wake-up per packet, as
/// at a light lesson, then costs one system call fewer (loadtest/FINDINGS.md, "Waiting in the receive"). Jobs wake it
/// with a datagram of their own (`LoopWaker`), which the handler never sees.
public final class MediaLoop: @unchecked Sendable {
    public let socket: UDPMediaSocket
    public let tickInterval: Double
    /// The tick while the handler is idle. An idle server woke 100 times a second for nothing (5.4 ms of CPU a
    /// second on the benchmark VM); any datagram or job brings the short tick back at once.
    public let idleTickInterval: Double
    private let waker: LoopWaker
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    /// Set with the first job queued since the loop last took them; only that one sends a wake-up datagram.
    private let jobsQueued = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    private var thread: Thread?
    private weak var handler: (any DatagramHandler)?
    private var nextTick = 0.0
    /// The next tick is an idle one (`idleTickInterval` away) until work arrives.
    private var tickIsIdle = false
    private let stopped = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let hasStopped = Atomic<Bool>(false)
    /// RTP datagrams from the kernel's receipt to the end of their handling: for a forwarded packet, until its
    /// last copy is sent. Queueing behind the batch, decryption, routing and every send are in it. Loop thread only.
    public private(set) var rtpDelay = DelayHistogram()
    /// How the loop's waits ended, and the datagrams it took. Loop thread only (the server publishes them once a
    /// second as `classbridge_media_loop_*`).
    public private(set) var wakeUps = WakeUps()

    /// The loop's waits and what they brought, counted since it started. Datagrams per wake-up with datagrams is how
    /// well the loop batches: at a light lesson each packet costs a wake-up of its own (BENCHMARKS.md).
    public struct WakeUps: Sendable, Equatable {
        /// Waits that ended with datagrams (a job's wake-up is one), by where the loop waited: in the socket's
        /// receive (datagrams kept coming) or in `poll` (the first wait after a quiet spell).
        public var inReceive = 0
        public var inPoll = 0
        /// Waits that ended without one: the receive's timeout passed, or `poll`'s wait until the next tick.
        public var empty = 0
        /// Datagrams taken from the socket, a job's wake-up datagram included.
        public var datagrams = 0
        /// Wake-ups that took RTP, and the RTP datagrams they took: how many media packets share a wake-up, which
        /// `datagrams` cannot say where RTCP and consent checks are many (a big fan-out's reports).
        public var withRTP = 0
        public var rtpDatagrams = 0
    }

    /// The loop thread's name, as `top -H`, `perf` and `/proc/PID/task/TID/comm` show it (the load generator finds
    /// the thread by it to read its scheduling statistics).
    public static let threadName = "cb-media-loop"

    /// Makes `socket`'s receives blocking, for at most `tickInterval` each (its sends never block).
    public init(socket: UDPMediaSocket, tickInterval: Double = 0.01, idleTickInterval: Double = 1) throws {
        self.socket = socket
        self.tickInterval = tickInterval
        self.idleTickInterval = idleTickInterval
        waker = try LoopWaker(for: socket)
        try socket.waitInReceive(upTo: tickInterval)
    }

    public func start(handler: any DatagramHandler) {
        self.handler = handler
        running.store(true, ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in
            // Named from inside, through pthread: Foundation's `Thread.name` setter reaches the OS only once the
            // starting thread has stored the new thread's handle, and the new thread can run first (one test run
            // in ~20 found the loop unnamed). Linux keeps ≤ 15 bytes.
            cb_name_current_thread(Self.threadName)
            self.loop()
        }
        thread.qualityOfService = .userInteractive
        self.thread = thread
        thread.start()
    }

    public func stop() {
        running.store(false, ordering: .sequentiallyConsistent)
        waker.signal()
    }

    /// Waits until the loop thread has ended.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = stopped.withLock { waiters -> Bool in
                if hasStopped.load(ordering: .sequentiallyConsistent) { return true }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Runs `job` on the loop thread soon.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        if !jobsQueued.exchange(true, ordering: .acquiringAndReleasing) { waker.signal() }
    }

    /// Runs `body` on the loop thread and returns its result to the caller's task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            execute { continuation.resume(with: Result { try body() }) }
        }
    }

    private func loop() {
        var flowing = false  // the last wait ended with datagrams: wait for the next in the receive itself
        while running.load(ordering: .relaxed) {
            let wasFlowing = flowing
            let received: Int
            if flowing {
                received = socket.receive(waiting: true)  // at most a tick interval (`waitInReceive`)
                if received > 0 { wakeUps.inReceive += 1 } else { wakeUps.empty += 1 }
            } else {
                let now = MonotonicClock.now()
                let waitMs = max(0, Int32(((nextTick - now) * 1000).rounded(.up)))
                received = cb_poll1(socket.fd, waitMs) > 0 ? socket.receive(waiting: false) : 0
                if received > 0 { wakeUps.inPoll += 1 } else if waitMs > 0 { wakeUps.empty += 1 }
            }
            flowing = received > 0
            // Jobs first, as they came first: one may make the transport that a datagram in this batch is for.
            let ranJobs = jobsQueued.load(ordering: .relaxed)
                && jobsQueued.exchange(false, ordering: .acquiringAndReleasing)
            if ranJobs { socket.sendingTogether { runJobs() } }
            // One load of the weak reference per wake-up (it is a runtime call); nil once gone at shutdown, and
            // then the loop must not spin.
            let handler = self.handler
            if received > 0, let handler { handle(received, then: handler) }
            let after = MonotonicClock.now()
            let woke = received > 0 || ranJobs
            // Work arrived while the next tick was an idle one (a job may have made a transport): it comes soon.
            if woke && tickIsIdle {
                nextTick = min(nextTick, after + tickInterval)
                tickIsIdle = false
            }
            // Awake anyway: a tick due within half an interval runs now instead of costing a wake-up of its own (40 %
            // of the loop's wake-ups at a light lesson). So does one at the end of a wait in the receive, which
            // cannot end on the tick's time: such a tick runs late by what the wait overran it, at most half an
            // interval and the kernel's timer tick. Otherwise timers run early, never late.
            if after >= nextTick - (woke || wasFlowing ? tickInterval / 2 : 0) {
                socket.sendingTogether { handler?.tick(now: after) }
                // The next one is due an interval after this one was due, not after it ran: an early tick must not
                // make ticks more frequent (a busy loop would tick every 5 ms). A late one starts from now.
                tickIsIdle = handler?.isIdle ?? true
                nextTick = max(nextTick, after) + (tickIsIdle ? idleTickInterval : tickInterval)
            }
        }
        runJobs()
        hasStopped.store(true, ordering: .sequentiallyConsistent)
        let waiters = stopped.withLock { w -> [CheckedContinuation<Void, Never>] in let c = w; w = []; return c }
        for waiter in waiters { waiter.resume() }
    }

    private func runJobs() {
        let pending = jobs.withLock { queue -> [@Sendable () -> Void] in
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            return taken
        }
        for job in pending { job() }
    }

    /// The `count` datagrams just received, then what else is waiting: more batches while they come full, bounded
    /// so that timers and jobs still run under a flood.
    private func handle(_ count: Int, then handler: any DatagramHandler) {
        let wakeSource = waker.source
        var count = count
        var tookRTP = false
        defer { if tookRTP { wakeUps.withRTP += 1 } }
        for batch in 1...16 {
            wakeUps.datagrams += count
            let now = MonotonicClock.now()
            socket.handleReceived(count) { bytes, source, arrivalNs in
                if source == wakeSource { return }  // a job's wake-up
                socket.sendingTogether { handler.handleDatagram(bytes, from: source, now: now) }
                guard RTPDemux.isRTP(UnsafeRawBufferPointer(bytes)) else { return }
                tookRTP = true
                wakeUps.rtpDatagrams += 1
                if arrivalNs != 0 { rtpDelay.record(ns: UDPMediaSocket.realtimeNanoseconds() - arrivalNs) }
            }
            guard count == UDPMediaSocket.batchSize, batch < 16 else { return }
            count = socket.receive(waiting: false)
        }
    }
}
