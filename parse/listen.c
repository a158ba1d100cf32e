/* Listen addresses of socket units; see listen.h. The unit loader calls
 * listen_spec_parse() once per ListenXXX= line; the socket setup code binds
 * what it produced; the control CLI renders it with
 * listen_spec_format_show(). Follows systemd 252's socket_address_parse()
 * and socket_address_print(). */
#include "parse/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "parse/value.h"

static const char *const listen_kind_table[_LISTEN_KIND_MAX] = {
        [LISTEN_STREAM] = "Stream",   [LISTEN_DATAGRAM] = "Datagram",
        [LISTEN_SEQPACKET] = "SequentialPacket", [LISTEN_FIFO] = "FIFO",
        [LISTEN_SPECIAL] = "Special", [LISTEN_NETLINK] = "Netlink",
};

static const int listen_kind_sock_type[_LISTEN_KIND_MAX] = {
        [LISTEN_STREAM] = SOCK_STREAM,       [LISTEN_DATAGRAM] = SOCK_DGRAM,
        [LISTEN_SEQPACKET] = SOCK_SEQPACKET, [LISTEN_NETLINK] = SOCK_RAW,
};

const char *listen_kind_to_string(enum listen_kind k)
{
        return k >= 0 && k < _LISTEN_KIND_MAX ? listen_kind_table[k] : NULL;
}

/* Netlink families by name, as systemd's netlink_family table; a number is
 * accepted too and printed back as a number. */
static const struct {
        const char *name;
        int family;
} netlink_family_table[] = {
        { "route", 0 },           { "firewall", 3 },  { "inet-diag", 4 },       { "nflog", 5 },
        { "xfrm", 6 },            { "selinux", 7 },   { "iscsi", 8 },           { "audit", 9 },
        { "fib-lookup", 10 },     { "connector", 11 }, { "netfilter", 12 },     { "ip6-fw", 13 },
        { "dnrtmsg", 14 },        { "kobject-uevent", 15 }, { "generic", 16 },  { "scsitransport", 18 },
        { "ecryptfs", 19 },       { "rdma", 20 },
};

static int set_error(char **ret_error, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_error(char **ret_error, int err, const char *fmt, ...)
{
        va_list ap;
        char *m = NULL;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(&m, fmt, ap) < 0)
                        m = NULL;
                va_end(ap);
                *ret_error = m;
        }
        return err;
}

/* A port 1..65535 in decimal, nothing else. -ERANGE for a number too large. */
static int parse_port(const char *s, uint16_t *ret)
{
        unsigned long v;
        char *e;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &e, 10);
        if (*e != 0)
                return -EINVAL;
        if (errno == ERANGE || v > 65535)
                return -ERANGE;
        if (v == 0)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

/* Is s valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF)? */
static bool utf8_valid(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                unsigned c = *p, n, cp;
                if (c < 0x80) {
                        p++;
                        continue;
                }
                if (c >= 0xc2 && c <= 0xdf)
                        n = 1, cp = c & 0x1f;
                else if (c >= 0xe0 && c <= 0xef)
                        n = 2, cp = c & 0x0f;
                else if (c >= 0xf0 && c <= 0xf4)
                        n = 3, cp = c & 0x07;
                else
                        return false;
                for (unsigned i = 1; i <= n; i++) {
                        if ((p[i] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i] & 0x3f);
                }
                if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
                    (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                p += n + 1;
        }
        return true;
}

/* systemd's path_simplify() plus the checks of path_simplify_and_warn()
 * with PATH_CHECK_ABSOLUTE: absolute, valid UTF-8, each component at most
 * NAME_MAX, the whole below PATH_MAX, no "..". Drops "." components,
 * repeated and trailing slashes. */
