/* Tests for socket unit listen addresses (parse/listen.h): every address
 * form of systemd.socket(5) and the "Listen=" rendering of systemd 252's
 * `systemctl show`. Binding is tried only on AF_UNIX paths in a temp dir. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/macro.h"
#include "parse/listen.h"
#include "test/unit/test.h"

/* Parse, check it succeeded without a message, and return the spec. */
static struct listen_spec *parse_ok(enum listen_kind kind, const char *value)
{
        struct listen_spec *l = NULL;
        char *err = (char *) "untouched";
        int r = listen_spec_parse(kind, value, &l, &err);
        if (r != 0)
                fprintf(stderr, "\n  listen_spec_parse(%s) = %d (%s)\n", value, r, err ? err : "");
        CU_ASSERT_EQUAL(r, 0);
        CU_ASSERT_PTR_NULL(err);
        if (r == 0) {
                CU_ASSERT_PTR_NOT_NULL(l);
                CU_ASSERT_PTR_NULL(l->next);
                CU_ASSERT_STRING_EQUAL(l->text, value);
        }
        return r == 0 ? l : NULL;
}

/* Both the parse and the show rendering, for the table tests. */
static const struct {
        enum listen_kind kind;
        const char *in;
        const char *show;
} show_golden[] = {
        { LISTEN_STREAM, "/run/foo.sock", "/run/foo.sock (Stream)" },
        { LISTEN_STREAM, "@abstract", "@abstract (Stream)" },
        { LISTEN_STREAM, "8080", "[::]:8080 (Stream)" },
        { LISTEN_DATAGRAM, "127.0.0.1:53", "127.0.0.1:53 (Datagram)" },
        { LISTEN_STREAM, "0.0.0.0:80", "0.0.0.0:80 (Stream)" },
        { LISTEN_STREAM, "[::1]:80", "[::1]:80 (Stream)" },
        { LISTEN_STREAM, "[2001:db8:0::1]:443", "[2001:db8::1]:443 (Stream)" },
        { LISTEN_STREAM, "[fe80::1]:80%lo", "[fe80::1]:80%lo (Stream)" },
        { LISTEN_STREAM, "[fe80::1]:80%1", "[fe80::1]:80%lo (Stream)" },
        { LISTEN_SEQPACKET, "/run/seq.sock", "/run/seq.sock (SequentialPacket)" },
        { LISTEN_DATAGRAM, "/var/run/legacy.sock", "/run/legacy.sock (Datagram)" },
        { LISTEN_STREAM, "/run/a b", "/run/a b (Stream)" },
        { LISTEN_STREAM, "/run/a\nb\"", "/run/a\\nb\\\" (Stream)" },
        { LISTEN_STREAM, "/run/\xc3\xa9", "/run/\\303\\251 (Stream)" },
        { LISTEN_STREAM, "@with\\slash", "@with\\\\slash (Stream)" },
        { LISTEN_FIFO, "/run/x.fifo", "/run/x.fifo (FIFO)" },
        { LISTEN_FIFO, "/run//a/./b/", "/run/a/b (FIFO)" },
        { LISTEN_SPECIAL, "/dev/kmsg", "/dev/kmsg (Special)" },
        { LISTEN_NETLINK, "route 1", "route 1 (Netlink)" },
        { LISTEN_NETLINK, "kobject-uevent", "kobject-uevent 0 (Netlink)" },
        { LISTEN_NETLINK, "15 2", "kobject-uevent 2 (Netlink)" },
        { LISTEN_NETLINK, "audit 0x10", "audit 16 (Netlink)" },
        { LISTEN_NETLINK, "30 0", "30 0 (Netlink)" },
};

static void test_format_show_matches_systemctl_rendering(void)
{
        for (size_t i = 0; i < ELEMENTSOF(show_golden); i++) {
                struct listen_spec *l = parse_ok(show_golden[i].kind, show_golden[i].in);
                if (!l)
                        continue;
                char *s = listen_spec_format_show(l);
                CU_ASSERT_PTR_NOT_NULL(s);
                if (s && strcmp(s, show_golden[i].show) != 0)
                        fprintf(stderr, "\n  show(%s) = \"%s\"\n", show_golden[i].in, s);
                CU_ASSERT_STRING_EQUAL(s, show_golden[i].show);
                free(s);
                listen_spec_free_list(l);
        }
}

