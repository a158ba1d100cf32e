/* Tests for the control protocol's messages (sockets/control_proto.c):
 * every field survives a round trip, the line is one JSON line, a newer
 * peer's message still decodes, and each kind of bad input is -EBADMSG with
 * a reason naming its line and column. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "base/strv.h"
#include "sockets/control_proto.h"
#include "test/unit/test.h"

static bool strv_equal(char *const *a, char *const *b)
{
        if (strv_length(a) != strv_length(b))
                return false;
        for (size_t i = 0; a && a[i]; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static bool request_equal(const struct control_request *a, const struct control_request *b)
{
        return a->version == b->version && streq_ptr(a->verb, b->verb) && strv_equal(a->units, b->units) &&
               a->no_block == b->no_block && a->signal == b->signal && strv_equal(a->properties, b->properties) &&
               a->all == b->all && streq_ptr(a->state, b->state) && a->exit_code == b->exit_code &&
               a->lines == b->lines;
}

static bool reply_equal(const struct control_reply *a, const struct control_reply *b)
{
        if (a->version != b->version || a->code != b->code || !streq_ptr(a->error, b->error) ||
            !streq_ptr(a->text, b->text) || a->n_units != b->n_units)
                return false;
        for (size_t i = 0; i < a->n_units; i++)
                if (!strv_equal(a->units[i].keys, b->units[i].keys) ||
                    !strv_equal(a->units[i].values, b->units[i].values))
                        return false;
        return true;
}

static void request_round_trip(const struct control_request *in, struct control_request *out)
{
        char *line = NULL, *error = NULL;
        size_t len = 0;

        CU_ASSERT_EQUAL_FATAL(control_request_encode(in, &line, &len), 0);
        CU_ASSERT_EQUAL(strlen(line), len);
        int r = control_request_decode(line, len, out, &error);
        if (r < 0)
                fprintf(stderr, "\n  line: %s  error: %s\n", line, error);
        CU_ASSERT_EQUAL_FATAL(r, 0);
        CU_ASSERT_PTR_NULL(error);
        free(line);
}

static void reply_round_trip(const struct control_reply *in, struct control_reply *out)
{
        char *line = NULL, *error = NULL;
        size_t len = 0;

        CU_ASSERT_EQUAL_FATAL(control_reply_encode(in, &line, &len), 0);
        int r = control_reply_decode(line, len, out, &error);
        if (r < 0)
                fprintf(stderr, "\n  line: %s  error: %s\n", line, error);
        CU_ASSERT_EQUAL_FATAL(r, 0);
        free(line);
}

/* Decodes text as a request and checks it is refused with a reason that
 * starts with "line L column C: " (where = "L column C") and contains what;
 * the output is left alone. */
static void expect_bad_request(const char *text, size_t len, const char *where, const char *what)
{
        struct control_request r = { .version = 77 };
        char *error = NULL, prefix[64];

        CU_ASSERT_EQUAL(control_request_decode(text, len, &r, &error), -EBADMSG);
        CU_ASSERT_EQUAL(r.version, 77);
        CU_ASSERT_PTR_NULL(r.verb);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        snprintf(prefix, sizeof prefix, "line %s: ", where);
        bool ok = strncmp(error, prefix, strlen(prefix)) == 0 && strstr(error, what);
        if (!ok)
                fprintf(stderr, "\n  input: %.200s\n  want:  %s...%s\n  got:   %s\n", text, prefix, what, error);
        CU_ASSERT_TRUE(ok);
        free(error);
}

static void expect_bad(const char *text, const char *where, const char *what)
{
        expect_bad_request(text, strlen(text), where, what);
}

static struct control_request full_request(void)
{
        static char *units[] = { "a.service", "b.socket", NULL };
        static char *props[] = { "MainPID", "ActiveState", NULL };
        return (struct control_request) {
                .version = 1,
                .verb = "status",
                .units = units,
                .no_block = true,
                .signal = 9,
                .properties = props,
                .all = true,
                .state = "failed",
                .exit_code = -3,
                .lines = 200,
        };
}

static void test_request_round_trip_keeps_every_field(void)
{
        struct control_request in = full_request(), out;

        request_round_trip(&in, &out);
        CU_ASSERT_TRUE(request_equal(&in, &out));
        control_request_done(&out);
}

