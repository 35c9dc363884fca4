#define _GNU_SOURCE
#include "CLoadSupport.h"
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static uint64_t ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
uint64_t cbl_monotonic_ns(void) { return ns(CLOCK_MONOTONIC); }
uint64_t cbl_thread_cpu_ns(void) { return ns(CLOCK_THREAD_CPUTIME_ID); }
uint64_t cbl_process_cpu_ns(void) { return ns(CLOCK_PROCESS_CPUTIME_ID); }

int cbl_pin_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return -pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

uint64_t cbl_allowed_cpu_mask(int pid) {
    cpu_set_t set;
    if (sched_getaffinity(pid, sizeof set, &set) < 0) return 0;
    uint64_t mask = 0;
    for (int cpu = 0; cpu < 64; cpu++) if (CPU_ISSET(cpu, &set)) mask |= 1ull << cpu;
    return mask;
}

int cbl_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}
int cbl_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) < 0 ? -errno : 0;
}
int cbl_epoll_del(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}
int cbl_epoll_wait(int epfd, uint64_t *tokens, int max, uint64_t timeout_ns) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    struct timespec timeout = {.tv_sec = (time_t)(timeout_ns / 1000000000u), .tv_nsec = (long)(timeout_ns % 1000000000u)};
    int n = epoll_pwait2(epfd, events, max, &timeout, NULL);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

int cbl_tcp_connect_ipv4(uint32_t ip, uint16_t port, int timeout_ms) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(ip);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}
int cbl_wait_readable(int fd, int timeout_ms) {
    struct pollfd p = { fd, POLLIN, 0 };
    int n = poll(&p, 1, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    return n > 0 ? 1 : 0;
}
int cbl_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ? -errno : 0;
}
int cbl_send_all(int fd, const void *data, size_t length) {
    const char *p = data;
    while (length > 0) {
        ssize_t n = send(fd, p, length, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { struct pollfd q = { fd, POLLOUT, 0 }; poll(&q, 1, 1000); continue; }
            return -errno;
        }
        p += n;
        length -= (size_t)n;
    }
    return 0;
}
long cbl_recv(int fd, void *buffer, size_t capacity) {
    ssize_t n = recv(fd, buffer, capacity, MSG_DONTWAIT);
    return n < 0 ? -errno : (long)n;
}
void cbl_close(int fd) { close(fd); }
void cbl_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
