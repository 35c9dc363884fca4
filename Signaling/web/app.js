// ClassBridge classroom page. Plain ES module, no framework. Uses the SDK served at /sdk/classbridge.js.
//
// Query parameters: ?room=R&name=N&role=ROLE&autojoin=1 prefill the form and join at once;
// optional &token=JWT (skips /dev/token) and &ws=ws://host:port/ws (another signaling URL).
//
// Test contract: window.classbridge (see Signaling/SDK.md, "The classroom page").

import { ClassBridgeClient } from '/sdk/classbridge.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('join-form'), room: $('room'), name: $('name'), role: $('role'), token: $('token'), tokenRow: $('token-row'),
  joinPanel: $('join-panel'), join: $('join'), leave: $('leave'), status: $('status'), messages: $('messages'),
  audioHint: $('audio-hint'), stage: $('stage'), tiles: $('tiles'), emptyRoom: $('empty-room'),
  localVideo: $('local-video'), localPlaceholder: $('local-placeholder'), localName: $('local-name'), localRole: $('local-role'),
};

const ROLE_LABELS = { teacher: 'Teacher', site: 'Classroom', expert: 'Expert', observer: 'Observer' };

let localStream = null;
// After a lost session (socket closed by the server or the network, or the media connection failed), the page joins
// again by itself, with the same room, name, role and camera, until it is back or the user leaves.
let rejoinTimer = null;
let rejoinDelay = 1000;
const REJOIN_DELAY_MAX = 10000;
// Media connected at least once since Join. A media connection that fails without that (UDP blocked at the school,
// say) is reported, not retried: a rejoin would not help, and the others would see the site leave and join again.
let mediaWorked = false;
const tiles = new Map(); // participantId -> {participant, el, video, placeholder, tracks: Map trackId -> MediaStreamTrack}
let audioBlocked = false; // set when the browser refused to play sound without a click

// ------------------------------------------------------------------------------------------------ test contract
const cb = {
  state: 'idle',            // 'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error'
  lastError: null,          // {code, message} or null
  client: null,             // the ClassBridgeClient
  transportState: null,     // last 'transportstate' state
  rejoins: 0,               // times the page joined again by itself after a lost session
  participants: () => [...tiles.values()].map(({ participant: p }) => ({ id: p.id, name: p.name, role: p.role })),
  inboundStats,
  outboundStats,
  remoteInboundStats,
};
window.classbridge = cb;

// ------------------------------------------------------------------------------------------------ messages and status
function setState(state) {
  cb.state = state;
  ui.status.dataset.state = state;
  renderStatus();
}

function renderStatus() {
  const c = cb.client;
  let text;
  switch (cb.state) {
    case 'idle': text = 'Not connected'; break;
    case 'joining': text = 'Joining…'; break;
    case 'joined': {
      const me = c?.self;
      const media = cb.transportState ? `media ${cb.transportState}` : 'media connecting…';
      text = `In ${c?.room ?? ''} as ${me?.name ?? ''} (${ROLE_LABELS[me?.role] ?? me?.role ?? ''}) · ${media}`;
      break;
    }
    case 'reconnecting': text = 'Connection lost · reconnecting…'; break;
    case 'left': text = 'You left the lesson'; break;
    case 'error': text = 'Not connected (error)'; break;
    default: text = cb.state;
  }
  ui.status.textContent = text;
  ui.status.dataset.transport = cb.transportState ?? '';
}

function showMessage(kind, text, key = kind) {
  let el = ui.messages.querySelector(`[data-key="${key}"]`);
  if (!el) {
    el = document.createElement('div');
    el.dataset.key = key;
    el.className = `message ${kind}`;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    close.onclick = () => el.remove();
    const span = document.createElement('span');
    el.append(span, close);
    ui.messages.append(el);
  }
  el.querySelector('span').textContent = text;
}

function clearMessages() {
  ui.messages.replaceChildren();
}

function reportError(code, message, { fatal = false } = {}) {
  cb.lastError = { code, message };
  showMessage('error', message, `error-${fatal ? 'fatal' : code}`);
  if (fatal) setState('error');
}

