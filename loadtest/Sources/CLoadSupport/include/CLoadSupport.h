// Small C helpers for the load generator: epoll over many sockets, clocks, TCP for signaling.
#ifndef CLOADSUPPORT_H
#define CLOADSUPPORT_H
#include <stdint.h>
#include <stddef.h>

/// CLOCK_MONOTONIC in nanoseconds (shared with the server on the same machine).
uint64_t cbl_monotonic_ns(void);
/// CPU time of the calling thread in nanoseconds.
uint64_t cbl_thread_cpu_ns(void);
/// CPU time of the whole process (user + system) in nanoseconds.
uint64_t cbl_process_cpu_ns(void);

/// Pins the calling thread to one CPU. Returns 0 or -errno.
int cbl_pin_thread(int cpu);
/// The CPUs (0–63) that process `pid` (0: this one) may run on, as a bit mask; 0 if unknown.
uint64_t cbl_allowed_cpu_mask(int pid);

int cbl_epoll_create(void);
/// Adds `fd` for readability; `token` comes back from cbl_epoll_wait. Returns 0 or -errno.
int cbl_epoll_add(int epfd, int fd, uint64_t token);
int cbl_epoll_del(int epfd, int fd);
/// Waits up to `timeout_ns` (epoll_pwait2: not rounded up to whole milliseconds, so paced sends keep their
/// spacing); writes up to `max` ready tokens. Returns the count, 0 on timeout, or -errno.
int cbl_epoll_wait(int epfd, uint64_t *tokens, int max, uint64_t timeout_ns);

/// Blocking TCP connect to an IPv4 address (host order) with TCP_NODELAY. Returns fd or -errno.
int cbl_tcp_connect_ipv4(uint32_t ip, uint16_t port, int timeout_ms);
/// Waits until `fd` is readable or `timeout_ms` passes: 1 readable, 0 timeout, -errno.
int cbl_wait_readable(int fd, int timeout_ms);
int cbl_set_nonblocking(int fd);
/// send() with MSG_NOSIGNAL, looping until all is written (blocking socket). Returns 0 or -errno.
int cbl_send_all(int fd, const void *data, size_t length);
/// recv() once. Returns bytes (0 = closed) or -errno (-EAGAIN when nothing is waiting on a non-blocking socket).
long cbl_recv(int fd, void *buffer, size_t capacity);
void cbl_close(int fd);
/// Line-buffers stdout, so progress lines show up at once when piped.
void cbl_line_buffer_stdout(void);

#endif
