// What forwarding costs a thread that sleeps between packets, with no SFU logic and no crypto: one forwarder thread
// waits in poll() on its UDP socket (as the media loop does), takes what is there with recvmmsg and sends each
// datagram on to K sockets that a third thread reads (sleeping in epoll, as the load generator's thread). A paced
// sender offers R datagrams per second (1,000 bytes) for 5 s. Printed: the forwarder's CPU per datagram in and per
// copy out, and its wake-ups per datagram in. At low rates a wake-up per datagram is the price of forwarding at
// once, and the SRTP floor (protect + send, back to back) never pays it. Why it exists: BENCHMARKS.md, "Against
// the targets" (patrol). `mmsg` sends each datagram's copies with one sendmmsg instead of a sendto each (it saved
// nothing: 160/s × 10 copies, 6.2–6.7 µs per copy either way). PIN=1 puts the forwarder alone on CPU 1 and the
// sender and sink on CPU 0, as `SERVER_CPUS=1 LOAD_CPUS=0 loadtest/bench` does (each copy then wakes the sink
// across CPUs: 8.4–8.9 µs per copy at 160/s × 10, against 6.6 unpinned).
// How the forwarder waits: `poll` (one fd, the default), `poll2` (the socket and an eventfd, as the media loop
// did until 2026-12-07), `epoll`, or `block` (no wait call: a blocking recvmmsg with a 10 ms SO_RCVTIMEO, as the
// media loop waits while datagrams come); TIMEOUT=-1 polls with no timeout. Three rounds each (2026-12-06) could
// not tell them apart at 800/s × 1 pinned (28–39 µs per datagram). Thirty alternated rounds of `poll2` and
// `block` in three series (2026-12-07) could: `block` read 0.92, 0.93 and 0.95 of `poll2` (medians per round) and
// lower in 22 of 30; TIMEOUT=-1 and a `setsockopt` of the timeout before each wait read as `poll2`.
//   cc -O2 -o /tmp/forward_wakeup loadtest/probes/forward_wakeup.c -lpthread
//   /tmp/forward_wakeup 800 1; /tmp/forward_wakeup 16000 1; /tmp/forward_wakeup 7500 5; /tmp/forward_wakeup 160 10 mmsg
//   PIN=1 /tmp/forward_wakeup 160 10; PIN=1 /tmp/forward_wakeup 800 1 epoll; PIN=1 TIMEOUT=-1 /tmp/forward_wakeup 800 1
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXK 16
#define BATCH 32
static int fwd_fd, sink_fd[MAXK], copies, batched, wait_mode, wake_fd, ep_fd, poll_timeout = 10;
static struct sockaddr_in fwd_addr, sink_addr[MAXK];
static volatile int stop;
static long forwarded, wakeups;
static double fwd_cpu;

static double now_s(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int bound_socket(struct sockaddr_in *addr) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = 0;
    bind(fd, (struct sockaddr *)addr, sizeof *addr);
    socklen_t len = sizeof *addr;
    getsockname(fd, (struct sockaddr *)addr, &len);
    return fd;
}