static void test_unix_path_is_af_unix_with_trailing_nul(void)
{
        struct listen_spec *l = parse_ok(LISTEN_STREAM, "/run/foo.sock");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->family, AF_UNIX);
        CU_ASSERT_EQUAL(l->sock_type, SOCK_STREAM);
        CU_ASSERT_EQUAL(l->addr.un.sun_family, AF_UNIX);
        CU_ASSERT_STRING_EQUAL(l->addr.un.sun_path, "/run/foo.sock");
        CU_ASSERT_EQUAL(l->addr_len, offsetof(struct sockaddr_un, sun_path) + strlen("/run/foo.sock") + 1);
        CU_ASSERT_STRING_EQUAL(l->path, "/run/foo.sock");
        listen_spec_free_list(l);
}

static void test_abstract_name_starts_with_nul_and_has_no_path(void)
{
        struct listen_spec *l = parse_ok(LISTEN_DATAGRAM, "@abstract");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->family, AF_UNIX);
        CU_ASSERT_EQUAL(l->sock_type, SOCK_DGRAM);
        CU_ASSERT_EQUAL(l->addr.un.sun_path[0], 0);
        CU_ASSERT_EQUAL(memcmp(l->addr.un.sun_path + 1, "abstract", 8), 0);
        /* The name's length, without a trailing NUL: "\0abstract". */
        CU_ASSERT_EQUAL(l->addr_len, offsetof(struct sockaddr_un, sun_path) + 9);
        CU_ASSERT_PTR_NULL(l->path);
        listen_spec_free_list(l);
}

static void test_bare_port_is_ipv6_any(void)
{
        struct listen_spec *l = parse_ok(LISTEN_STREAM, "8080");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->family, AF_INET6);
        CU_ASSERT_EQUAL(l->addr.in6.sin6_family, AF_INET6);
        CU_ASSERT_EQUAL(ntohs(l->addr.in6.sin6_port), 8080);
        CU_ASSERT_EQUAL(memcmp(&l->addr.in6.sin6_addr, &in6addr_any, sizeof in6addr_any), 0);
        CU_ASSERT_EQUAL(l->addr_len, sizeof(struct sockaddr_in6));
        listen_spec_free_list(l);
}

static void test_ipv4_address_and_port(void)
{
        struct listen_spec *l = parse_ok(LISTEN_DATAGRAM, "127.0.0.1:53");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->family, AF_INET);
        CU_ASSERT_EQUAL(l->sock_type, SOCK_DGRAM);
        CU_ASSERT_EQUAL(ntohs(l->addr.in.sin_port), 53);
        CU_ASSERT_EQUAL(ntohl(l->addr.in.sin_addr.s_addr), 0x7f000001);
        CU_ASSERT_EQUAL(l->addr_len, sizeof(struct sockaddr_in));
        listen_spec_free_list(l);
}

static void test_ipv6_scope_resolves_interface_name(void)
{
        struct listen_spec *l = parse_ok(LISTEN_STREAM, "[fe80::1]:80%lo");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->family, AF_INET6);
        CU_ASSERT_EQUAL(l->addr.in6.sin6_scope_id, if_nametoindex("lo"));
        CU_ASSERT_EQUAL(ntohs(l->addr.in6.sin6_port), 80);
        listen_spec_free_list(l);
}