// ------------------------------------------------------------------------------------------------ form and query
const params = new URLSearchParams(location.search);
if (params.get('room')) ui.room.value = params.get('room');
if (params.get('name')) ui.name.value = params.get('name');
if (params.get('role') && ROLE_LABELS[params.get('role')]) ui.role.value = params.get('role');
if (params.get('token')) ui.token.value = params.get('token');

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  join();
});
ui.leave.addEventListener('click', () => leave());
window.addEventListener('pagehide', () => cb.client?.leave());
document.addEventListener('click', unlockAudio, { capture: true });

if (params.get('autojoin') === '1') join();

// ------------------------------------------------------------------------------------------------ join
async function getToken(room, role, name) {
  const pasted = ui.token.value.trim();
  if (pasted) return pasted;
  let res;
  try {
    res = await fetch(`/dev/token?${new URLSearchParams({ room, role, name })}`, { cache: 'no-store' });
  } catch {
    res = null;
  }
  if (res && res.ok) {
    try {
      const body = await res.json();
      if (typeof body.token === 'string' && body.token) return body.token;
    } catch { /* fall through */ }
  }
  ui.tokenRow.hidden = false;
  ui.token.focus();
  return null;
}

function mediaErrorMessage(err, what) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return { code: 'media_denied', message: `Access to the ${what} was denied. Allow it in the browser's site settings and join again. You are in the lesson, but others cannot see or hear you.` };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return { code: 'media_missing', message: `No ${what} was found. You are in the lesson, but others cannot see or hear you.` };
    case 'NotReadableError':
    case 'AbortError':
      return { code: 'media_busy', message: `The ${what} could not be started (is another application using it?).` };
    default:
      return { code: 'media_error', message: `The ${what} could not be used: ${err?.message || err}` };
  }
}

async function getLocalMedia() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, error: { code: 'media_unavailable', message: 'This browser offers no camera access on this page (it must be served over https or from localhost). You are in the lesson, but others cannot see or hear you.' } };
  }
  const video = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video }) };
  } catch (err) {
    if (err?.name === 'NotAllowedError' || err?.name === 'SecurityError') {
      return { stream: null, error: mediaErrorMessage(err, 'camera and microphone') };
    }
    // One of the two may be missing or busy: try each alone.
    const tracks = [];
    const problems = [];
    for (const [constraints, what] of [[{ video }, 'camera'], [{ audio: true }, 'microphone']]) {
      try {
        const s = await navigator.mediaDevices.getUserMedia(constraints);
        tracks.push(...s.getTracks());
      } catch (e) {
        problems.push(mediaErrorMessage(e, what));
      }
    }
    const stream = tracks.length ? new MediaStream(tracks) : null;
    if (!stream) return { stream: null, error: mediaErrorMessage(err, 'camera and microphone') };
    const p = problems[0];
    return { stream, error: p ? { code: p.code, message: p.message.replace(' You are in the lesson, but others cannot see or hear you.', ' Joining without it.') } : null };
  }
}

/** Joins with the form's values. `rejoin`: the page lost its session and tries again; a failure schedules the next
 * try instead of ending in 'error', and the local media, still live, is reused. */