static void test_reply_round_trip_keeps_every_field_and_key_order(void)
{
        struct control_reply in = { .version = 1, .code = 3, .error = "inactive", .text = "some text" }, out;
        struct control_unit *u = control_reply_add_unit(&in);

        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        CU_ASSERT_EQUAL(control_unit_add(u, "Id", "a.service"), 0);
        CU_ASSERT_EQUAL(control_unit_add(u, "ActiveState", "inactive"), 0);
        CU_ASSERT_EQUAL(control_unit_add(u, "MainPID", "0"), 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u = control_reply_add_unit(&in));
        CU_ASSERT_EQUAL(control_unit_add(u, "Id", "b.service"), 0);

        reply_round_trip(&in, &out);
        CU_ASSERT_TRUE(reply_equal(&in, &out));
        CU_ASSERT_EQUAL_FATAL(out.n_units, 2);
        CU_ASSERT_STRING_EQUAL(out.units[0].keys[1], "ActiveState");
        CU_ASSERT_STRING_EQUAL(control_unit_get(&out.units[0], "MainPID"), "0");
        CU_ASSERT_PTR_NULL(control_unit_get(&out.units[1], "MainPID"));
        in.error = in.text = NULL;      /* not ours to free */
        control_reply_done(&in);
        control_reply_done(&out);
}

static const char *const awkward[] = {
        "say \"hi\"",
        "back\\slash\\\\",
        "two\nlines\r\n",
        "tab\there",
        "\x01\x1f\x7f control",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",       /* é € 😀 */
        "\xc2\x85 \xe2\x80\xa8 \xe2\x80\xa9 \xef\xbb\xbf",  /* NEL LS PS BOM */
        "  leading and trailing  ",
        "# not a comment, : not a key, [not, a, list], {x: y}, &a *a !tag",
        "null",
        "",
};

static void test_strings_with_quotes_backslashes_newlines_and_unicode_round_trip(void)
{
        for (size_t i = 0; i < ELEMENTSOF(awkward); i++) {
                char *units[] = { (char *) awkward[i], NULL };
                struct control_request in = { .version = 1, .verb = (char *) awkward[i], .units = units,
                                              .state = (char *) awkward[i] },
                                       out;
                request_round_trip(&in, &out);
                if (!request_equal(&in, &out))
                        fprintf(stderr, "\n  string %zu changed: \"%s\" -> \"%s\"\n", i, awkward[i], out.verb);
                CU_ASSERT_TRUE(request_equal(&in, &out));
                control_request_done(&out);

                struct control_reply rin = { .version = 1, .error = (char *) awkward[i],
                                             .text = (char *) awkward[i] },
                                     rout;
                struct control_unit *u = control_reply_add_unit(&rin);
                CU_ASSERT_PTR_NOT_NULL_FATAL(u);
                CU_ASSERT_EQUAL(control_unit_add(u, awkward[i], awkward[i]), 0);
                reply_round_trip(&rin, &rout);
                CU_ASSERT_TRUE(reply_equal(&rin, &rout));
                rin.error = rin.text = NULL;
                control_reply_done(&rin);
                control_reply_done(&rout);
        }
}

static void test_empty_lists_round_trip_as_empty(void)
{
        char *none[] = { NULL };
        struct control_request in = { .version = 1, .verb = "list-units", .units = none }, out;

        request_round_trip(&in, &out);
        CU_ASSERT_EQUAL(strv_length(out.units), 0);
        CU_ASSERT_EQUAL(strv_length(out.properties), 0);
        CU_ASSERT_TRUE(request_equal(&in, &out));
        control_request_done(&out);

        struct control_reply rin = { .version = 1 }, rout;
        reply_round_trip(&rin, &rout);
        CU_ASSERT_EQUAL(rout.n_units, 0);
        CU_ASSERT_PTR_NULL(rout.error);
        CU_ASSERT_PTR_NULL(rout.text);
        control_reply_done(&rout);

        /* A unit with no properties is still a unit. */
        CU_ASSERT_PTR_NOT_NULL_FATAL(control_reply_add_unit(&rin));
        reply_round_trip(&rin, &rout);
        CU_ASSERT_EQUAL_FATAL(rout.n_units, 1);
        CU_ASSERT_EQUAL(strv_length(rout.units[0].keys), 0);
        control_reply_done(&rin);
        control_reply_done(&rout);
}

