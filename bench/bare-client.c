/*
 * The realtime bench's ceiling: the bare client's loop in C (epoll, non-blocking
 * sockets): `loops` concurrent connect-send-receive-close loops speaking kmssim's wire
 * protocol (docs/protocol.md) to one server on loopback, from 32 loopback source
 * addresses in turn. bench/realtime.js compiles it into a temporary directory at bench
 * time (no binary is committed). Prints {"rpcs":N,"failed":N,"seconds":S,"rate":R}.
 * Usage: bare-client PORT SECONDS LOOPS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static unsigned next_id = 1, client_index = 0;
static long done_count = 0, failed = 0;
static int epfd;

struct conn { int fd; unsigned id; int got; unsigned char buf[64]; };

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_u32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static void start(struct conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) { perror("socket"); exit(3); }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in local = { .sin_family = AF_INET };
  local.sin_addr.s_addr = htonl(0x7f000002 + (client_index++ % 32));
  bind(c->fd, (struct sockaddr *)&local, sizeof local);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
  to.sin_addr.s_addr = htonl(0x7f000001);
  c->id = next_id++;
  c->got = 0;
  if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) { failed++; close(c->fd); start(c); return; }
  struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
  epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

static void finish(struct conn *c, int ok, int again) {
  if (ok) done_count++; else failed++;
  close(c->fd);
  if (again) start(c);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: bare-client PORT SECONDS LOOPS\n"); return 2; }
  port = atoi(argv[1]);
  double seconds = atof(argv[2]);
  int loops = atoi(argv[3]);
  epfd = epoll_create1(0);
  struct conn *conns = calloc(loops, sizeof *conns);
  double t0 = now_s(), deadline = t0 + seconds;
  for (int k = 0; k < loops; k++) start(&conns[k]);
  struct epoll_event events[256];
  int active = loops;
  while (active > 0) {
    int n = epoll_wait(epfd, events, 256, 1000);
    int again = now_s() < deadline;
    for (int k = 0; k < n; k++) {
      struct conn *c = events[k].data.ptr;
      if (events[k].events & EPOLLOUT) {
        int err = 0; socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        unsigned char req[39] = {0};
        put_u32(req, 35); req[4] = 'K'; req[5] = 'S'; req[6] = 1; req[7] = 1;
        put_u32(req + 8, c->id); put_u32(req + 24, client_index);
        req[36] = 1; req[37] = 1; req[38] = 1;
        if (err != 0 || write(c->fd, req, sizeof req) != sizeof req) { finish(c, 0, again); if (!again) active--; continue; }
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        continue;
      }
      ssize_t r = read(c->fd, c->buf + c->got, sizeof c->buf - c->got);
      if (r <= 0) { if (r < 0 && errno == EAGAIN) continue; finish(c, 0, again); if (!again) active--; continue; }
      c->got += r;
      if (c->got < 38) continue;
      uint32_t id = (uint32_t)c->buf[8] << 24 | c->buf[9] << 16 | c->buf[10] << 8 | c->buf[11];
      finish(c, c->buf[7] == 2 && id == c->id, again);
      if (!again) active--;
    }
  }
  double elapsed = now_s() - t0;
  printf("{\"rpcs\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"rate\":%.1f}\n", done_count, failed, elapsed, done_count / elapsed);
  return 0;
}
