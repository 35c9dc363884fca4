// What one loopback UDP datagram costs the SENDER, by what the receiving side does: nobody reading (the socket
// is drained between rounds, outside the measurement), an epoll reader that sleeps between rounds (as the load
// generator's thread), or an epoll reader that busy-polls. Also sendto against sendmmsg (batches of 32).
// 200 receiving sockets, 1,050-byte datagrams, sender thread CPU time. Why it exists: BENCHMARKS.md, "The floor".
//   cc -O2 -o /tmp/loopback_send loadtest/probes/loopback_send.c -lpthread
//   /tmp/loopback_send; /tmp/loopback_send reader; /tmp/loopback_send reader spin
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define N 200
static int rx[N];
static struct sockaddr_in dst[N];
static volatile int stop;
static int spin;

static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void drain(void) {
    char b[2048];
    for (int i = 0; i < N; i++) while (recv(rx[i], b, sizeof b, MSG_DONTWAIT) > 0) {}
}

static void *reader(void *unused) {
    (void)unused;
    int ep = epoll_create1(0);
    for (int i = 0; i < N; i++) {
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, rx[i], &e);
    }
    struct epoll_event ev[64];
    char b[2048];
    while (!stop) {
        int n = epoll_wait(ep, ev, 64, spin ? 0 : 100);
        for (int k = 0; k < n; k++) while (recv(rx[ev[k].data.u32], b, sizeof b, MSG_DONTWAIT) > 0) {}
    }
    return NULL;
}

int main(int argc, char **argv) {
    int withReader = argc > 1;
    spin = argc > 2;
    for (int i = 0; i < N; i++) {
        rx[i] = socket(AF_INET, SOCK_DGRAM, 0);
        int size = 1 << 20;
        setsockopt(rx[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
        bind(rx[i], (void *)&a, sizeof a);
        socklen_t l = sizeof a;
        getsockname(rx[i], (void *)&a, &l);
        dst[i] = a;
    }
    int tx = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 4 << 20;
    setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    pthread_t thread;
    if (withReader) pthread_create(&thread, NULL, reader, NULL);
    char packet[1050];
    memset(packet, 7, sizeof packet);
    for (int round = 0; round < 3; round++) {
        double t0 = thread_cpu();
        long count = 0;
        for (int r = 0; r < 2000; r++) {
            for (int i = 0; i < N; i++, count++) sendto(tx, packet, sizeof packet, 0, (void *)&dst[i], sizeof dst[i]);
            if (withReader) { usleep(200); continue; }
            double t1 = thread_cpu();
            drain();
            t0 += thread_cpu() - t1;
        }
        double perSendto = (thread_cpu() - t0) / count * 1e6;
        struct mmsghdr headers[32];
        struct iovec iov[32];
        t0 = thread_cpu();
        count = 0;
        for (int r = 0; r < 2000; r++) {
            for (int i = 0; i < N; i += 32) {
                int m = N - i < 32 ? N - i : 32;
                for (int k = 0; k < m; k++) {
                    iov[k] = (struct iovec){.iov_base = packet, .iov_len = sizeof packet};
                    memset(&headers[k], 0, sizeof headers[k]);
                    headers[k].msg_hdr.msg_iov = &iov[k];
                    headers[k].msg_hdr.msg_iovlen = 1;
                    headers[k].msg_hdr.msg_name = &dst[i + k];
                    headers[k].msg_hdr.msg_namelen = sizeof dst[0];
                }
                count += sendmmsg(tx, headers, (unsigned)m, 0);
            }
            if (withReader) { usleep(200); continue; }
            double t1 = thread_cpu();
            drain();
            t0 += thread_cpu() - t1;
        }
        double perSendmmsg = (thread_cpu() - t0) / count * 1e6;
        printf("%s: sendto %.2f µs/datagram, sendmmsg (32) %.2f µs/datagram\n",
               !withReader ? "no reader" : spin ? "busy-polling reader" : "sleeping epoll reader", perSendto, perSendmmsg);
    }
    stop = 1;
    if (withReader) pthread_join(thread, NULL);
    return 0;
}
