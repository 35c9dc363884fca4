// What a wake-up alone costs the woken thread's CPU on this machine, before it does any work: a thread that only
// sleeps and wakes, N times, and its CPU clock over the run ÷ N. Three ways to be woken:
//   timer   nanosleep(PERIOD_US) in a loop (as a loop's tick with nothing else to do)
//   remote  poll() on a UDP socket, woken by a 1-byte datagram that a thread on the other CPU sends every
//           PERIOD_US (as the media loop is woken by the generator's packets when the two are pinned apart)
//   local   the same with the sending thread on the same CPU
// The woken thread runs on CPU 1, the sender (remote) on CPU 0. Why it exists: loadtest/FINDINGS.md, "CPU per packet":
// at patrol, one packet per wake-up, this cost is paid per packet by any forwarder and never by the floor.
//   cc -O2 -o /tmp/wakeup_cost loadtest/probes/wakeup_cost.c -lpthread
//   /tmp/wakeup_cost timer 1250; /tmp/wakeup_cost remote 1250; /tmp/wakeup_cost local 1250
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int count = 2000;
static long period_us = 1250;
static int sink_fd, sender_cpu;
static struct sockaddr_in sink_address;

static void *send_paced(void *unused) {
    (void)unused;
    pin(sender_cpu);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timespec gap = { period_us / 1000000, (period_us % 1000000) * 1000 };
    for (int i = 0; i < count + 10; i++) {
        nanosleep(&gap, NULL);
        sendto(fd, "x", 1, 0, (struct sockaddr *)&sink_address, sizeof sink_address);
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "timer";
    if (argc > 2) period_us = atol(argv[2]);
    if (argc > 3) count = atoi(argv[3]);
    pin(1);
    double cpu0, cpu1, wall0, wall1;
    if (strcmp(mode, "timer") == 0) {
        struct timespec gap = { period_us / 1000000, (period_us % 1000000) * 1000 };
        cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = now_ns(CLOCK_MONOTONIC);
        for (int i = 0; i < count; i++) nanosleep(&gap, NULL);
    } else {
        sender_cpu = strcmp(mode, "local") == 0 ? 1 : 0;
        sink_fd = socket(AF_INET, SOCK_DGRAM, 0);
        sink_address.sin_family = AF_INET;
        sink_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(sink_fd, (struct sockaddr *)&sink_address, sizeof sink_address);
        socklen_t length = sizeof sink_address;
        getsockname(sink_fd, (struct sockaddr *)&sink_address, &length);
        pthread_t sender;
        pthread_create(&sender, NULL, send_paced, NULL);
        char byte;
        struct pollfd waiter = { sink_fd, POLLIN, 0 };
        poll(&waiter, 1, -1);  // the first datagram starts the clock
        recv(sink_fd, &byte, 1, MSG_DONTWAIT);
        cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID), wall0 = now_ns(CLOCK_MONOTONIC);
        for (int i = 0; i < count; i++) {
            poll(&waiter, 1, -1);
            while (recv(sink_fd, &byte, 1, MSG_DONTWAIT) > 0) {}
        }
        pthread_join(sender, NULL);
    }
    cpu1 = now_ns(CLOCK_THREAD_CPUTIME_ID), wall1 = now_ns(CLOCK_MONOTONIC);
    printf("%s, a wake-up every %ld µs: %.1f µs of the woken thread's CPU per wake-up (%.1f µs apart)\n", mode,
           period_us, (cpu1 - cpu0) / 1000 / count, (wall1 - wall0) / 1000 / count);
    return 0;
}