static void pin(int cpu) {  // PIN=1: the forwarder alone on CPU 1, sender and sink on CPU 0 (as loadtest/bench pins)
    if (!getenv("PIN") || atoi(getenv("PIN")) != 1) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *forwarder(void *unused) {
    pin(1);
    static char buffers[BATCH][2048];
    struct mmsghdr headers[BATCH];
    struct iovec iovs[BATCH];
    double start = now_s(CLOCK_THREAD_CPUTIME_ID);
    while (!stop) {
        int flags = MSG_DONTWAIT;
        if (wait_mode == 0) {
            struct pollfd p = {.fd = fwd_fd, .events = POLLIN};
            if (poll(&p, 1, poll_timeout) <= 0) continue;  // 10 ms, as the media loop's tick
        } else if (wait_mode == 1) {  // the socket and an eventfd, as the media loop waits
            struct pollfd p[2] = {{.fd = fwd_fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
            if (poll(p, 2, poll_timeout) <= 0) continue;
        } else if (wait_mode == 2) {  // epoll: the wait queues stay registered between waits
            struct epoll_event e[2];
            if (epoll_wait(ep_fd, e, 2, poll_timeout) <= 0) continue;
        } else {  // no wait call at all: recvmmsg blocks for the first datagram (SO_RCVTIMEO 10 ms)
            flags = MSG_WAITFORONE;
        }
        wakeups++;
        for (int i = 0; i < BATCH; i++) {
            iovs[i] = (struct iovec){buffers[i], sizeof buffers[i]};
            headers[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iovs[i], .msg_iovlen = 1}};
        }
        int n = recvmmsg(fwd_fd, headers, BATCH, flags, NULL);
        if (n <= 0) { wakeups--; continue; }
        for (int i = 0; i < n; i++) {
            if (batched) {  // one sendmmsg per datagram in, one message per copy
                struct mmsghdr out[MAXK];
                struct iovec io = {buffers[i], headers[i].msg_len};
                for (int k = 0; k < copies; k++)
                    out[k] = (struct mmsghdr){.msg_hdr = {.msg_name = &sink_addr[k], .msg_namelen = sizeof sink_addr[k],
                                                          .msg_iov = &io, .msg_iovlen = 1}};
                sendmmsg(fwd_fd, out, copies, 0);
                continue;
            }
            for (int k = 0; k < copies; k++)
                sendto(fwd_fd, buffers[i], headers[i].msg_len, 0, (struct sockaddr *)&sink_addr[k], sizeof sink_addr[k]);
        }
        if (n > 0) forwarded += n;
    }
    fwd_cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - start;
    return unused;
}

static void *sink(void *unused) {
    pin(0);
    int ep = epoll_create1(0);
    for (int k = 0; k < copies; k++) {
        struct epoll_event e = {.events = EPOLLIN, .data.fd = sink_fd[k]};
        epoll_ctl(ep, EPOLL_CTL_ADD, sink_fd[k], &e);
    }
    char b[2048];
    struct epoll_event ready[MAXK];
    while (!stop) {
        int n = epoll_wait(ep, ready, MAXK, 10);
        for (int i = 0; i < n; i++) while (recv(ready[i].data.fd, b, sizeof b, 0) > 0) {}
    }
    return unused;
}

int main(int argc, char **argv) {
    double rate = argc > 1 ? atof(argv[1]) : 800;
    copies = argc > 2 ? atoi(argv[2]) : 1;
    const char *mode = argc > 3 ? argv[3] : "poll";
    batched = mode[0] == 'm';
    wait_mode = !strcmp(mode, "poll2") ? 1 : !strcmp(mode, "epoll") ? 2 : !strcmp(mode, "block") ? 3 : 0;
    if (copies < 1 || copies > MAXK || rate <= 0) { fprintf(stderr, "usage: forward_wakeup RATE [COPIES ≤ 16] [poll|poll2|epoll|block|mmsg]\n"); return 2; }
    if (getenv("TIMEOUT")) poll_timeout = atoi(getenv("TIMEOUT"));
    fwd_fd = bound_socket(&fwd_addr);
    for (int k = 0; k < copies; k++) sink_fd[k] = bound_socket(&sink_addr[k]);
    wake_fd = eventfd(0, EFD_NONBLOCK);
    ep_fd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fwd_fd}, ew = {.events = EPOLLIN, .data.fd = wake_fd};
    epoll_ctl(ep_fd, EPOLL_CTL_ADD, fwd_fd, &ev);
    epoll_ctl(ep_fd, EPOLL_CTL_ADD, wake_fd, &ew);
    if (wait_mode == 3) {  // blocking receive with a timeout instead of a non-blocking socket
        int fl = fcntl(fwd_fd, F_GETFL);
        fcntl(fwd_fd, F_SETFL, fl & ~O_NONBLOCK);
        struct timeval tv = {0, 10000};
        setsockopt(fwd_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    struct sockaddr_in src;
    int out = bound_socket(&src);
    pthread_t f, s;
    pin(0);
    pthread_create(&f, NULL, forwarder, NULL);
    pthread_create(&s, NULL, sink, NULL);
    char payload[1000] = {0x80};
    double interval = 1 / rate, next = now_s(CLOCK_MONOTONIC) + 0.2, end = next + 5;
    long sent = 0;
    while (next < end) {  // paced: each datagram at its own time, a late one sent at once
        struct timespec t = {(time_t)next, (long)((next - (time_t)next) * 1e9)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
        sendto(out, payload, sizeof payload, 0, (struct sockaddr *)&fwd_addr, sizeof fwd_addr);
        sent++;
        next += interval;
    }
    usleep(100000);
    stop = 1;
    if (poll_timeout < 0) {  // no timeout: one last datagram wakes the forwarder to see `stop`
        sendto(out, payload, 1, 0, (struct sockaddr *)&fwd_addr, sizeof fwd_addr);
        pthread_join(f, NULL);
        forwarded--;
    } else {
        pthread_join(f, NULL);
    }
    pthread_join(s, NULL);
    printf("%s/%s rate %.0f/s, %d cop%s: %ld in, %.2f wake-ups per datagram in, forwarder CPU %.2f µs per datagram in, "
           "%.2f µs per copy out\n", mode, batched ? "sendmmsg" : "sendto", rate, copies, copies == 1 ? "y" : "ies", forwarded, (double)wakeups / forwarded,
           fwd_cpu * 1e6 / forwarded, fwd_cpu * 1e6 / (forwarded * copies));
    return sent == forwarded ? 0 : 1;
}