async function join({ rejoin = false } = {}) {
  if (!rejoin && (cb.state === 'joining' || cb.state === 'joined' || cb.state === 'reconnecting')) return;
  if (rejoin && cb.state !== 'reconnecting') return;  // the user left meanwhile
  const room = ui.room.value.trim();
  const name = ui.name.value.trim();
  const role = ui.role.value;
  if (!room || !name) {
    reportError('invalid_form', 'Enter a room and your name.');
    return;
  }
  if (!rejoin) {
    clearMessages();
    cb.lastError = null;
    setState('joining');
  }
  cb.transportState = null;
  ui.join.disabled = true;

  try {
    const token = await getToken(room, role, name);
    if (!token) {
      if (rejoin) { scheduleRejoin(); return; }
      reportError('no_token', 'This server has no development token endpoint; paste a token.', { fatal: true });
      return;
    }

    const haveMedia = localStream?.getTracks().some((t) => t.readyState === 'live');
    if (role !== 'observer' && !haveMedia) {
      const { stream, error } = await getLocalMedia();
      localStream = stream;
      if (error) reportError(error.code, error.message);
    }

    const wsUrl = params.get('ws') || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const client = new ClassBridgeClient({ url: wsUrl, token });
    cb.client = client;
    wireClient(client);

    let joined;
    try {
      joined = await client.join();
    } catch (err) {
      if (rejoin) {
        if (cb.state === 'reconnecting') scheduleRejoin();  // else the user left meanwhile
        return;
      }
      stopLocalMedia();
      if (err.code === 'socket_error') {
        reportError('socket_error', `Cannot reach the ClassBridge server (${wsUrl}). Check the address and that the server is running.`, { fatal: true });
      } else if (err.code === 'socket_closed') {
        reportError('socket_closed', 'The server closed the connection while joining.', { fatal: true });
      } else {
        reportError(err.code || 'join_failed', `Could not join: ${err.code || 'error'} — ${err.message}`, { fatal: true });
      }
      return;
    }

    if (rejoin) {
      if (cb.state !== 'reconnecting') { client.leave(); return; }  // the user left while this join was on its way
      cb.rejoins += 1;
      ui.messages.querySelector('[data-key="reconnect"]')?.remove();
    }
    showStage(joined);
    setState('joined');

    if (localStream && client.self.role !== 'observer') {
      const tracks = localStream.getTracks();
      // Published in the same tick: the SDK coalesces them (and the auto-subscriptions) into one offer.
      await Promise.all(tracks.map((t) => client.publish(t, { source: t.kind === 'video' ? 'camera' : 'microphone', stream: localStream })
        .catch((err) => reportError(err.code || 'publish_failed', `Could not publish your ${t.kind === 'video' ? 'camera' : 'microphone'}: ${err.code || ''} ${err.message}`))));
    }
  } finally {
    ui.join.disabled = false;
  }
}

function wireClient(client) {
  client.addEventListener('participantjoined', (e) => { addTile(e.detail.participant); });
  client.addEventListener('participantleft', (e) => { removeTile(e.detail.participant.id); });
  client.addEventListener('trackpublished', (e) => { ensureTile(e.detail.participant); });
  client.addEventListener('track', (e) => {
    const { participant, trackId, track } = e.detail;
    const tile = ensureTile(client.participants.get(participant.id) || participant);
    tile.tracks.set(trackId, track);
    renderTileMedia(tile);
  });
  client.addEventListener('trackended', (e) => {
    const tile = tiles.get(e.detail.participantId);
    if (!tile) return;
    tile.tracks.delete(e.detail.trackId);
    renderTileMedia(tile);
  });
  client.addEventListener('transportstate', (e) => {
    const { state, reason } = e.detail;
    cb.transportState = state;
    renderStatus();
    if (state === 'failed' && e.detail.origin === 'local' && mediaWorked && cb.client === client && cb.state === 'joined') {
      // The browser gave up on the path (a long outage): a new session, once the link is back.
      sessionLost('transport_failed', 'The media connection failed');
      client.leave();
    } else if (state === 'failed') {
      reportError('transport_failed', `The media connection failed${reason ? ` (${reason})` : ''}. Others cannot see or hear you; leave and join again.`);
    } else if (state === 'connected') {
      ui.messages.querySelector('[data-key="error-transport_failed"]')?.remove();
      rejoinDelay = 1000;
      mediaWorked = true;
    }
  });
  client.addEventListener('error', (e) => {
    const { code, message } = e.detail;
    if (cb.state !== 'joined') return; // join errors are reported by join()
    if (code === 'track_unavailable') { console.info('classbridge:', message); return; }
    reportError(code, `Server error: ${code}${message ? ` — ${message}` : ''}`);
  });
  client.addEventListener('closed', (e) => {
    if (cb.client !== client || cb.state !== 'joined') return;
    const { reason, code } = e.detail;
    sessionLost('socket_closed', `The connection to the server was lost (${reason}${code ? `, code ${code}` : ''})`);
  });
}

/** The session ended without the user leaving (the server removed a silent peer, the network dropped the socket, or
 * the media connection failed): keep the camera, clear the stage and join again. */
function sessionLost(code, what) {
  cb.lastError = { code, message: what };
  showMessage('error', `${what}. Reconnecting…`, 'reconnect');
  resetStage();
  ui.joinPanel.hidden = true;  // Leave stops the reconnecting
  ui.leave.hidden = false;
  scheduleRejoin();
}

