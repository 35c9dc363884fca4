// Batched UDP I/O. Swift's Glibc module is built without _GNU_SOURCE, so recvmmsg/sendmmsg and struct mmsghdr
// are invisible to Swift; this target forwards them with plain types.
#ifndef CSOCKET_H
#define CSOCKET_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

/// One datagram slot for a batch receive: the caller owns all memory (no allocation per call).
typedef struct {
    void *buffer;
    size_t capacity;
    size_t length;                 // out: bytes received
    struct sockaddr_storage peer;  // out: source address
    socklen_t peer_length;         // out
    int64_t arrival_realtime_ns;   // out: when it reached the socket (SO_TIMESTAMPNS, CLOCK_REALTIME); 0 if unstamped
} cb_datagram;

/// Receives up to `count` datagrams without blocking. Returns how many were received, 0 when none are waiting,
/// or -errno on error.
int cb_recv_batch(int fd, cb_datagram *slots, int count);

/// `cb_recv_batch` for a thread that receives into the same slots again and again: the message headers are built
/// once, and each call only resets the few that the last call filled. The media loop takes one or two datagrams
/// per wake-up; building all 32 headers each time wrote about 3.5 KB of stack for them.
typedef struct cb_recv_plan cb_recv_plan;
/// A plan for `slots[0..<count]` (at most 64), which must outlive it; NULL if out of memory.
cb_recv_plan *cb_recv_plan_create(cb_datagram *slots, int count);
void cb_recv_plan_destroy(cb_recv_plan *plan);
/// As `cb_recv_batch` into the plan's slots.
int cb_recv_planned(int fd, cb_recv_plan *plan);
/// As `cb_recv_planned`, but waits for the first datagram, up to the socket's receive timeout (a socket made
/// blocking by `cb_receive_blocking`); 0 when none came in that time or a signal interrupted the wait.
int cb_recv_planned_waiting(int fd, cb_recv_plan *plan);

/// Makes `fd`'s receives block (sends that pass MSG_DONTWAIT, as all here do, still never block), each for at most
/// `timeout_us` µs: SO_RCVTIMEO, which the kernel rounds up to its timer tick (1–10 ms). Returns 0 or -errno.
int cb_receive_blocking(int fd, int64_t timeout_us);

/// The source of a received datagram. Returns 4 with `ip` set (host order) for IPv4, and for an IPv4-mapped IPv6
/// source (`::ffff:a.b.c.d`, how a dual-stack socket sees IPv4 peers); 6 with `ip6_hi`/`ip6_lo` set (the address's
/// big-endian halves read as integers) for IPv6; -1 for anything else. `port` in host order.
int cb_datagram_source(const cb_datagram *slot, uint32_t *ip, uint64_t *ip6_hi, uint64_t *ip6_lo, uint16_t *port);

/// Creates a non-blocking IPv4 UDP socket bound to `ip` (host order) and `port` (0 = any). Returns fd or -errno.
int cb_udp_bind_ipv4(uint32_t ip, uint16_t port, int receive_buffer_bytes, int send_buffer_bytes);

/// Creates a non-blocking IPv6 UDP socket bound to `ip6_hi`/`ip6_lo` and `port` (0 = any). With `dual_stack` it
/// takes IPv4 too (IPV6_V6ONLY off: IPv4 peers appear as `::ffff:a.b.c.d`); else IPv6 only. Returns fd or -errno.
int cb_udp_bind_ipv6(uint64_t ip6_hi, uint64_t ip6_lo, uint16_t port, int dual_stack, int receive_buffer_bytes,
                     int send_buffer_bytes);

/// Asks the kernel to stamp every datagram `fd` receives with its arrival time (SO_TIMESTAMPNS). Returns 0 or -errno.
int cb_enable_receive_timestamps(int fd);

/// CLOCK_REALTIME in ns, the kernel's receive-timestamp clock.
int64_t cb_realtime_ns(void);

/// The port a socket is bound to (host order), or -errno. IPv4 or IPv6.
int cb_local_port(int fd);

/// Sends one datagram to an IPv4 address (host order ip/port). Returns bytes sent or -errno.
int cb_send_ipv4(int fd, const void *data, size_t length, uint32_t ip, uint16_t port);

/// One datagram to send: `length` bytes at `buffer` to `port` (host order) at `ip` (IPv4, host order) when
/// `ipv6` is 0, else at `ip6_hi`/`ip6_lo` (an IPv6 socket reaches IPv4 peers at `::ffff:a.b.c.d`).
typedef struct {
    const void *buffer;
    size_t length;
    uint32_t ip;
    uint16_t port;
    uint8_t ipv6;
    uint64_t ip6_hi;
    uint64_t ip6_lo;
} cb_outgoing;

/// Sends `count` datagrams with as few `sendmmsg` calls as the kernel takes (one per 64 when nothing fails). A
/// datagram the kernel refuses is skipped and the rest still go. Returns how many were not sent.
int cb_send_batch(int fd, const cb_outgoing *datagrams, int count);

/// Names the calling thread for the OS (`/proc/self/task/TID/comm`, `top -H`, `perf`): at most 15 bytes are kept.
void cb_name_current_thread(const char *name);

/// Waits until `fd` is readable (1) or `timeout_ms` passes (0). Returns -errno on error.
int cb_poll1(int fd, int timeout_ms);

#endif