static void test_encoded_message_is_one_line_ending_in_newline(void)
{
        struct control_request in = full_request();
        struct control_reply rin = { .version = 1, .text = "line 1\nline 2\r\n\xe2\x80\xa8\xc2\x85" };
        char *line = NULL;
        size_t len = 0;

        in.verb = "a\nb\n";
        CU_ASSERT_EQUAL_FATAL(control_request_encode(&in, &line, &len), 0);
        CU_ASSERT_TRUE(len > 1 && line[len - 1] == '\n');
        CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + len - 1);
        CU_ASSERT_PTR_NULL(strchr(line, '\r'));
        CU_ASSERT_EQUAL(line[0], '{');
        free(line);

        CU_ASSERT_EQUAL_FATAL(control_reply_encode(&rin, &line, &len), 0);
        CU_ASSERT_PTR_EQUAL(strchr(line, '\n'), line + len - 1);
        CU_ASSERT_PTR_NULL(strstr(line, "\xe2\x80\xa8"));
        CU_ASSERT_PTR_NULL(strstr(line, "\xc2\x85"));
        free(line);
}

static void test_encoding_is_the_documented_json(void)
{
        char *units[] = { "a.service", NULL };
        struct control_request in = { .verb = "start", .units = units };
        char *line = NULL;

        CU_ASSERT_EQUAL_FATAL(control_request_encode(&in, &line, NULL), 0);
        CU_ASSERT_STRING_EQUAL(line, "{\"version\":1,\"verb\":\"start\",\"units\":[\"a.service\"],"
                                     "\"options\":{\"no_block\":false,\"signal\":0,\"properties\":[],"
                                     "\"all\":false,\"exit_code\":0,\"lines\":0}}\n");
        free(line);
}

static void test_request_from_newer_client_with_unknown_keys_decodes(void)
{
        static const char text[] =
                "{\"version\":7,\"verb\":\"status\",\"trace_id\":\"x\",\"units\":[\"a.service\"],"
                "\"new\":{\"deep\":[1,{\"k\":[true,null]}]},"
                "\"options\":{\"signal\":15,\"colour\":\"auto\",\"future\":[[],{}],\"lines\":5},"
                "\"tail\":3.5}\n";
        struct control_request r;
        char *error = NULL;

        CU_ASSERT_EQUAL_FATAL(control_request_decode(text, strlen(text), &r, &error), 0);
        CU_ASSERT_EQUAL(r.version, 7);
        CU_ASSERT_STRING_EQUAL(r.verb, "status");
        CU_ASSERT_EQUAL_FATAL(strv_length(r.units), 1);
        CU_ASSERT_STRING_EQUAL(r.units[0], "a.service");
        CU_ASSERT_EQUAL(r.signal, 15);
        CU_ASSERT_EQUAL(r.lines, 5);
        control_request_done(&r);
}

static void test_reply_from_newer_manager_with_unknown_keys_decodes(void)
{
        static const char text[] = "{\"version\":2,\"code\":4,\"hint\":{\"a\":[1]},\"error\":\"no such unit\","
                                   "\"units\":[{\"Id\":\"a.service\"}]}";
        struct control_reply r;

        CU_ASSERT_EQUAL_FATAL(control_reply_decode(text, strlen(text), &r, NULL), 0);
        CU_ASSERT_EQUAL(r.version, 2);
        CU_ASSERT_EQUAL(r.code, 4);
        CU_ASSERT_STRING_EQUAL(r.error, "no such unit");
        CU_ASSERT_EQUAL_FATAL(r.n_units, 1);
        CU_ASSERT_STRING_EQUAL(control_unit_get(&r.units[0], "Id"), "a.service");
        control_reply_done(&r);
}

static void test_json_with_spaces_and_null_fields_decodes(void)
{
        static const char text[] = "  { \"version\" : 1 , \"verb\" : \"stop\" , \"units\" : null ,"
                                   " \"options\" : { \"state\" : null } }  ";
        struct control_request r;

        CU_ASSERT_EQUAL_FATAL(control_request_decode(text, strlen(text), &r, NULL), 0);
        CU_ASSERT_STRING_EQUAL(r.verb, "stop");
        CU_ASSERT_PTR_NULL(r.units);
        CU_ASSERT_PTR_NULL(r.state);
        control_request_done(&r);
}

