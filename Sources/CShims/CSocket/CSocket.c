#define _GNU_SOURCE
#include "CSocket.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <sys/time.h>
#include <time.h>

#define CB_MAX_BATCH 64

typedef union { char bytes[CMSG_SPACE(sizeof(struct timespec))]; struct cmsghdr align; } cb_control;

static void prepare(struct mmsghdr *header, struct iovec *iov, cb_control *control, cb_datagram *slot) {
    memset(header, 0, sizeof *header);
    iov->iov_base = slot->buffer;
    iov->iov_len = slot->capacity;
    header->msg_hdr.msg_iov = iov;
    header->msg_hdr.msg_iovlen = 1;
    header->msg_hdr.msg_name = &slot->peer;
    header->msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
    header->msg_hdr.msg_control = control->bytes;
    header->msg_hdr.msg_controllen = sizeof control->bytes;
}

// recvmmsg's results into the slots: lengths, source lengths and arrival times.
static int receive(int fd, struct mmsghdr *headers, cb_datagram *slots, int count, int flags) {
    int n = recvmmsg(fd, headers, (unsigned int)count, flags, NULL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        slots[i].length = headers[i].msg_len;
        slots[i].peer_length = headers[i].msg_hdr.msg_namelen;
        slots[i].arrival_realtime_ns = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&headers[i].msg_hdr); c; c = CMSG_NXTHDR(&headers[i].msg_hdr, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            slots[i].arrival_realtime_ns = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
        }
    }
    return n;
}

int cb_recv_batch(int fd, cb_datagram *slots, int count) {
    struct mmsghdr headers[CB_MAX_BATCH];
    struct iovec iovs[CB_MAX_BATCH];
    cb_control control[CB_MAX_BATCH];
    if (count > CB_MAX_BATCH) count = CB_MAX_BATCH;
    for (int i = 0; i < count; i++) prepare(&headers[i], &iovs[i], &control[i], &slots[i]);
    return receive(fd, headers, slots, count, MSG_DONTWAIT);
}

struct cb_recv_plan {
    cb_datagram *slots;
    int count;
    int used;  // headers the last call filled, whose lengths and flags the kernel changed
    struct mmsghdr headers[CB_MAX_BATCH];
    struct iovec iovs[CB_MAX_BATCH];
    cb_control control[CB_MAX_BATCH];
};

cb_recv_plan *cb_recv_plan_create(cb_datagram *slots, int count) {
    cb_recv_plan *plan = calloc(1, sizeof *plan);
    if (!plan) return NULL;
    plan->slots = slots;
    plan->count = count > CB_MAX_BATCH ? CB_MAX_BATCH : count;
    for (int i = 0; i < plan->count; i++) prepare(&plan->headers[i], &plan->iovs[i], &plan->control[i], &slots[i]);
    return plan;
}

void cb_recv_plan_destroy(cb_recv_plan *plan) { free(plan); }

static int receive_planned(int fd, cb_recv_plan *plan, int flags) {
    for (int i = 0; i < plan->used; i++) {
        plan->headers[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        plan->headers[i].msg_hdr.msg_controllen = sizeof plan->control[i].bytes;
        plan->headers[i].msg_hdr.msg_flags = 0;
    }
    int n = receive(fd, plan->headers, plan->slots, plan->count, flags);
    plan->used = n > 0 ? n : n < 0 ? plan->count : 0;  // after an error, reset them all: none left untouched by it
    return n;
}

int cb_recv_planned(int fd, cb_recv_plan *plan) { return receive_planned(fd, plan, MSG_DONTWAIT); }

// MSG_WAITFORONE: block for the first datagram (up to the socket's SO_RCVTIMEO), then take what else is there.
int cb_recv_planned_waiting(int fd, cb_recv_plan *plan) { return receive_planned(fd, plan, MSG_WAITFORONE); }

int cb_receive_blocking(int fd, int64_t timeout_us) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) return -errno;
    struct timeval timeout = {.tv_sec = (time_t)(timeout_us / 1000000), .tv_usec = (suseconds_t)(timeout_us % 1000000)};
    if (timeout.tv_sec == 0 && timeout.tv_usec == 0) timeout.tv_usec = 1;  // 0 would mean no timeout at all
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0 ? -errno : 0;
}

static void ipv4_address(struct sockaddr_in *addr, uint32_t ip, uint16_t port) {
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons(port);
    addr->sin_addr.s_addr = htonl(ip);
}