function scheduleRejoin() {
  setState('reconnecting');
  clearTimeout(rejoinTimer);
  rejoinTimer = setTimeout(() => { rejoinTimer = null; join({ rejoin: true }); }, rejoinDelay);
  rejoinDelay = Math.min(rejoinDelay * 2, REJOIN_DELAY_MAX);
}

function leave() {
  const client = cb.client;
  clearTimeout(rejoinTimer);
  rejoinTimer = null;
  rejoinDelay = 1000;
  mediaWorked = false;
  setState('left');
  client?.leave();
  stopLocalMedia();
  resetStage();
}

function stopLocalMedia() {
  localStream?.getTracks().forEach((t) => t.stop());
  localStream = null;
}

// ------------------------------------------------------------------------------------------------ tiles
function showStage(joined) {
  ui.joinPanel.hidden = true;
  ui.stage.hidden = false;
  ui.leave.hidden = false;
  ui.localName.textContent = joined.participant.name;
  ui.localRole.textContent = ROLE_LABELS[joined.participant.role] ?? joined.participant.role;
  ui.localRole.dataset.role = joined.participant.role;
  const hasVideo = !!localStream?.getVideoTracks().length;
  ui.localVideo.srcObject = hasVideo ? new MediaStream(localStream.getVideoTracks()) : null;
  ui.localPlaceholder.hidden = hasVideo;
  ui.localPlaceholder.textContent = joined.participant.role === 'observer' ? 'Watching' : 'No camera';
  if (hasVideo) ui.localVideo.play().catch(() => {});
  for (const p of joined.participants || []) addTile(p);
  updateEmpty();
}

function resetStage() {
  for (const id of [...tiles.keys()]) removeTile(id);
  ui.localVideo.srcObject = null;
  ui.stage.hidden = true;
  ui.joinPanel.hidden = false;
  ui.leave.hidden = true;
  ui.audioHint.hidden = true;
}

function ensureTile(participant) {
  return tiles.get(participant.id) || addTile(participant);
}

function addTile(participant) {
  let tile = tiles.get(participant.id);
  if (tile) {
    tile.participant = participant;
    tile.nameEl.textContent = participant.name || participant.id;
    return tile;
  }
  const el = document.createElement('figure');
  el.className = 'tile';
  el.dataset.participantId = participant.id;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;
  const placeholder = document.createElement('div');
  placeholder.className = 'placeholder';
  placeholder.textContent = 'No video';
  const caption = document.createElement('figcaption');
  const nameEl = document.createElement('span');
  nameEl.className = 'name';
  nameEl.textContent = participant.name || participant.id;
  const roleEl = document.createElement('span');
  roleEl.className = 'role';
  roleEl.dataset.role = participant.role;
  roleEl.textContent = ROLE_LABELS[participant.role] ?? participant.role;
  const micEl = document.createElement('span');
  micEl.className = 'mic';
  micEl.textContent = 'muted';
  caption.append(nameEl, ' ', roleEl, ' ', micEl);
  el.append(video, placeholder, caption);
  ui.tiles.append(el);
  tile = { participant, el, video, placeholder, nameEl, micEl, tracks: new Map() };
  tiles.set(participant.id, tile);
  updateEmpty();
  return tile;
}

function removeTile(id) {
  const tile = tiles.get(id);
  if (!tile) return;
  tile.video.srcObject = null;
  tile.el.remove();
  tiles.delete(id);
  updateEmpty();
}

function updateEmpty() {
  ui.emptyRoom.hidden = tiles.size > 0;
}

function renderTileMedia(tile) {
  const tracks = [...tile.tracks.values()];
  const hasVideo = tracks.some((t) => t.kind === 'video');
  const hasAudio = tracks.some((t) => t.kind === 'audio');
  tile.placeholder.hidden = hasVideo;
  tile.micEl.hidden = hasAudio;
  tile.video.srcObject = tracks.length ? new MediaStream(tracks) : null;
  if (tracks.length) playTile(tile);
  updateAudioHint();
}