static int path_normalize(const char *value, char **ret, char **ret_error)
{
        char *out, *o;
        const char *p = value;

        if (value[0] != '/')
                return set_error(ret_error, -EINVAL, "path is not absolute: %s", value);
        if (!utf8_valid(value))
                return set_error(ret_error, -EINVAL, "path is not valid UTF-8");
        out = malloc(strlen(value) + 1);
        if (!out)
                return -ENOMEM;
        o = out;
        while (*p) {
                size_t n;

                p += strspn(p, "/");
                n = strcspn(p, "/");
                if (n == 0)
                        break;
                if (n == 1 && p[0] == '.') {
                        p += n;
                        continue;
                }
                if ((n == 2 && p[0] == '.' && p[1] == '.') || n > NAME_MAX) {
                        free(out);
                        return set_error(ret_error, -EINVAL, "path is not normalized: %s", value);
                }
                *o++ = '/';
                memcpy(o, p, n);
                o += n;
                p += n;
        }
        if (o == out)
                *o++ = '/';
        *o = 0;
        if (o - out >= PATH_MAX) {
                free(out);
                return set_error(ret_error, -EINVAL, "path is too long");
        }
        *ret = out;
        return 0;
}

/* "/path" or "@abstract". Filesystem paths under /var/run/ move to /run/,
 * as systemd does for legacy units. */
static int parse_unix(struct listen_spec *l, const char *value, char **ret_error)
{
        const char *v = value;
        char patched[sizeof l->addr.un.sun_path + 16];
        size_t n;

        if (strncmp(v, "/var/run/", 9) == 0 && strlen(v) < sizeof patched - 1) {
                snprintf(patched, sizeof patched, "/run/%s", v + 9);
                v = patched;
        }
        n = strlen(v);
        if (n < 2)
                return set_error(ret_error, -EINVAL, "socket path is too short: %s", value);
        if (n + 1 > sizeof l->addr.un.sun_path)
                return set_error(ret_error, -EINVAL, "socket path is too long (%zu bytes, at most %zu): %s", n,
                                 sizeof l->addr.un.sun_path - 1, value);

        l->family = AF_UNIX;
        l->addr.un.sun_family = AF_UNIX;
        if (v[0] == '@') {
                /* The leading NUL is part of the name, the trailing one is not. */
                memcpy(l->addr.un.sun_path + 1, v + 1, n);
                l->addr_len = offsetof(struct sockaddr_un, sun_path) + n;
        } else {
                memcpy(l->addr.un.sun_path, v, n + 1);
                l->addr_len = offsetof(struct sockaddr_un, sun_path) + n + 1;
                l->path = strdup(v);
                if (!l->path)
                        return -ENOMEM;
        }
        return 0;
}

/* "%dev" after an IPv6 address: an interface index or name. */
static int parse_scope(const char *dev, unsigned *ret, char **ret_error)
{
        unsigned idx;

        if (*dev == 0 || strlen(dev) >= IF_NAMESIZE || strchr(dev, '/') || strchr(dev, ':'))
                return set_error(ret_error, -EINVAL, "invalid interface name: %s", dev);
        if (parse_unsigned(dev, &idx) < 0 || idx == 0 || dev[0] < '0' || dev[0] > '9') {
                idx = if_nametoindex(dev);
                if (idx == 0)
                        return set_error(ret_error, -EINVAL, "no such network interface: %s", dev);
        }
        *ret = idx;
        return 0;
}

/* A bare port, "a.b.c.d:PORT", "[v6]:PORT[%dev]". A bare port means IPv6
 * any (dual-stack); whether IPv6 exists is decided at bind time. */