static void test_missing_version_is_unversioned(void)
{
        expect_bad("{\"verb\":\"status\"}\n", "1 column 1", "unversioned message");
        expect_bad("{\"version\":null,\"verb\":\"status\"}\n", "1 column 1", "unversioned message");
}

static void test_missing_verb_is_refused(void)
{
        expect_bad("{\"version\":1}\n", "1 column 1", "missing \"verb\"");
}

static void test_reply_without_code_is_refused(void)
{
        struct control_reply r = { 0 };
        char *error = NULL;

        CU_ASSERT_EQUAL(control_reply_decode("{\"version\":1}", 13, &r, &error), -EBADMSG);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        CU_ASSERT_STRING_EQUAL(error, "line 1 column 1: missing \"code\"");
        free(error);
}

static void test_non_mapping_is_refused(void)
{
        expect_bad("[1,2]\n", "1 column 1", "expected a mapping, got a list");
        expect_bad("\"status\"\n", "1 column 1", "expected a mapping, got a string");
        expect_bad("", "1 column 1", "empty message");
}

static void test_truncated_json_is_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":\"sta", "1 column 25", "unexpected end of stream");
        /* The end of the input is on the message's line, newline or not. */
        expect_bad("{\"version\":1,\"verb\":\"status\"", "1 column 29", "did not find expected ',' or '}'");
        expect_bad("{\"version\":1,\"verb\":\"status\"\n", "1 column 29", "did not find expected ',' or '}'");
}

static void test_units_as_a_string_is_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":\"start\",\"units\":\"a.service\"}", "1 column 37",
                   "\"units\": expected a list of strings, got a string");
}

static void test_version_as_a_string_is_refused(void)
{
        expect_bad("{\"version\":\"x\",\"verb\":\"start\"}", "1 column 12",
                   "\"version\": expected an integer >= 1, got a string");
        expect_bad("{\"version\":\"1\",\"verb\":\"start\"}", "1 column 12", "got a string");
        expect_bad("{\"version\":0,\"verb\":\"start\"}", "1 column 12", "expected an integer >= 1");
        expect_bad("{\"version\":1.0,\"verb\":\"start\"}", "1 column 12", "expected an integer >= 1");
}

static void test_other_wrong_types_are_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":start}", "1 column 21", "\"verb\": expected a string");
        expect_bad("{\"version\":1,\"verb\":\"s\",\"options\":[]}", "1 column 35", "\"options\": expected a mapping");
        expect_bad("{\"version\":1,\"verb\":\"s\",\"options\":{\"no_block\":1}}", "1 column 47",
                   "\"options.no_block\": expected true or false");
        expect_bad("{\"version\":1,\"verb\":\"s\",\"options\":{\"lines\":-1}}", "1 column 44",
                   "\"options.lines\": expected an integer >= 0");
        expect_bad("{\"version\":1,\"verb\":\"s\",\"options\":{\"signal\":99999999999}}", "1 column 45",
                   "expected an integer");
        expect_bad("{\"version\":1,\"verb\":\"s\",\"units\":[\"a\",2]}", "1 column 38", "got a number");
}

static void test_reply_unit_values_must_be_strings(void)
{
        static const char text[] = "{\"version\":1,\"code\":0,\"units\":[{\"MainPID\":12}]}";
        struct control_reply r = { 0 };
        char *error = NULL;

        CU_ASSERT_EQUAL(control_reply_decode(text, strlen(text), &r, &error), -EBADMSG);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        CU_ASSERT_STRING_EQUAL(error, "line 1 column 43: \"MainPID\": expected a string, got a number");
        free(error);
}

static void test_duplicate_key_is_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":\"a\",\"verb\":\"b\"}", "1 column 25", "duplicate key \"verb\"");
}

static void test_oversized_message_is_refused(void)
{
        size_t n = CONTROL_MESSAGE_MAX + 1;
        char *big = malloc(n);

        CU_ASSERT_PTR_NOT_NULL_FATAL(big);
        memset(big, ' ', n);
        memcpy(big, "{\"version\":1,\"verb\":\"x\"}", 24);
        expect_bad_request(big, n, "1 column 1048577", "message longer than 1048576 bytes");
        free(big);
}

