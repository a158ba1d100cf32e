/* Listen addresses of socket units (systemd.socket(5) ListenStream= and
 * friends), parsed at load time into what socket(2)/bind(2) need, so that
 * setting the socket up later cannot fail on syntax. */
#pragma once
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/netlink.h>

enum listen_kind {
        LISTEN_STREAM,
        LISTEN_DATAGRAM,
        LISTEN_SEQPACKET,
        LISTEN_FIFO,
        LISTEN_SPECIAL,
        LISTEN_NETLINK,
        _LISTEN_KIND_MAX,
};

struct listen_spec {
        enum listen_kind kind;
        char *text;          /* the value as written, for show and logs */
        int family;          /* AF_UNIX, AF_INET, AF_INET6, AF_NETLINK; 0 for FIFO/special */
        int sock_type;       /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW (netlink); 0 for FIFO/special */
        int protocol;        /* netlink family number, else 0 */
        socklen_t addr_len;
        union {
                struct sockaddr sa;
                struct sockaddr_un un;  /* abstract: sun_path[0] == 0 */
                struct sockaddr_in in;
                struct sockaddr_in6 in6;
                struct sockaddr_nl nl;
        } addr;
        char *path;          /* FIFO/special path (normalized), or the AF_UNIX file system path; NULL otherwise */
        struct listen_spec *next;
};

/* Address forms: "/path" (AF_UNIX), "@name" (abstract), "PORT" (IPv6 any,
 * dual-stack; falls back to IPv4 where IPv6 is unavailable at bind time),
 * "a.b.c.d:PORT", "[v6]:PORT" (optional "%dev" scope), "vsock:CID:PORT" is
 * -EAFNOSUPPORT. SEQPACKET takes AF_UNIX only. FIFO and Special take an
 * absolute path. Netlink takes "FAMILY [GROUP]" (route, audit, kobject-uevent…).
 * A path under /var/run/ becomes /run/, as in systemd. "%dev" is resolved
 * to an interface index here. The result is one spec with next == NULL.
 * Returns 0, or -EINVAL (-EAFNOSUPPORT for vsock) with a malloc'd message in
 * *ret_error when ret_error is non-NULL (*ret_error is NULL on success or
 * -ENOMEM). */
int listen_spec_parse(enum listen_kind kind, const char *value, struct listen_spec **ret, char **ret_error);
void listen_spec_free_list(struct listen_spec *l);

/* systemctl show's "Listen=" item, as systemd 252 prints it: the address
 * rendered by systemd's socket_address_print ("/run/foo.sock", "@abstract",
 * "[::]:8080", "127.0.0.1:53", a FIFO's path, "route 1" for netlink),
 * a space, and the kind in parentheses: "[::]:8080 (Stream)". malloc'd. */
char *listen_spec_format_show(const struct listen_spec *l);
const char *listen_kind_to_string(enum listen_kind k); /* "Stream", "Datagram", "SequentialPacket", "FIFO", "Special", "Netlink" */