static int parse_inet(struct listen_spec *l, const char *value, char **ret_error)
{
        char buf[INET6_ADDRSTRLEN + 1], *copy = NULL;
        const char *pct, *colon, *s = value;
        unsigned scope = 0;
        uint16_t port;
        int r;

        r = parse_port(value, &port);
        if (r == -ERANGE)
                return set_error(ret_error, -EINVAL, "port out of range: %s", value);
        if (r >= 0) {
                l->family = AF_INET6;
                l->addr.in6 = (struct sockaddr_in6) {
                        .sin6_family = AF_INET6,
                        .sin6_port = htons(port),
                        .sin6_addr = IN6ADDR_ANY_INIT,
                };
                l->addr_len = sizeof(struct sockaddr_in6);
                return 0;
        }

        pct = strchr(value, '%');
        if (pct) {
                r = parse_scope(pct + 1, &scope, ret_error);
                if (r < 0)
                        return r;
                copy = strndup(value, pct - value);
                if (!copy)
                        return -ENOMEM;
                s = copy;
        }

        r = -EINVAL;
        colon = strrchr(s, ':');
        if (!colon)
                goto out; /* an address without a port */
        if (s[0] == '[') {
                if (colon - s < 2 || colon[-1] != ']' || (size_t) (colon - s - 2) >= sizeof buf)
                        goto out;
                memcpy(buf, s + 1, colon - s - 2);
                buf[colon - s - 2] = 0;
                if (inet_pton(AF_INET6, buf, &l->addr.in6.sin6_addr) != 1 || parse_port(colon + 1, &port) < 0)
                        goto out;
                l->family = AF_INET6;
                l->addr.in6.sin6_family = AF_INET6;
                l->addr.in6.sin6_port = htons(port);
                l->addr.in6.sin6_scope_id = scope;
                l->addr_len = sizeof(struct sockaddr_in6);
        } else {
                /* An IPv6 address without brackets has no port: refused. */
                if ((size_t) (colon - s) >= sizeof buf)
                        goto out;
                memcpy(buf, s, colon - s);
                buf[colon - s] = 0;
                if (inet_pton(AF_INET, buf, &l->addr.in.sin_addr) != 1 || parse_port(colon + 1, &port) < 0)
                        goto out;
                l->family = AF_INET;
                l->addr.in.sin_family = AF_INET;
                l->addr.in.sin_port = htons(port);
                l->addr_len = sizeof(struct sockaddr_in);
        }
        r = 0;
out:
        free(copy);
        if (r < 0)
                return set_error(ret_error, r, "not a socket address: %s", value);
        return 0;
}

/* "FAMILY [GROUP]": a family name or number, then a multicast group mask. */
static int parse_netlink(struct listen_spec *l, const char *value, char **ret_error)
{
        const char *p = value + strspn(value, " \t\n\r");
        size_t n = strcspn(p, " \t\n\r");
        const char *rest = p + n + strspn(p + n, " \t\n\r");
        unsigned group = 0;
        int family = -1;
        char name[32];

        if (n == 0 || n >= sizeof name)
                return set_error(ret_error, -EINVAL, "invalid netlink family: %s", value);
        memcpy(name, p, n);
        name[n] = 0;
        for (size_t i = 0; i < ELEMENTSOF(netlink_family_table); i++)
                if (strcmp(name, netlink_family_table[i].name) == 0)
                        family = netlink_family_table[i].family;
        if (family < 0 && parse_int(name, &family) < 0)
                family = -1;
        if (family < 0)
                return set_error(ret_error, -EINVAL, "unknown netlink family: %s", name);
        if (*rest && parse_unsigned(rest, &group) < 0)
                return set_error(ret_error, -EINVAL, "invalid netlink group: %s", rest);

        l->family = AF_NETLINK;
        l->protocol = family;
        l->addr.nl = (struct sockaddr_nl) { .nl_family = AF_NETLINK, .nl_groups = group };
        l->addr_len = sizeof(struct sockaddr_nl);
        return 0;
}