static void test_kinds_get_their_socket_types(void)
{
        static const struct {
                enum listen_kind kind;
                const char *in;
                int family, sock_type;
        } cases[] = {
                { LISTEN_STREAM, "/run/a", AF_UNIX, SOCK_STREAM },
                { LISTEN_DATAGRAM, "/run/a", AF_UNIX, SOCK_DGRAM },
                { LISTEN_SEQPACKET, "/run/a", AF_UNIX, SOCK_SEQPACKET },
                { LISTEN_SEQPACKET, "@a", AF_UNIX, SOCK_SEQPACKET },
                { LISTEN_NETLINK, "route", AF_NETLINK, SOCK_RAW },
                { LISTEN_FIFO, "/run/a", 0, 0 },
                { LISTEN_SPECIAL, "/run/a", 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct listen_spec *l = parse_ok(cases[i].kind, cases[i].in);
                if (!l)
                        continue;
                CU_ASSERT_EQUAL(l->kind, cases[i].kind);
                CU_ASSERT_EQUAL(l->family, cases[i].family);
                CU_ASSERT_EQUAL(l->sock_type, cases[i].sock_type);
                listen_spec_free_list(l);
        }
}

static void test_netlink_family_and_group(void)
{
        struct listen_spec *l = parse_ok(LISTEN_NETLINK, "kobject-uevent 1");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->protocol, NETLINK_KOBJECT_UEVENT);
        CU_ASSERT_EQUAL(l->addr.nl.nl_family, AF_NETLINK);
        CU_ASSERT_EQUAL(l->addr.nl.nl_groups, 1);
        CU_ASSERT_EQUAL(l->addr_len, sizeof(struct sockaddr_nl));
        listen_spec_free_list(l);
}

static void test_fifo_path_is_normalized(void)
{
        struct listen_spec *l = parse_ok(LISTEN_FIFO, "//run/./x//y.fifo/");
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_STRING_EQUAL(l->path, "/run/x/y.fifo");
        listen_spec_free_list(l);
}

