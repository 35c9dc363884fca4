// Does a thread woken after a sleep pay for each distinct page it then touches (a TLB or caches emptied while it
// slept)? Arguments: K HUGE [INTERVAL_US]. A receiver pinned to CPU 1 sleeps in poll and takes one datagram (one
// every INTERVAL_US, 1,250 by default, as at patrol R5), then touches K pages 4 KB apart (one cache line each) of a
// region of small pages, or of huge pages with HUGE = 1. Printed: its CPU per wake-up, and the same touches done
// back to back (warm).
// 2026-12-06 (loadtest/FINDINGS.md, "What a wake-up costs"), three rounds each, small pages: K = 0: 11–19 µs per wake-up;
// K = 1,024: 19–22 µs (warm 0.7–0.9 µs); K = 4,096: 45–49 µs (warm 14–19 µs: more pages than the TLB holds). A few
// ns per page beyond warm, inside the noise of K = 0: what the thread had cached mostly survives its sleep, so the
// price of a light step's wake-up is not the pages its work touches, and huge pages would not cut it.
//   cc -O2 -o /tmp/wakeup_pages loadtest/probes/wakeup_pages.c -lpthread
//   /tmp/wakeup_pages 0 0; /tmp/wakeup_pages 1024 0; /tmp/wakeup_pages 1024 1; /tmp/wakeup_pages 64 0 312
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static int rfd, sfd; static struct sockaddr_in raddr; static volatile int stop;
static int K, huge, interval_us = 1250;
static unsigned char *region;
static double cpu_ns(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec*1e9+t.tv_nsec;}
static void pin(int c){cpu_set_t s;CPU_ZERO(&s);CPU_SET(c,&s);pthread_setaffinity_np(pthread_self(),sizeof s,&s);}
static long wakes; static double used;
static void *recv_thread(void *a){
  pin(1); char buf[2048]; double start=cpu_ns();
  while(!stop){
    struct pollfd p={rfd,POLLIN,0};
    if(poll(&p,1,100)<=0) continue;
    while(recv(rfd,buf,sizeof buf,MSG_DONTWAIT)>0){}
    for(int i=0;i<K;i++){ region[(size_t)i*4096 + (i*64)%4096] += 1; }
    wakes++;
  }
  used=cpu_ns()-start; return 0;
}
int main(int argc,char**argv){
  K=atoi(argv[1]); huge=atoi(argv[2]); if(argc>3) interval_us=atoi(argv[3]);
  size_t size=((size_t)K*4096 + (4<<20)) & ~((size_t)(2<<20)-1); if(size<(4<<20)) size=4<<20;
  region=mmap(0,size+(2<<20),PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  region=(unsigned char*)(((unsigned long)region+(2<<20)-1)&~((unsigned long)(2<<20)-1));
  madvise(region,size,huge?MADV_HUGEPAGE:MADV_NOHUGEPAGE);
  memset(region,1,size);
  rfd=socket(AF_INET,SOCK_DGRAM,0); raddr.sin_family=AF_INET; raddr.sin_addr.s_addr=htonl(INADDR_LOOPBACK);
  bind(rfd,(void*)&raddr,sizeof raddr); socklen_t l=sizeof raddr; getsockname(rfd,(void*)&raddr,&l);
  sfd=socket(AF_INET,SOCK_DGRAM,0);
  pthread_t t; pthread_create(&t,0,recv_thread,0);
  pin(0); char msg[1000]={0};
  struct timespec next; clock_gettime(CLOCK_MONOTONIC,&next);
  for(int i=0;i<3000000/interval_us;i++){
    next.tv_nsec+=interval_us*1000; while(next.tv_nsec>=1000000000){next.tv_nsec-=1000000000;next.tv_sec++;}
    clock_nanosleep(CLOCK_MONOTONIC,TIMER_ABSTIME,&next,0);
    sendto(sfd,msg,sizeof msg,0,(void*)&raddr,sizeof raddr);
  }
  usleep(50000); stop=1; pthread_join(t,0);
  // warm: the same touches back to back
  double s=cpu_ns(); for(int r=0;r<2000;r++) for(int i=0;i<K;i++) region[(size_t)i*4096 + (i*64)%4096] += 1; double w=(cpu_ns()-s)/2000;
  char line[256]; FILE*f=fopen("/proc/self/smaps_rollup","r"); long ahp=0; while(fgets(line,sizeof line,f)) if(!strncmp(line,"AnonHugePages:",14)) ahp=atol(line+14);
  printf("K=%4d huge=%d: %.2f µs CPU per wake-up (%ld wakes); warm touches %.2f µs; AnonHugePages %ld kB\n",K,huge,used/1e3/wakes,wakes,w/1e3,ahp);
}