// Sound is tried first; if the browser's autoplay policy refuses it (no click on the page yet), the tile plays
// muted and a hint asks for a click. Note: a muted element does not play its audio out, so the receiver's
// totalAudioEnergy stays 0 until sound is allowed.
function playTile(tile) {
  const video = tile.video;
  video.muted = audioBlocked;
  video.play().catch((err) => {
    if (err?.name !== 'NotAllowedError') return; // e.g. AbortError: srcObject was replaced meanwhile
    audioBlocked = true;
    video.muted = true;
    video.play().catch(() => {});
    updateAudioHint();
  });
}

function updateAudioHint() {
  const anyAudio = [...tiles.values()].some((t) => [...t.tracks.values()].some((x) => x.kind === 'audio'));
  ui.audioHint.hidden = !audioBlocked || !anyAudio;
}

function unlockAudio() {
  if (!audioBlocked) return;
  audioBlocked = false;
  for (const tile of tiles.values()) if (tile.video.srcObject) playTile(tile);
  updateAudioHint();
}

// ------------------------------------------------------------------------------------------------ stats
function num(v) {
  return typeof v === 'number' ? v : null;
}

function midOfReport(client, r) {
  if (r.mid != null) return r.mid;
  if (!r.trackIdentifier) return null;
  // Older browsers: match the receiving/sending track id.
  for (const t of client.pc.getTransceivers()) {
    if (t.receiver.track?.id === r.trackIdentifier || t.sender.track?.id === r.trackIdentifier) return t.mid;
  }
  return null;
}

async function inboundStats() {
  const client = cb.client;
  if (!client?.pc || client.pc.signalingState === 'closed') return [];
  const report = await client.pc.getStats();
  const byMid = new Map();
  report.forEach((r) => {
    if (r.type !== 'inbound-rtp') return;
    const mid = midOfReport(client, r);
    const d = client.describeMid(mid);
    if (!d || d.direction !== 'recv' || d.state !== 'active') return; // pending: a reused m-line may still show the old SSRC
    const prev = byMid.get(mid);
    // A reused transceiver may keep the report of an earlier SSRC: keep the most recently active one.
    if (prev && (prev.r.lastPacketReceivedTimestamp ?? 0) >= (r.lastPacketReceivedTimestamp ?? 0)) return;
    byMid.set(mid, { r, d });
  });
  return [...byMid.values()].map(({ r, d }) => ({
    participantId: d.participantId,
    participantName: client.participants.get(d.participantId)?.name ?? null,
    trackId: d.trackId,
    kind: r.kind ?? r.mediaType ?? d.kind,
    source: d.source,
    mid: r.mid ?? null,
    ssrc: r.ssrc,
    packetsReceived: num(r.packetsReceived) ?? 0,
    packetsLost: num(r.packetsLost) ?? 0,
    bytesReceived: num(r.bytesReceived) ?? 0,
    framesDecoded: num(r.framesDecoded),
    jitter: num(r.jitter),
    totalAudioEnergy: num(r.totalAudioEnergy),
  }));
}

async function outboundStats() {
  const client = cb.client;
  if (!client?.pc || client.pc.signalingState === 'closed') return [];
  const report = await client.pc.getStats();
  const out = [];
  report.forEach((r) => {
    if (r.type !== 'outbound-rtp') return;
    const mid = midOfReport(client, r);
    const d = client.describeMid(mid);
    out.push({
      kind: r.kind ?? r.mediaType,
      mid: mid ?? null,
      source: d?.source ?? null,
      trackId: d?.trackId ?? null,
      ssrc: r.ssrc,
      packetsSent: num(r.packetsSent) ?? 0,
      bytesSent: num(r.bytesSent) ?? 0,
      framesEncoded: num(r.framesEncoded),
    });
  });
  return out;
}

async function remoteInboundStats() {
  const client = cb.client;
  if (!client?.pc || client.pc.signalingState === 'closed') return [];
  const report = await client.pc.getStats();
  const out = [];
  report.forEach((r) => {
    if (r.type !== 'remote-inbound-rtp') return;
    const local = r.localId ? report.get(r.localId) : null;
    out.push({
      kind: r.kind ?? r.mediaType ?? local?.kind,
      mid: local?.mid ?? null,
      ssrc: r.ssrc,
      roundTripTime: num(r.roundTripTime),
      fractionLost: num(r.fractionLost),
    });
  });
  return out;
}