int listen_spec_parse(enum listen_kind kind, const char *value, struct listen_spec **ret, char **ret_error)
{
        struct listen_spec *l;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (kind < 0 || kind >= _LISTEN_KIND_MAX)
                return set_error(ret_error, -EINVAL, "invalid listen kind %d", (int) kind);

        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->kind = kind;
        l->sock_type = listen_kind_sock_type[kind];
        l->text = strdup(value);
        if (!l->text) {
                r = -ENOMEM;
                goto fail;
        }

        switch (kind) {
        case LISTEN_FIFO:
        case LISTEN_SPECIAL:
                r = path_normalize(value, &l->path, ret_error);
                break;
        case LISTEN_NETLINK:
                r = parse_netlink(l, value, ret_error);
                break;
        default:
                if (value[0] == '/' || value[0] == '@')
                        r = parse_unix(l, value, ret_error);
                else if (strncmp(value, "vsock:", 6) == 0)
                        r = set_error(ret_error, -EAFNOSUPPORT, "AF_VSOCK addresses are not supported: %s", value);
                else
                        r = parse_inet(l, value, ret_error);
                if (r >= 0 && kind == LISTEN_SEQPACKET && l->family != AF_UNIX)
                        r = set_error(ret_error, -EINVAL, "address family not supported for sequential packet sockets: %s",
                                      value);
                break;
        }
        if (r < 0)
                goto fail;
        *ret = l;
        return 0;
fail:
        listen_spec_free_list(l);
        return r;
}

void listen_spec_free_list(struct listen_spec *l)
{
        while (l) {
                struct listen_spec *next = l->next;
                free(l->text);
                free(l->path);
                free(l);
                l = next;
        }
}

/* systemd's cescape(): C escapes for quotes, backslash and the usual
 * control characters, octal for other bytes outside printable ASCII. */
static void cescape_to(FILE *f, const char *s, size_t n)
{
        static const char from[] = "\a\b\f\n\r\t\v\\\"'", to[] = "abfnrtv\\\"'";

        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                const char *e = c ? strchr(from, c) : NULL;
                if (e)
                        fprintf(f, "\\%c", to[e - from]);
                else if (c < ' ' || c >= 127)
                        fprintf(f, "\\%o%o%o", c >> 6, (c >> 3) & 7, c & 7);
                else
                        fputc(c, f);
        }
}

static void format_address(FILE *f, const struct listen_spec *l)
{
        char buf[INET6_ADDRSTRLEN], ifname[IF_NAMESIZE];
        size_t path_len;
        const char *path;

        switch (l->family) {
        case AF_UNIX:
                path = l->addr.un.sun_path;
                path_len = l->addr_len - offsetof(struct sockaddr_un, sun_path);
                if (path[0] == 0) {
                        fputc('@', f);
                        cescape_to(f, path + 1, path_len - 1);
                } else
                        cescape_to(f, path, path_len - (path[path_len - 1] == 0));
                break;
        case AF_INET:
                inet_ntop(AF_INET, &l->addr.in.sin_addr, buf, sizeof buf);
                fprintf(f, "%s:%u", buf, ntohs(l->addr.in.sin_port));
                break;
        case AF_INET6:
                inet_ntop(AF_INET6, &l->addr.in6.sin6_addr, buf, sizeof buf);
                fprintf(f, "[%s]:%u", buf, ntohs(l->addr.in6.sin6_port));
                if (l->addr.in6.sin6_scope_id != 0) {
                        if (if_indextoname(l->addr.in6.sin6_scope_id, ifname))
                                fprintf(f, "%%%s", ifname);
                        else
                                fprintf(f, "%%%u", l->addr.in6.sin6_scope_id);
                }
                break;
        case AF_NETLINK: {
                const char *name = NULL;
                for (size_t i = 0; i < ELEMENTSOF(netlink_family_table); i++)
                        if (netlink_family_table[i].family == l->protocol)
                                name = netlink_family_table[i].name;
                if (name)
                        fputs(name, f);
                else
                        fprintf(f, "%d", l->protocol);
                fprintf(f, " %u", l->addr.nl.nl_groups);
                break;
        }
        default:
                fputs(l->path ? l->path : "", f);
                break;
        }
}

char *listen_spec_format_show(const struct listen_spec *l)
{
        char *s = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&s, &n);

        if (!f)
                return NULL;
        format_address(f, l);
        fprintf(f, " (%s)", listen_kind_to_string(l->kind));
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}
