// ClassBridge browser SDK — signaling protocol version 1 (see Signaling/PROTOCOL.md, usage in Signaling/SDK.md).
// A plain ES module: no build step, no dependencies. Served by the server at /sdk/classbridge.js.
//
// One WebSocket and one RTCPeerConnection per client. The client is always the offerer; offers are serialized
// (one in flight) and coalesced (every change requested while an offer is in flight goes into the next one).

const PING_INTERVAL_MS = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** An error from the server (`code` as in PROTOCOL.md §6) or from the SDK itself (see SDK.md, "Error codes"). */
export class ClassBridgeError extends Error {
  constructor(code, message, requestId = undefined) {
    super(message || code);
    this.name = 'ClassBridgeError';
    this.code = code;
    if (requestId !== undefined) this.requestId = requestId;
  }
}

function kindOfTransceiver(t) {
  return t.receiver?.track?.kind ?? t.sender?.track?.kind;
}

function isSending(direction) {
  return direction === 'sendonly' || direction === 'sendrecv';
}

function isReceiving(direction) {
  return direction === 'recvonly' || direction === 'sendrecv';
}

export class ClassBridgeClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.url            ws(s)://host/ws
   * @param {string} options.token          the access token (JWT)
   * @param {boolean} [options.autoSubscribe=true] subscribe to every published track automatically
   * @param {RTCConfiguration} [options.rtcConfig] merged over {iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require'}
   * @param {number} [options.requestTimeout=15000] ms before a request without a reply is rejected (code `timeout`)
   */
  constructor({ url, token, autoSubscribe = true, rtcConfig = {}, requestTimeout = REQUEST_TIMEOUT_MS } = {}) {
    super();
    if (!url) throw new TypeError('ClassBridgeClient: url is required');
    this._url = url;
    this._token = token;
    this._autoSubscribe = autoSubscribe;
    this._rtcConfig = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', ...rtcConfig };
    this._requestTimeout = requestTimeout;

    this._ws = null;
    this._pc = null;
    this._state = 'new'; // new | connecting | joined | closed
    this._nextRequestId = 1;
    this._pending = new Map(); // requestId -> {resolve, reject, type, timer}
    this._pingTimer = null;

    this._room = null;
    this._self = null;                // {id, name, role, tracks: [{id, kind, source, mid}]}
    this._participants = new Map();   // id -> {id, name, role, tracks: [{id, kind, source}]}
    this._trackInfo = new Map();      // trackId -> {id, kind, source, participantId}

    this._publications = [];          // {transceiver, track, source, kind, trackId, active}
    this._subsByTrack = new Map();    // trackId -> sub
    this._subsByTransceiver = new Map(); // RTCRtpTransceiver -> sub
    // sub: {trackId, participantId, kind, source, transceiver, state: 'pending'|'active'|'unavailable', emitted}
    this._recvTransceivers = new Set(); // every transceiver ever used for receiving (reuse pool)
    this._ontrackStreams = new Map(); // transceiver -> stream from the last ontrack

    this._negWaiters = [];
    this._negLoop = null;
    this._lastTransportState = null;
  }

  // ---------------------------------------------------------------------------------------------- accessors
  /** The RTCPeerConnection (null before join()). */
  get pc() { return this._pc; }
  /** Everyone else in the room (never observers): Map id → {id, name, role, tracks: [{id, kind, source}]}. */
  get participants() { return this._participants; }
  /** This participant: {id, name, role, tracks: [{id, kind, source, mid}]} (null before join()). */
  get self() { return this._self; }
  /** The room name from `joined`. */
  get room() { return this._room; }
  /** 'new' | 'connecting' | 'joined' | 'closed'. */
  get state() { return this._state; }
  /** The last transport state reported ('connected' | 'failed' | 'closed'), or null. */
  get transportState() { return this._lastTransportState; }
  /** Current subscriptions: [{trackId, participantId, kind, source, mid, state}]. */
  get subscriptions() {
    return [...this._subsByTrack.values()].map((s) => ({
      trackId: s.trackId, participantId: s.participantId, kind: s.kind, source: s.source,
      mid: s.transceiver?.mid ?? null, state: s.state,
    }));
  }
  /** Looks up what a mid of the peer connection carries: {direction:'recv', trackId, participantId, kind, source}
   *  or {direction:'send', trackId, kind, source}, or null. Used to map getStats() reports to participants. */
  describeMid(mid) {
    if (mid == null) return null;
    for (const s of this._subsByTrack.values()) {
      if (s.transceiver && s.transceiver.mid === mid) {
        return { direction: 'recv', trackId: s.trackId, participantId: s.participantId, kind: s.kind, source: s.source, state: s.state };
      }
    }
    for (const p of this._publications) {
      if (p.active && p.transceiver.mid === mid) {
        return { direction: 'send', trackId: p.trackId, kind: p.kind, source: p.source };
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------- join / leave
  /** Opens the socket, sends `join`, resolves with the `joined` message. Creates the RTCPeerConnection. */
  async join() {
    if (this._state !== 'new') throw new ClassBridgeError('invalid_state', `join() called in state ${this._state}`);
    this._state = 'connecting';
    try {
      await this._openSocket();
      const joined = await this._request({ type: 'join', token: this._token });
      this._onJoined(joined);
      return joined;
    } catch (err) {
      this._teardown({ reason: err.code || 'join_failed', error: err });
      throw err;
    }
  }

  /** Sends `leave`, closes the socket and the peer connection. Local tracks are not stopped (they are yours). */
  leave() {
    if (this._state === 'closed') return;
    if (this._ws && this._ws.readyState === WebSocket.OPEN) {
      try { this._ws.send(JSON.stringify({ type: 'leave' })); } catch { /* closing anyway */ }
    }
    this._teardown({ reason: 'left' });
  }

  /**
   * Restarts ICE (new credentials, new checks) and renegotiates; DTLS and SRTP carry on. For a network change the
   * browser cannot recover from by itself (its ICE state `failed`). Resolves when the answer is applied.
   */
  async restartIce() {
    this._assertJoined();
    this._pc.restartIce();
    return this._negotiate();
  }

  // ---------------------------------------------------------------------------------------------- publish
  /**
   * Publishes a local track: adds a sendonly transceiver and renegotiates.
   * Resolves with {trackId, mid, kind, source} once the server's answer lists the track.
   */
  async publish(track, { source, stream } = {}) {
    this._assertJoined();
    if (!track || (track.kind !== 'audio' && track.kind !== 'video')) throw new TypeError('publish: a MediaStreamTrack is required');
    if (this._self.role === 'observer') throw new ClassBridgeError('forbidden', 'observers may not publish');
    if (this._publications.some((p) => p.active && p.track === track)) throw new ClassBridgeError('already_published', 'track is already published');
    source = source || (track.kind === 'video' ? 'camera' : 'microphone');
    const streams = stream ? [stream] : [new MediaStream([track])];
    const transceiver = this._pc.addTransceiver(track, { direction: 'sendonly', streams });
    const pub = { transceiver, track, source, kind: track.kind, trackId: null, active: true };
    this._publications.push(pub);
    await this._negotiate();
    if (!pub.active) throw new ClassBridgeError('unpublished', 'track was unpublished before the server accepted it');
    if (!pub.trackId) throw new ClassBridgeError('forbidden', 'the server did not accept the track');
    return { trackId: pub.trackId, mid: transceiver.mid, kind: pub.kind, source };
  }

  /** Stops sending a published track (by MediaStreamTrack or trackId): its m-line becomes inactive, renegotiates. */
  async unpublish(trackOrId) {
    this._assertJoined();
    const pub = this._publications.find((p) => p.active && (p.track === trackOrId || (p.trackId && p.trackId === trackOrId)));
    if (!pub) throw new ClassBridgeError('not_published', 'track is not published');
    pub.active = false;
    try { await pub.transceiver.sender.replaceTrack(null); } catch { /* ignore */ }
    pub.transceiver.direction = 'inactive';
    this._self.tracks = this._self.tracks.filter((t) => t.id !== pub.trackId);
    await this._negotiate();
  }

  // ---------------------------------------------------------------------------------------------- subscribe
  /**
   * Subscribes to a track published by someone else. Resolves with {trackId, participantId, mid, state} once the
   * answer came; rejects with code `track_unavailable` if the server answered that the track is gone.
   * The 'track' event delivers the MediaStreamTrack.
   */
  async subscribe(trackId) {
    this._assertJoined();
    let sub = this._subsByTrack.get(trackId);
    if (!sub) {
      const info = this._trackInfo.get(trackId);
      if (!info) throw new ClassBridgeError('unknown_track', `no published track ${trackId}`);
      sub = this._addSubscription(info);
      await this._negotiate();
    } else if (sub.state === 'pending') {
      await this._negotiate();
    }
    if (this._subsByTrack.get(trackId) !== sub) throw new ClassBridgeError('track_unavailable', `track ${trackId} ended`);
    if (sub.state === 'unavailable') throw new ClassBridgeError('track_unavailable', `track ${trackId} is unavailable`);
    return { trackId, participantId: sub.participantId, mid: sub.transceiver.mid, state: sub.state };
  }

  /** Stops receiving a track: its transceiver becomes inactive (and reusable), renegotiates. */
  async unsubscribe(trackId) {
    this._assertJoined();
    if (!this._subsByTrack.has(trackId)) return;
    this._endSubscription(trackId);
    await this._negotiate();
  }

  // ---------------------------------------------------------------------------------------------- internals: socket
  _assertJoined() {
    if (this._state !== 'joined') throw new ClassBridgeError('not_joined', `not joined (state ${this._state})`);
  }

  _openSocket() {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this._url);
      } catch (e) {
        reject(new ClassBridgeError('socket_error', `cannot open ${this._url}: ${e.message}`));
        return;
      }
      this._ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this._pingTimer = setInterval(() => this._ping(), PING_INTERVAL_MS);
        resolve();
      };
      ws.onerror = () => {
        if (!opened) reject(new ClassBridgeError('socket_error', `could not connect to ${this._url}`));
      };
      ws.onclose = (ev) => {
        if (!opened) {
          reject(new ClassBridgeError('socket_error', `could not connect to ${this._url} (close code ${ev.code})`));
          return;
        }
        if (this._state === 'closed') return;
        this._teardown({ reason: 'socket_closed', code: ev.code, wasClean: ev.wasClean, closeReason: ev.reason });
      };
      ws.onmessage = (ev) => this._onMessage(ev.data);
    });
  }

  _send(msg) {
    if (!this._ws || this._ws.readyState !== WebSocket.OPEN) throw new ClassBridgeError('socket_closed', 'the signaling socket is not open');
    this._ws.send(JSON.stringify(msg));
  }

  _request(msg) {
    return new Promise((resolve, reject) => {
      const requestId = this._nextRequestId++;
      const timer = setTimeout(() => {
        if (this._pending.delete(requestId)) {
          reject(new ClassBridgeError('timeout', `no reply to ${msg.type} within ${this._requestTimeout} ms`, requestId));
        }
      }, this._requestTimeout);
      this._pending.set(requestId, { resolve, reject, type: msg.type, timer });
      try {
        this._send({ ...msg, requestId });
      } catch (e) {
        clearTimeout(timer);
        this._pending.delete(requestId);
        reject(e);
      }
    });
  }

  _ping() {
    if (!this._ws || this._ws.readyState !== WebSocket.OPEN) return;
    this._request({ type: 'ping' }).catch(() => { /* a lost pong is not fatal; a closed socket is reported by onclose */ });
  }

  _onMessage(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      this._emit('error', { code: 'malformed', message: 'the server sent a frame that is not JSON' });
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;

    if (msg.type === 'error') {
      this._onServerError(msg);
      return;
    }
    if (msg.requestId !== undefined && (msg.type === 'joined' || msg.type === 'answer' || msg.type === 'pong')) {
      const p = this._pending.get(msg.requestId);
      if (p) {
        this._pending.delete(msg.requestId);
        clearTimeout(p.timer);
        p.resolve(msg);
      }
      return;
    }
    switch (msg.type) {
      case 'participantJoined': this._onParticipantJoined(msg); break;
      case 'participantLeft': this._onParticipantLeft(msg); break;
      case 'trackPublished': this._onTrackPublished(msg); break;
      case 'trackUnpublished': this._onTrackUnpublished(msg); break;
      case 'transportState': this._onTransportState(msg); break;
      default: this._emit('message', { message: msg }); // unknown types are ignored (forward-compatible)
    }
  }

  _onServerError(msg) {
    const { code = 'internal', message = '', requestId } = msg;
    this._emit('error', { code, message, requestId });
    if (requestId === undefined) return;
    const p = this._pending.get(requestId);
    if (!p) return;
    // PROTOCOL.md §5: an observer's sending m-lines get `forbidden` AND the answer still comes: keep waiting for it.
    if (p.type === 'offer' && code === 'forbidden') return;
    this._pending.delete(requestId);
    clearTimeout(p.timer);
    p.reject(new ClassBridgeError(code, message, requestId));
  }

  _teardown({ reason, error, code, wasClean, closeReason }) {
    if (this._state === 'closed') return;
    const wasJoined = this._state === 'joined';
    this._state = 'closed';
    clearInterval(this._pingTimer);
    this._pingTimer = null;
    const closedError = error || new ClassBridgeError(reason === 'left' ? 'left' : 'socket_closed', reason === 'left' ? 'left the room' : 'the signaling socket closed');
    for (const [, p] of this._pending) {
      clearTimeout(p.timer);
      p.reject(closedError);
    }
    this._pending.clear();
    for (const w of this._negWaiters.splice(0)) w.reject(closedError);
    for (const trackId of [...this._subsByTrack.keys()]) this._endSubscription(trackId);
    if (this._ws) {
      const ws = this._ws;
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        try { ws.close(1000, reason); } catch { /* ignore */ }
      }
    }
    if (this._pc) {
      this._pc.ontrack = this._pc.onconnectionstatechange = null;
      try { this._pc.close(); } catch { /* ignore */ }
    }
    if (wasJoined || reason !== 'left') {
      this._emit('closed', { reason, code, wasClean, closeReason, error: error ? { code: error.code, message: error.message } : undefined });
    }
  }

  // ---------------------------------------------------------------------------------------------- internals: room state
  _onJoined(msg) {
    this._room = msg.room;
    this._self = { ...msg.participant, tracks: [] };
    this._state = 'joined';
    this._pc = new RTCPeerConnection(this._rtcConfig);
    this._pc.ontrack = (ev) => {
      if (ev.streams && ev.streams[0]) this._ontrackStreams.set(ev.transceiver, ev.streams[0]);
    };
    this._pc.onconnectionstatechange = () => {
      const s = this._pc.connectionState;
      this._emit('connectionstatechange', { state: s });
      if (s === 'failed' && this._lastTransportState !== 'failed') {
        this._lastTransportState = 'failed';
        this._emit('transportstate', { state: 'failed', reason: 'local_connection_failed', origin: 'local' });
      }
    };
    for (const p of msg.participants || []) this._addParticipant(p, false);
    if (this._autoSubscribe) {
      let any = false;
      for (const info of this._trackInfo.values()) {
        if (!this._subsByTrack.has(info.id)) { this._addSubscription(info); any = true; }
      }
      if (any) this._negotiate().catch(() => { /* reported through 'error' */ });
    }
  }

  _addParticipant(p, emit) {
    const participant = { id: p.id, name: p.name, role: p.role, tracks: [] };
    this._participants.set(p.id, participant);
    for (const t of p.tracks || []) this._addTrackInfo(participant, t);
    if (emit) this._emit('participantjoined', { participant });
    return participant;
  }

  _addTrackInfo(participant, t) {
    const track = { id: t.id, kind: t.kind, source: t.source };
    participant.tracks = participant.tracks.filter((x) => x.id !== t.id).concat([track]);
    this._trackInfo.set(t.id, { ...track, participantId: participant.id });
    return track;
  }

  _onParticipantJoined(msg) {
    if (!msg.participant || msg.participant.id === this._self?.id) return;
    const participant = this._addParticipant(msg.participant, true);
    if (this._autoSubscribe && participant.tracks.length) {
      for (const t of participant.tracks) this._addSubscription(this._trackInfo.get(t.id));
      this._negotiate().catch(() => {});
    }
  }

  _onParticipantLeft(msg) {
    const participant = this._participants.get(msg.participantId);
    let changed = false;
    for (const [trackId, info] of [...this._trackInfo]) {
      if (info.participantId !== msg.participantId) continue;
      if (this._subsByTrack.has(trackId)) { this._endSubscription(trackId); changed = true; }
      this._trackInfo.delete(trackId);
    }
    this._participants.delete(msg.participantId);
    if (participant) this._emit('participantleft', { participant, reason: msg.reason });
    if (changed) this._negotiate().catch(() => {});
  }

  _onTrackPublished(msg) {
    if (!msg.track || msg.participantId === this._self?.id) return;
    let participant = this._participants.get(msg.participantId);
    if (!participant) participant = this._addParticipant({ id: msg.participantId, name: '', role: '' }, false);
    const track = this._addTrackInfo(participant, msg.track);
    this._emit('trackpublished', { participant, track });
    if (this._autoSubscribe && !this._subsByTrack.has(track.id)) {
      this._addSubscription(this._trackInfo.get(track.id));
      this._negotiate().catch(() => {});
    }
  }

  _onTrackUnpublished(msg) {
    const info = this._trackInfo.get(msg.trackId);
    const participant = this._participants.get(msg.participantId);
    if (participant) participant.tracks = participant.tracks.filter((t) => t.id !== msg.trackId);
    const hadSub = this._subsByTrack.has(msg.trackId);
    if (hadSub) this._endSubscription(msg.trackId);
    this._trackInfo.delete(msg.trackId);
    if (participant) this._emit('trackunpublished', { participant, trackId: msg.trackId, track: info ? { id: info.id, kind: info.kind, source: info.source } : null });
    if (hadSub) this._negotiate().catch(() => {});
  }

  _onTransportState(msg) {
    this._lastTransportState = msg.state;
    this._emit('transportstate', { state: msg.state, reason: msg.reason, origin: 'server' });
  }

  // ---------------------------------------------------------------------------------------------- internals: subscriptions
  _addSubscription(info) {
    // Reuse a transceiver of the same kind that was negotiated inactive and carries nothing now.
    let transceiver = null;
    for (const t of this._recvTransceivers) {
      if (t.stopped || t.currentDirection === 'stopped') continue;
      if (this._subsByTransceiver.has(t)) continue;
      if (kindOfTransceiver(t) !== info.kind) continue;
      if (t.currentDirection !== 'inactive' || t.direction !== 'inactive') continue;
      transceiver = t;
      break;
    }
    if (transceiver) {
      transceiver.direction = 'recvonly';
    } else {
      transceiver = this._pc.addTransceiver(info.kind, { direction: 'recvonly' });
      this._recvTransceivers.add(transceiver);
    }
    this._ontrackStreams.delete(transceiver);
    const sub = {
      trackId: info.id, participantId: info.participantId, kind: info.kind, source: info.source,
      transceiver, state: 'pending', emitted: false,
    };
    this._subsByTrack.set(info.id, sub);
    this._subsByTransceiver.set(transceiver, sub);
    return sub;
  }

  _endSubscription(trackId) {
    const sub = this._subsByTrack.get(trackId);
    if (!sub) return;
    this._subsByTrack.delete(trackId);
    this._subsByTransceiver.delete(sub.transceiver);
    try { if (!sub.transceiver.stopped) sub.transceiver.direction = 'inactive'; } catch { /* pc closed */ }
    this._ontrackStreams.delete(sub.transceiver);
    if (sub.emitted) {
      this._emit('trackended', {
        participant: this._participants.get(sub.participantId) || { id: sub.participantId },
        participantId: sub.participantId, trackId, kind: sub.kind, source: sub.source,
        track: sub.transceiver.receiver.track, receiver: sub.transceiver.receiver, mid: sub.transceiver.mid,
      });
    }
  }

  // ---------------------------------------------------------------------------------------------- internals: negotiation
  /** Resolves when a negotiation round that starts after this call has completed. Rounds are serialized and
   *  every request made while a round is in flight is coalesced into the next round. */
  _negotiate() {
    return new Promise((resolve, reject) => {
      if (this._state !== 'joined') { reject(new ClassBridgeError('not_joined', 'not joined')); return; }
      this._negWaiters.push({ resolve, reject });
      if (this._negLoop) return;
      this._negLoop = (async () => {
        await new Promise((r) => setTimeout(r, 0)); // let synchronous callers add their changes first
        while (this._negWaiters.length && this._state === 'joined') {
          const waiters = this._negWaiters.splice(0);
          try {
            await this._negotiateOnce();
            for (const w of waiters) w.resolve();
          } catch (err) {
            const e = err instanceof ClassBridgeError ? err : new ClassBridgeError('negotiation_failed', err?.message || String(err));
            if (this._state === 'joined') this._emit('error', { code: e.code, message: `negotiation failed: ${e.message}`, requestId: e.requestId });
            for (const w of waiters) w.reject(e);
          }
        }
        this._negLoop = null;
      })();
    });
  }

  async _negotiateOnce() {
    const pc = this._pc;
    // Snapshot what this offer carries, before createOffer() reads the transceivers' directions.
    const sends = this._publications.filter((p) => p.active && isSending(p.transceiver.direction));
    const recvs = [...this._subsByTrack.values()].filter((s) => isReceiving(s.transceiver.direction));
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const msg = {
      type: 'offer',
      sdp: pc.localDescription.sdp,
      tracks: sends.map((p) => ({ mid: p.transceiver.mid, source: p.source })),
      subscriptions: recvs.map((s) => ({ mid: s.transceiver.mid, trackId: s.trackId })),
    };
    let answer;
    try {
      answer = await this._request(msg);
      if (typeof answer.sdp !== 'string') throw new ClassBridgeError('bad_answer', 'the answer has no sdp', answer.requestId);
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    } catch (err) {
      // Back to 'stable' so that the next round can offer again.
      if (pc.signalingState === 'have-local-offer') {
        try { await pc.setLocalDescription({ type: 'rollback' }); } catch { /* ignore */ }
      }
      if (err instanceof ClassBridgeError) throw err;
      throw new ClassBridgeError('bad_answer', `setRemoteDescription failed: ${err?.message || err}`);
    }
    this._applyAnswer(answer, recvs);
  }

  _applyAnswer(answer, offeredSubs) {
    const byMid = new Map();
    for (const t of this._pc.getTransceivers()) if (t.mid != null) byMid.set(t.mid, t);

    // Our published tracks and their ids.
    const tracks = [];
    for (const t of answer.tracks || []) {
      const transceiver = byMid.get(t.mid);
      const pub = this._publications.find((p) => p.transceiver === transceiver);
      if (pub && pub.active) {
        pub.trackId = t.trackId;
        tracks.push({ id: t.trackId, kind: t.kind || pub.kind, source: t.source || pub.source, mid: t.mid });
      }
    }
    this._self.tracks = tracks;

    // Subscriptions: mid → trackId/participantId, resolved by transceiver.mid after setRemoteDescription.
    const answered = new Map();
    for (const s of answer.subscriptions || []) answered.set(s.mid, s);
    for (const sub of offeredSubs) {
      if (this._subsByTrack.get(sub.trackId) !== sub) continue; // ended meanwhile
      const a = answered.get(sub.transceiver.mid);
      const active = a && a.trackId === sub.trackId && a.state === 'active' && isReceiving(sub.transceiver.currentDirection);
      if (!active) {
        sub.state = 'unavailable';
        this._subsByTrack.delete(sub.trackId);
        this._subsByTransceiver.delete(sub.transceiver);
        sub.transceiver.direction = 'inactive'; // already inactive in the answer: no renegotiation needed
        this._ontrackStreams.delete(sub.transceiver);
        this._emit('error', { code: 'track_unavailable', message: `track ${sub.trackId} is unavailable`, trackId: sub.trackId });
        continue;
      }
      if (a.participantId && a.participantId !== sub.participantId) sub.participantId = a.participantId;
      sub.state = 'active';
      if (!sub.emitted) {
        sub.emitted = true;
        const receiver = sub.transceiver.receiver;
        let stream = this._ontrackStreams.get(sub.transceiver);
        if (!stream || !stream.getTracks().includes(receiver.track)) stream = new MediaStream([receiver.track]);
        this._emit('track', {
          participant: this._participants.get(sub.participantId) || { id: sub.participantId },
          participantId: sub.participantId, trackId: sub.trackId, source: sub.source, kind: sub.kind,
          track: receiver.track, stream, receiver, transceiver: sub.transceiver, mid: sub.transceiver.mid,
        });
      }
    }
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export default ClassBridgeClient;
