// What the media loop's wait costs per wake-up with poll() and with epoll_wait(), in one process, alternating.
// The woken thread waits as the loop does: on a UDP socket and an eventfd, with a 10 ms timeout (the tick), and
// drains the socket with recvmmsg. A thread on the other CPU sends one datagram every PERIOD_US (as the generator
// does at patrol R5: ~800 a second). Each round measures COUNT wake-ups with one way, then the other; printed per
// round and as the median of the rounds, in µs of the woken thread's CPU per wake-up.
// Why it exists: BENCHMARKS.md, "The wake-up, split" (epoll tried again and not kept).
//   cc -O2 -o /tmp/poll_vs_epoll loadtest/probes/poll_vs_epoll.c -lpthread
//   /tmp/poll_vs_epoll 1250 2000 31
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static long period_us = 1250;
static volatile int sending = 1;
static struct sockaddr_in sink_address;

static void *send_paced(void *unused) {
    (void)unused;
    pin(0);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timespec gap = { period_us / 1000000, (period_us % 1000000) * 1000 };
    char packet[1200] = {0};
    while (sending) {
        nanosleep(&gap, NULL);
        sendto(fd, packet, sizeof packet, 0, (struct sockaddr *)&sink_address, sizeof sink_address);
    }
    close(fd);
    return NULL;
}

static int sink_fd, wake_fd, ep_fd;
static char buffers[8][2048];

static void drain(void) {
    struct mmsghdr messages[8];
    struct iovec vectors[8];
    for (int i = 0; i < 8; i++) {
        vectors[i] = (struct iovec){ buffers[i], sizeof buffers[i] };
        messages[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &vectors[i], .msg_iovlen = 1 } };
    }
    while (recvmmsg(sink_fd, messages, 8, MSG_DONTWAIT, NULL) == 8) {}
}

// Wake-ups with data until `count` have come; returns the thread's CPU µs per wake-up.
static double measure(int use_epoll, int count) {
    struct pollfd fds[2] = {{ sink_fd, POLLIN, 0 }, { wake_fd, POLLIN, 0 }};
    struct epoll_event events[2];
    drain();
    double cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int woken = 0; woken < count;) {
        int ready;
        if (use_epoll) {
            int n = epoll_wait(ep_fd, events, 2, 10);
            ready = 0;
            for (int i = 0; i < n; i++) ready |= (int)events[i].data.u32;
        } else {
            poll(fds, 2, 10);
            ready = (fds[0].revents & POLLIN ? 1 : 0) | (fds[1].revents & POLLIN ? 2 : 0);
        }
        if (ready & 1) { drain(); woken++; }
    }
    return (now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0) / 1000 / count;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc > 1) period_us = atol(argv[1]);
    int count = argc > 2 ? atoi(argv[2]) : 2000;
    int rounds = argc > 3 ? atoi(argv[3]) : 11;
    if (rounds > 64) rounds = 64;
    pin(1);
    sink_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sink_address.sin_family = AF_INET;
    sink_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(sink_fd, (struct sockaddr *)&sink_address, sizeof sink_address);
    socklen_t length = sizeof sink_address;
    getsockname(sink_fd, (struct sockaddr *)&sink_address, &length);
    wake_fd = eventfd(0, EFD_NONBLOCK);
    ep_fd = epoll_create1(0);
    struct epoll_event a = { .events = EPOLLIN, .data.u32 = 1 }, b = { .events = EPOLLIN, .data.u32 = 2 };
    epoll_ctl(ep_fd, EPOLL_CTL_ADD, sink_fd, &a);
    epoll_ctl(ep_fd, EPOLL_CTL_ADD, wake_fd, &b);
    pthread_t sender;
    pthread_create(&sender, NULL, send_paced, NULL);
    double polled[64], epolled[64], ratio[64];
    for (int r = 0; r < rounds; r++) {
        polled[r] = measure(0, count);
        epolled[r] = measure(1, count);
        ratio[r] = epolled[r] / polled[r];
        printf("round %2d: poll %.2f µs, epoll %.2f µs per wake-up (epoll ÷ poll %.3f)\n", r + 1, polled[r],
               epolled[r], ratio[r]);
    }
    sending = 0;
    pthread_join(sender, NULL);
    qsort(polled, rounds, sizeof(double), compare);
    qsort(epolled, rounds, sizeof(double), compare);
    qsort(ratio, rounds, sizeof(double), compare);
    printf("median of %d rounds, a datagram every %ld µs: poll %.2f µs, epoll %.2f µs, epoll ÷ poll %.3f\n", rounds,
           period_us, polled[rounds / 2], epolled[rounds / 2], ratio[rounds / 2]);
    return 0;
}