static void test_string_over_64k_is_refused_and_64k_is_not(void)
{
        size_t n = CONTROL_STRING_MAX;
        char *s = malloc(n + 2);
        struct control_request in = { .version = 1, .verb = s }, out;
        char *line = NULL;

        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        memset(s, 'v', n + 1);
        s[n] = 0;
        request_round_trip(&in, &out);
        CU_ASSERT_EQUAL(strlen(out.verb), n);
        control_request_done(&out);

        s[n] = 'v';
        s[n + 1] = 0;
        CU_ASSERT_EQUAL(control_request_encode(&in, &line, NULL), -EINVAL);
        char *text = NULL;
        CU_ASSERT_FATAL(asprintf(&text, "{\"version\":1,\"verb\":\"%s\"}", s) > 0);
        expect_bad(text, "1 column 21", "string longer than 65536 bytes");
        free(text);
        free(s);
}

static void test_request_with_more_than_65536_units_is_refused(void)
{
        char **units = calloc(CONTROL_LIST_MAX + 2, sizeof *units);
        struct control_request in = { .version = 1, .verb = (char *) "start", .units = units };
        char *line = NULL;

        CU_ASSERT_PTR_NOT_NULL_FATAL(units);
        for (size_t i = 0; i <= CONTROL_LIST_MAX; i++)
                units[i] = (char *) "a";
        CU_ASSERT_EQUAL(control_request_encode(&in, &line, NULL), -EINVAL);
        CU_ASSERT_PTR_NULL(line);
        free(units);

        /* The same list written by hand: 65537 units. */
        size_t n = 64 + 4 * (CONTROL_LIST_MAX + 1);
        char *text = malloc(n), *p = text;
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        p = stpcpy(p, "{\"version\":1,\"verb\":\"start\",\"units\":[");
        for (size_t i = 0; i <= CONTROL_LIST_MAX; i++)
                p = stpcpy(p, i ? ",\"a\"" : "\"a\"");
        p = stpcpy(p, "]}");
        struct control_request out;
        char *error = NULL;
        CU_ASSERT_EQUAL(control_request_decode(text, strlen(text), &out, &error), -EBADMSG);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        CU_ASSERT_PTR_NOT_NULL(strstr(error, "\"units\": more than 65536 items"));
        free(error);
        free(text);
}

/* B7: list-units --all of 9,002+ units no longer fits 1 MiB; a reply has
 * no limit on its size or on its number of units. */
static void test_reply_of_100000_units_over_1_mib_round_trips(void)
{
        struct control_reply in = { .version = 1 }, out;
        char *line = NULL;
        size_t len = 0;

        for (size_t i = 0; i < 100000; i++) {
                char id[64];
                struct control_unit *u = control_reply_add_unit(&in);
                CU_ASSERT_PTR_NOT_NULL_FATAL(u);
                snprintf(id, sizeof id, "unit-with-a-long-enough-name-%zu.service", i);
                CU_ASSERT_FATAL(control_unit_add(u, "Id", id) == 0);
                CU_ASSERT_FATAL(control_unit_add(u, "ActiveState", "inactive") == 0);
        }
        CU_ASSERT_EQUAL_FATAL(control_reply_encode(&in, &line, &len), 0);
        CU_ASSERT(len > CONTROL_MESSAGE_MAX);
        CU_ASSERT_EQUAL_FATAL(control_reply_decode(line, len, &out, NULL), 0);
        CU_ASSERT_EQUAL(out.n_units, 100000);
        CU_ASSERT_STRING_EQUAL(control_unit_get(&out.units[99999], "Id"),
                               "unit-with-a-long-enough-name-99999.service");
        control_reply_done(&out);
        control_reply_done(&in);
        free(line);
}

/* B7: show of a unit with 3,050 drop-ins: DropInPaths is one value far
 * over the 64 KiB a request's string may have. */
