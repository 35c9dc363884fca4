// How late this machine wakes a sleeping thread: sleeps 1 ms, N times, and prints the lateness percentiles.
// A forwarding latency p99 cannot be measured below this on the same machine (the server and the generator
// both sleep in epoll between packets). Why it exists: BENCHMARKS.md, "Latency".
//   cc -O2 -o /tmp/wakeup_jitter loadtest/probes/wakeup_jitter.c && /tmp/wakeup_jitter 10000
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    double *late = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        struct timespec before, after, interval = {0, 1000000};
        clock_gettime(CLOCK_MONOTONIC, &before);
        clock_nanosleep(CLOCK_MONOTONIC, 0, &interval, NULL);
        clock_gettime(CLOCK_MONOTONIC, &after);
        double slept = (after.tv_sec - before.tv_sec) * 1e6 + (after.tv_nsec - before.tv_nsec) / 1e3;
        late[i] = slept - 1000;
    }
    qsort(late, (size_t)n, sizeof(double), compare);
    printf("wake-up lateness over %d sleeps of 1 ms: p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs, max %.0f µs\n", n,
           late[n / 2], late[n * 99 / 100], late[n * 999 / 1000], late[n - 1]);
    free(late);
    return 0;
}
