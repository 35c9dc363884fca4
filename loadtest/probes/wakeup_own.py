#!/usr/bin/env python3
"""Wake-up split: the cycles the media loop spends awake per wake-up, and how much of that is its own work, not
the receive and send system calls. A measuring edit, never part of the sources: it rewrites a few call sites in
place (the same lines in every build since 020fe57, so two builds can be compared), the server prints "PROF"
lines on stderr every 4 s, and `--undo` takes the edit out again and leaves any other change in those files.
Smaller than wakeup_breakdown.patch (which no longer applies); loadtest/FINDINGS.md, "The wake-up, split", has readings.
Builds from 020fe57 up to 74581ce only: since 50680b4 the loop waits in its socket's receive while datagrams come,
and the lines this edits are gone.
  loadtest/probes/wakeup_own.py         # edits CSocket.c/.h, MediaLoop.swift, PeerTransport.swift
  swift build -c release --product classbridge
  SERVER_CPUS=1 LOAD_CPUS=0 LOAD_ARGS="--steps 3" loadtest/bench patrol; grep PROF loadtest/results/patrol.server.log
  loadtest/probes/wakeup_own.py --undo
Columns: wake-ups and datagrams in the 4 s, then per wake-up in kcycles (TSC, 2,596 MHz on the benchmark VM):
  awake  poll's return to the next poll call
  recv   recvmmsg; send: sendmmsg (on loopback it also delivers to the receiver's socket)
  own    awake - recv - send, of which:
  srtp   the RTP unprotect and protect calls
  tick   the room timers, without the sends of their RTCP (send counts those)
  rest   own - srtp - tick: demultiplexing, the SFU, clock reads, and anything the hypervisor or an interrupt
         takes while the loop runs
The first window of a step holds its joins (DTLS handshakes), the last one the next step's; compare the others."""
import pathlib, sys

root = pathlib.Path(__file__).resolve().parents[2]
c = root / "Sources/CShims/CSocket/CSocket.c"
loop = root / "Sources/WebRTC/MediaLoop.swift"
transport = root / "Sources/WebRTC/PeerTransport.swift"

undo = "--undo" in sys.argv[1:]

def edit(path, old, new):
    text = path.read_text()
    if undo:
        if new in text:
            path.write_text(text.replace(new, old, 1))
        return
    if new in text:
        return
    if text.count(old) != 1:
        sys.exit(f"wakeup_own: {path.name}: expected one '{old.strip()}'")
    path.write_text(text.replace(old, new))

edit(c, "#include <time.h>\n", """#include <time.h>
#include <stdio.h>
static uint64_t prof_awake, prof_recv, prof_send, prof_wakeups, prof_datagrams, prof_start, prof_next;
static uint64_t prof_srtp, prof_tick;
static inline uint64_t prof_tsc(void) { return __builtin_ia32_rdtsc(); }
uint64_t cb_prof_now(void) { return prof_tsc(); }
void cb_prof_srtp(uint64_t since) { prof_srtp += prof_tsc() - since; }
static uint64_t prof_tick_sends;
void cb_prof_tick_begin(void) { prof_tick_sends = prof_send; }
void cb_prof_tick(uint64_t since) { prof_tick += prof_tsc() - since - (prof_send - prof_tick_sends); }
void cb_prof_sleep(void) { if (prof_start) prof_awake += prof_tsc() - prof_start; prof_start = 0; }
void cb_prof_woke(int ready) {
    uint64_t now = prof_tsc();
    if (ready <= 0) return;
    prof_start = now;
    prof_wakeups++;
    if (now < prof_next) return;
    if (prof_next && prof_wakeups > 1) {
        double w = (double)(prof_wakeups - 1), own = (double)prof_awake - prof_recv - prof_send;
        fprintf(stderr, "PROF wakeups %llu datagrams %llu | per wake-up kcycles: awake %.2f recv %.2f send %.2f own %.2f"
                " srtp %.2f tick %.2f rest %.2f\\n",
                (unsigned long long)(prof_wakeups - 1), (unsigned long long)prof_datagrams, prof_awake / w / 1e3,
                prof_recv / w / 1e3, prof_send / w / 1e3, own / w / 1e3, prof_srtp / w / 1e3, prof_tick / w / 1e3,
                (own - prof_srtp - prof_tick) / w / 1e3);
    }
    prof_awake = prof_recv = prof_send = prof_datagrams = prof_srtp = prof_tick = 0;
    prof_wakeups = 1;
    prof_next = now + 4ull * 2596000000ull;  // 4 s at this VM's TSC (2,596 MHz)
}
""")
edit(c, "    int n = recvmmsg(fd, headers, (unsigned int)count, MSG_DONTWAIT, NULL);\n",
     "    uint64_t prof_t = prof_tsc();\n    int n = recvmmsg(fd, headers, (unsigned int)count, MSG_DONTWAIT, NULL);\n"
     "    prof_recv += prof_tsc() - prof_t;\n    if (n > 0) prof_datagrams += (uint64_t)n;\n")
edit(c, "            int sent = sendmmsg(fd, headers + done, (unsigned int)(n - done), MSG_DONTWAIT);\n",
     "            uint64_t prof_t = prof_tsc();\n"
     "            int sent = sendmmsg(fd, headers + done, (unsigned int)(n - done), MSG_DONTWAIT);\n"
     "            prof_send += prof_tsc() - prof_t;\n")
h = root / "Sources/CShims/CSocket/include/CSocket.h"
edit(h, "#endif", "void cb_prof_sleep(void);\nvoid cb_prof_woke(int ready);\nuint64_t cb_prof_now(void);\n"
     "void cb_prof_srtp(uint64_t since);\nvoid cb_prof_tick_begin(void);\nvoid cb_prof_tick(uint64_t since);\n#endif")
edit(loop, "                socket.sendingTogether { handler?.tick(now: after) }\n",
     "                let profT = cb_prof_now()\n                cb_prof_tick_begin()\n"
     "                socket.sendingTogether { handler?.tick(now: after) }\n"
     "                cb_prof_tick(profT)\n")
edit(transport, "internal import SRTP\n", "internal import SRTP\ninternal import CSocket\n")
edit(transport, "            guard let srtpIn, let length = try? srtpIn.unprotectRTP(bytes, length: bytes.count) else {\n",
     "            let profT = cb_prof_now()\n"
     "            let unprotected = srtpIn.flatMap { try? $0.unprotectRTP(bytes, length: bytes.count) }\n"
     "            cb_prof_srtp(profT)\n"
     "            guard let length = unprotected else {\n")
edit(transport, "        guard let protected = try? srtpOut.protectRTP(buffer, length: length) else {\n",
     "        let profT = cb_prof_now()\n        let protectedLength = try? srtpOut.protectRTP(buffer, length: length)\n"
     "        cb_prof_srtp(profT)\n        guard let protected = protectedLength else {\n")
edit(loop, "            let ready = cb_poll2(socket.fd, wakeFD, waitMs)\n",
     "            cb_prof_sleep()\n            let ready = cb_poll2(socket.fd, wakeFD, waitMs)\n            cb_prof_woke(ready)\n")
print("wakeup_own: undone" if undo else "wakeup_own: edited; build, run, then: loadtest/probes/wakeup_own.py --undo")