static void ipv6_address(struct sockaddr_in6 *addr, uint64_t hi, uint64_t lo, uint16_t port) {
    memset(addr, 0, sizeof *addr);
    addr->sin6_family = AF_INET6;
    addr->sin6_port = htons(port);
    for (int i = 0; i < 8; i++) {
        addr->sin6_addr.s6_addr[i] = (uint8_t)(hi >> (56 - 8 * i));
        addr->sin6_addr.s6_addr[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
    }
}

// A socket of `family` with the buffer sizes asked for, bound to `addr`; fd or -errno.
static int bind_udp(int family, const struct sockaddr *addr, socklen_t length, int dual_stack, int rcvbuf,
                    int sndbuf) {
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (family == AF_INET6) {
        int v6only = dual_stack ? 0 : 1;  // set either way: the system default (bindv6only) varies
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (bind(fd, addr, length) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

int cb_udp_bind_ipv4(uint32_t ip, uint16_t port, int rcvbuf, int sndbuf) {
    struct sockaddr_in addr;
    ipv4_address(&addr, ip, port);
    return bind_udp(AF_INET, (struct sockaddr *)&addr, sizeof addr, 0, rcvbuf, sndbuf);
}

int cb_udp_bind_ipv6(uint64_t hi, uint64_t lo, uint16_t port, int dual_stack, int rcvbuf, int sndbuf) {
    struct sockaddr_in6 addr;
    ipv6_address(&addr, hi, lo, port);
    return bind_udp(AF_INET6, (struct sockaddr *)&addr, sizeof addr, dual_stack, rcvbuf, sndbuf);
}

int cb_enable_receive_timestamps(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0 ? -errno : 0;
}

int64_t cb_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int cb_local_port(int fd) {
    struct sockaddr_storage addr;
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) return -errno;
    // sin_port and sin6_port sit at the same offset, right after the family.
    return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

int cb_send_ipv4(int fd, const void *data, size_t length, uint32_t ip, uint16_t port) {
    struct sockaddr_in addr;
    ipv4_address(&addr, ip, port);
    ssize_t n = sendto(fd, data, length, MSG_DONTWAIT, (struct sockaddr *)&addr, sizeof addr);
    return n < 0 ? -errno : (int)n;
}

int cb_send_batch(int fd, const cb_outgoing *datagrams, int count) {
    struct mmsghdr headers[CB_MAX_BATCH];
    struct iovec iovs[CB_MAX_BATCH];
    union { struct sockaddr_in v4; struct sockaddr_in6 v6; } addrs[CB_MAX_BATCH];
    int failed = 0;
    for (int start = 0; start < count; start += CB_MAX_BATCH) {
        int n = count - start < CB_MAX_BATCH ? count - start : CB_MAX_BATCH;
        memset(headers, 0, sizeof(struct mmsghdr) * (size_t)n);
        for (int i = 0; i < n; i++) {
            const cb_outgoing *d = &datagrams[start + i];
            if (d->ipv6) {
                ipv6_address(&addrs[i].v6, d->ip6_hi, d->ip6_lo, d->port);
                headers[i].msg_hdr.msg_namelen = sizeof addrs[i].v6;
            } else {
                ipv4_address(&addrs[i].v4, d->ip, d->port);
                headers[i].msg_hdr.msg_namelen = sizeof addrs[i].v4;
            }
            iovs[i].iov_base = (void *)d->buffer;
            iovs[i].iov_len = d->length;
            headers[i].msg_hdr.msg_iov = &iovs[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            headers[i].msg_hdr.msg_name = &addrs[i];
        }
        // sendmmsg stops at the first datagram that fails: it reports those before it, and the next call
        // reports that one's error. Skip it and go on, as one sendto per datagram would.
        int done = 0;
        while (done < n) {
            int sent = sendmmsg(fd, headers + done, (unsigned int)(n - done), MSG_DONTWAIT);
            if (sent > 0) {
                done += sent;
            } else if (sent < 0 && errno == EINTR) {
                continue;
            } else {
                failed += 1;
                done += 1;
            }
        }
    }
    return failed;
}

void cb_name_current_thread(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = 0;
    pthread_setname_np(pthread_self(), truncated);
}

int cb_poll1(int fd, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    return (p.revents & POLLIN) ? 1 : 0;
}

int cb_datagram_source(const cb_datagram *slot, uint32_t *ip, uint64_t *hi, uint64_t *lo, uint16_t *port) {
    if (slot->peer.ss_family == AF_INET) {
        const struct sockaddr_in *addr = (const struct sockaddr_in *)&slot->peer;
        *ip = ntohl(addr->sin_addr.s_addr);
        *port = ntohs(addr->sin_port);
        return 4;
    }
    if (slot->peer.ss_family != AF_INET6) return -1;
    const struct sockaddr_in6 *addr = (const struct sockaddr_in6 *)&slot->peer;
    const uint8_t *b = addr->sin6_addr.s6_addr;
    *port = ntohs(addr->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&addr->sin6_addr)) {
        *ip = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
        return 4;
    }
    uint64_t h = 0, l = 0;
    for (int i = 0; i < 8; i++) {
        h = h << 8 | b[i];
        l = l << 8 | b[8 + i];
    }
    *hi = h;
    *lo = l;
    return 6;
}
