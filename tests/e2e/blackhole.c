/* blackhole.c: see blackhole.h. */
#include "blackhole.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void black_hole_open(black_hole_t *h)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->udp = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_EQUAL_FATAL(bind(h->udp, (struct sockaddr *)&sa, sizeof(sa)),
	                      0);
	getsockname(h->udp, (struct sockaddr *)&sa, &len);
	h->tcp = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_EQUAL(bind(h->tcp, (struct sockaddr *)&sa, sizeof(sa)), 0);
	listen(h->tcp, 16);
	snprintf(h->addr, sizeof(h->addr), "127.0.0.1@%u", ntohs(sa.sin_port));
}

void black_hole_close(black_hole_t *h)
{
	close(h->udp);
	close(h->tcp);
}