static void test_reply_string_over_64k_round_trips(void)
{
        size_t n = 4 * CONTROL_STRING_MAX;
        char *v = malloc(n + 1);
        struct control_reply in = { .version = 1 }, out;
        char *line = NULL;
        size_t len = 0;

        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        memset(v, 'd', n);
        v[n] = 0;
        struct control_unit *u = control_reply_add_unit(&in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        CU_ASSERT_FATAL(control_unit_add(u, "DropInPaths", v) == 0);
        in.text = v;
        CU_ASSERT_EQUAL_FATAL(control_reply_encode(&in, &line, &len), 0);
        CU_ASSERT_EQUAL_FATAL(control_reply_decode(line, len, &out, NULL), 0);
        CU_ASSERT_EQUAL(strlen(control_unit_get(&out.units[0], "DropInPaths")), n);
        CU_ASSERT_EQUAL(strlen(out.text), n);
        control_reply_done(&out);
        in.text = NULL;
        control_reply_done(&in);
        free(line);
        free(v);
}

/* A unit's key is a YAML implicit key, which libyaml reads only up to
 * 1024 characters: the encoder refuses a key whose encoded form is longer
 * (300 line separators, 6 bytes each as \u2028), and one of 1,000 plain
 * bytes round-trips (fuzz_control found the first decoded, re-encoded,
 * and refused by the decoder). */
static void test_reply_key_longer_than_yaml_reads_is_refused(void)
{
        char key[1001], wide[901];
        struct control_reply in = { .version = 1 }, out;
        char *line = NULL;
        size_t len = 0;

        memset(key, 'k', 1000);
        key[1000] = 0;
        for (size_t i = 0; i < 300; i++)
                memcpy(wide + 3 * i, "\xe2\x80\xa8", 3);
        wide[900] = 0;
        struct control_unit *u = control_reply_add_unit(&in);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        CU_ASSERT_FATAL(control_unit_add(u, key, "v") == 0);
        CU_ASSERT_EQUAL_FATAL(control_reply_encode(&in, &line, &len), 0);
        CU_ASSERT_EQUAL_FATAL(control_reply_decode(line, len, &out, NULL), 0);
        CU_ASSERT_STRING_EQUAL(control_unit_get(&out.units[0], key), "v");
        control_reply_done(&out);
        free(line);
        line = NULL;
        CU_ASSERT_FATAL(control_unit_add(u, wide, "v") == 0);
        CU_ASSERT_EQUAL(control_reply_encode(&in, &line, &len), -EMSGSIZE);
        free(line);
        control_reply_done(&in);
}

static void test_invalid_utf8_is_refused(void)
{
        static const char text[] = "{\"version\":1,\"verb\":\"caf\xc3\x28\"}";
        expect_bad(text, "1 column 26", "invalid trailing UTF-8 octet");
        expect_bad("{\"version\":1,\"verb\":\"\xed\xa0\x80\"}", "1 column 22", "invalid Unicode character");
        /* No UTF-16 from a byte order mark either. */
        expect_bad("\xff\xfe{\x00}\x00", "1 column 1", "UTF-8");
}

static void test_encode_refuses_invalid_utf8(void)
{
        static const char *const bad[] = {
                "caf\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct control_request in = { .version = 1, .verb = (char *) bad[i] };
                char *line = NULL;
                CU_ASSERT_EQUAL(control_request_encode(&in, &line, NULL), -EINVAL);
                CU_ASSERT_PTR_NULL(line);
        }
}

/* A unit's text (a StatusText=, a Description=) is not weft's to refuse:
 * a reply carries U+FFFD for each byte that is not UTF-8, and is answered. */
static void test_reply_replaces_invalid_utf8(void)
{
        struct control_reply in = { .version = 1, .text = (char *) "caf\xc3\x28 \xe2\x82" }, out;
        char *line = NULL;
        size_t len = 0;

        CU_ASSERT_EQUAL_FATAL(control_reply_encode(&in, &line, &len), 0);
        CU_ASSERT_EQUAL_FATAL(control_reply_decode(line, len, &out, NULL), 0);
        CU_ASSERT_STRING_EQUAL(out.text, "caf\xef\xbf\xbd( \xef\xbf\xbd\xef\xbf\xbd");
        control_reply_done(&out);
        free(line);
}

static void test_two_documents_are_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":\"a\"}\n---\n{\"version\":1,\"verb\":\"b\"}\n", "2 column 1",
                   "more than one document");
        expect_bad("{\"version\":1,\"verb\":\"a\"}{\"version\":1,\"verb\":\"b\"}", "1 column 25", "");
}

static void test_aliases_are_refused(void)
{
        expect_bad("{\"version\":1,\"verb\":&v \"a\",\"state\":*v}", "1 column 36", "aliases are not allowed");
}