static void test_invalid_addresses_are_einval_with_message(void)
{
        static const struct {
                enum listen_kind kind;
                const char *in;
        } bad[] = {
                { LISTEN_STREAM, "" },
                { LISTEN_STREAM, "0" },
                { LISTEN_STREAM, "65536" },
                { LISTEN_STREAM, "99999999999999999999" },
                { LISTEN_STREAM, "-1" },
                { LISTEN_STREAM, "localhost:80" },
                { LISTEN_STREAM, "::1" },
                { LISTEN_STREAM, "[::1]" },
                { LISTEN_STREAM, "[::1]:0" },
                { LISTEN_STREAM, "[::1]:" },
                { LISTEN_STREAM, "[::1:80" },
                { LISTEN_STREAM, "::1:80" },
                { LISTEN_STREAM, "127.0.0.1" },
                { LISTEN_STREAM, "127.0.0.1:" },
                { LISTEN_STREAM, "127.0.0.1:http" },
                { LISTEN_STREAM, "1.2.3:80" },
                { LISTEN_STREAM, "256.1.1.1:80" },
                { LISTEN_STREAM, "/" },
                { LISTEN_STREAM, "@" },
                { LISTEN_STREAM, "relative/path" },
                { LISTEN_STREAM, "[fe80::1]:80%" },
                { LISTEN_STREAM, "[fe80::1]:80%no-such-dev0" },
                { LISTEN_SEQPACKET, "8080" },
                { LISTEN_SEQPACKET, "127.0.0.1:80" },
                { LISTEN_FIFO, "relative" },
                { LISTEN_FIFO, "" },
                { LISTEN_FIFO, "/run/../etc/x" },
                { LISTEN_SPECIAL, "/run/\xff" },
                { LISTEN_NETLINK, "" },
                { LISTEN_NETLINK, "bogus" },
                { LISTEN_NETLINK, "route x" },
                { LISTEN_NETLINK, "route -1" },
                { LISTEN_NETLINK, "-3" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct listen_spec *l = (struct listen_spec *) 0x1;
                char *err = NULL;
                int r = listen_spec_parse(bad[i].kind, bad[i].in, &l, &err);
                if (r != -EINVAL)
                        fprintf(stderr, "\n  listen_spec_parse(%s) = %d\n", bad[i].in, r);
                CU_ASSERT_EQUAL(r, -EINVAL);
                CU_ASSERT_PTR_EQUAL(l, (struct listen_spec *) 0x1);
                CU_ASSERT_PTR_NOT_NULL(err);
                free(err);
        }
}

static void test_too_long_unix_path_is_refused(void)
{
        char path[sizeof(((struct sockaddr_un *) 0)->sun_path) + 1];
        struct listen_spec *l = NULL;
        char *err = NULL;

        /* 107 bytes plus the NUL fit; 108 do not. */
        memset(path, 'a', sizeof path);
        path[0] = '/';
        path[sizeof path - 2] = 0;
        CU_ASSERT_EQUAL(listen_spec_parse(LISTEN_STREAM, path, &l, NULL), 0);
        listen_spec_free_list(l);
        path[sizeof path - 2] = 'a';
        path[sizeof path - 1] = 0;
        CU_ASSERT_EQUAL(listen_spec_parse(LISTEN_STREAM, path, &l, &err), -EINVAL);
        CU_ASSERT_PTR_NOT_NULL(err);
        free(err);
        path[0] = '@';
        CU_ASSERT_EQUAL(listen_spec_parse(LISTEN_STREAM, path, &l, NULL), -EINVAL);
}

static void test_vsock_is_not_supported(void)
{
        struct listen_spec *l = NULL;
        char *err = NULL;
        CU_ASSERT_EQUAL(listen_spec_parse(LISTEN_STREAM, "vsock:2:1234", &l, &err), -EAFNOSUPPORT);
        CU_ASSERT_PTR_NULL(l);
        CU_ASSERT_PTR_NOT_NULL(err);
        free(err);
}

static void test_parsed_unix_address_binds(void)
{
        char path[256];
        struct listen_spec *l;
        int fd;

        snprintf(path, sizeof path, "%s/s.sock", test_tmpdir());
        l = parse_ok(LISTEN_SEQPACKET, path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        fd = socket(l->family, l->sock_type | SOCK_CLOEXEC, l->protocol);
        CU_ASSERT_FATAL(fd >= 0);
        CU_ASSERT_EQUAL(bind(fd, &l->addr.sa, l->addr_len), 0);
        CU_ASSERT_EQUAL(access(path, F_OK), 0);
        close(fd);
        listen_spec_free_list(l);
}

static void test_kind_to_string_names_every_kind(void)
{
        static const char *const names[_LISTEN_KIND_MAX] = {
                [LISTEN_STREAM] = "Stream", [LISTEN_DATAGRAM] = "Datagram", [LISTEN_SEQPACKET] = "SequentialPacket",
                [LISTEN_FIFO] = "FIFO",     [LISTEN_SPECIAL] = "Special",   [LISTEN_NETLINK] = "Netlink",
        };
        for (int k = 0; k < _LISTEN_KIND_MAX; k++)
                CU_ASSERT_STRING_EQUAL(listen_kind_to_string(k), names[k]);
        CU_ASSERT_PTR_NULL(listen_kind_to_string(_LISTEN_KIND_MAX));
        CU_ASSERT_PTR_NULL(listen_kind_to_string(-1));
}

static void test_free_list_frees_a_chain(void)
{
        struct listen_spec *a = parse_ok(LISTEN_STREAM, "/run/a");
        struct listen_spec *b = parse_ok(LISTEN_FIFO, "/run/b");
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        a->next = b;
        listen_spec_free_list(a); /* leaks show up under ASan */
        listen_spec_free_list(NULL);
}

static const struct test_case tests[] = {
        { "format_show_matches_systemctl_rendering", test_format_show_matches_systemctl_rendering },
        { "unix_path_is_af_unix_with_trailing_nul", test_unix_path_is_af_unix_with_trailing_nul },
        { "abstract_name_starts_with_nul_and_has_no_path", test_abstract_name_starts_with_nul_and_has_no_path },
        { "bare_port_is_ipv6_any", test_bare_port_is_ipv6_any },
        { "ipv4_address_and_port", test_ipv4_address_and_port },
        { "ipv6_scope_resolves_interface_name", test_ipv6_scope_resolves_interface_name },
        { "kinds_get_their_socket_types", test_kinds_get_their_socket_types },
        { "netlink_family_and_group", test_netlink_family_and_group },
        { "fifo_path_is_normalized", test_fifo_path_is_normalized },
        { "invalid_addresses_are_einval_with_message", test_invalid_addresses_are_einval_with_message },
        { "too_long_unix_path_is_refused", test_too_long_unix_path_is_refused },
        { "vsock_is_not_supported", test_vsock_is_not_supported },
        { "parsed_unix_address_binds", test_parsed_unix_address_binds },
        { "kind_to_string_names_every_kind", test_kind_to_string_names_every_kind },
        { "free_list_frees_a_chain", test_free_list_frees_a_chain },
        { 0 },
};
TEST_SUITE("listen", tests);