static void test_deep_nesting_is_refused(void)
{
        char text[256] = "{\"version\":1,\"verb\":\"a\",\"x\":";
        size_t n = strlen(text);

        for (int i = 0; i < CONTROL_DEPTH_MAX; i++)
                text[n++] = '[';
        text[n] = 0;
        expect_bad(text, "1 column 44", "nested deeper than 16 levels");
}

static void test_message_without_newline_decodes_like_one_with(void)
{
        struct control_request a, b;

        CU_ASSERT_EQUAL_FATAL(control_request_decode("{\"version\":1,\"verb\":\"a\"}", 24, &a, NULL), 0);
        CU_ASSERT_EQUAL_FATAL(control_request_decode("{\"version\":1,\"verb\":\"a\"}\n", 25, &b, NULL), 0);
        CU_ASSERT_TRUE(request_equal(&a, &b));
        control_request_done(&a);
        control_request_done(&b);
}

static void test_encode_refuses_request_without_verb(void)
{
        struct control_request in = { .version = 1 };
        char *line = NULL;

        CU_ASSERT_EQUAL(control_request_encode(&in, &line, NULL), -EINVAL);
}

static const struct test_case tests[] = {
        { "request_round_trip_keeps_every_field", test_request_round_trip_keeps_every_field },
        { "reply_round_trip_keeps_every_field_and_key_order", test_reply_round_trip_keeps_every_field_and_key_order },
        { "strings_with_quotes_backslashes_newlines_and_unicode_round_trip",
          test_strings_with_quotes_backslashes_newlines_and_unicode_round_trip },
        { "empty_lists_round_trip_as_empty", test_empty_lists_round_trip_as_empty },
        { "encoded_message_is_one_line_ending_in_newline", test_encoded_message_is_one_line_ending_in_newline },
        { "encoding_is_the_documented_json", test_encoding_is_the_documented_json },
        { "request_from_newer_client_with_unknown_keys_decodes",
          test_request_from_newer_client_with_unknown_keys_decodes },
        { "reply_from_newer_manager_with_unknown_keys_decodes",
          test_reply_from_newer_manager_with_unknown_keys_decodes },
        { "json_with_spaces_and_null_fields_decodes", test_json_with_spaces_and_null_fields_decodes },
        { "missing_version_is_unversioned", test_missing_version_is_unversioned },
        { "missing_verb_is_refused", test_missing_verb_is_refused },
        { "reply_without_code_is_refused", test_reply_without_code_is_refused },
        { "non_mapping_is_refused", test_non_mapping_is_refused },
        { "truncated_json_is_refused", test_truncated_json_is_refused },
        { "units_as_a_string_is_refused", test_units_as_a_string_is_refused },
        { "version_as_a_string_is_refused", test_version_as_a_string_is_refused },
        { "other_wrong_types_are_refused", test_other_wrong_types_are_refused },
        { "reply_unit_values_must_be_strings", test_reply_unit_values_must_be_strings },
        { "duplicate_key_is_refused", test_duplicate_key_is_refused },
        { "oversized_message_is_refused", test_oversized_message_is_refused },
        { "string_over_64k_is_refused_and_64k_is_not", test_string_over_64k_is_refused_and_64k_is_not },
        { "request_with_more_than_65536_units_is_refused", test_request_with_more_than_65536_units_is_refused },
        { "reply_of_100000_units_over_1_mib_round_trips", test_reply_of_100000_units_over_1_mib_round_trips },
        { "reply_string_over_64k_round_trips", test_reply_string_over_64k_round_trips },
        { "reply_key_longer_than_yaml_reads_is_refused", test_reply_key_longer_than_yaml_reads_is_refused },
        { "invalid_utf8_is_refused", test_invalid_utf8_is_refused },
        { "encode_refuses_invalid_utf8", test_encode_refuses_invalid_utf8 },
        { "reply_replaces_invalid_utf8", test_reply_replaces_invalid_utf8 },
        { "two_documents_are_refused", test_two_documents_are_refused },
        { "aliases_are_refused", test_aliases_are_refused },
        { "deep_nesting_is_refused", test_deep_nesting_is_refused },
        { "message_without_newline_decodes_like_one_with", test_message_without_newline_decodes_like_one_with },
        { "encode_refuses_request_without_verb", test_encode_refuses_request_without_verb },
        { 0 },
};

TEST_SUITE("control_proto", tests);
