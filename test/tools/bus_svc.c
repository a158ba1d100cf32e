/* A D-Bus service for weft's bus tests, on libsystemd's sd-bus (a real
 * client library, as the services weft runs use). It connects to the
 * system bus (DBUS_SYSTEM_BUS_ADDRESS or /run/dbus/system_bus_socket),
 * serves org.weft.Test.Ping() -> "pong" on /org/weft/Test, and takes its
 * name as told:
 *   bus_svc NAME [--delay MS] [--never] [--drop-after MS] [--flap N]
 * --delay: take the name MS after connecting; --never: never take it;
 * --drop-after: release it MS after taking it, and keep running;
 * --flap: take and release it N times as fast as the bus allows, then
 * exit (a flood of NameOwnerChanged for whoever watches it).
 *   bus_svc --ref UNIT-OBJECT-PATH SECONDS
 * calls org.freedesktop.systemd1.Unit.Ref on the unit object, says "held"
 * on stdout, then keeps its connection SECONDS and exits without Unref. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

static uint64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static int method_ping(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        return sd_bus_reply_method_return(m, "s", "pong");
}

static const sd_bus_vtable test_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Ping", "", "s", method_ping, 0),
        SD_BUS_VTABLE_END,
};

/* --ref: hold a unit, then leave. */
static int hold_unit(const char *path, long seconds)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus *bus = NULL;
        int r = sd_bus_open_system(&bus);

        if (r >= 0)
                r = sd_bus_call_method(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit", "Ref",
                                       &error, NULL, "");
        if (r < 0) {
                fprintf(stderr, "bus_svc: Ref %s: %s\n", path, error.message ? error.message : strerror(-r));
                return 1;
        }
        printf("held\n");
        fflush(stdout);
        for (uint64_t end = now_ms() + (uint64_t) seconds * 1000, now; (now = now_ms()) < end;)
                if (sd_bus_process(bus, NULL) == 0)
                        (void) sd_bus_wait(bus, (end - now) * 1000);
        sd_bus_flush_close_unref(bus);
        return 0;
}

int main(int argc, char **argv)
{
        sd_bus *bus = NULL;
        const char *name;
        long delay = 0, drop_after = -1, flap = 0;
        bool never = false, owned = false, dropped = false;
        uint64_t take_at, drop_at = UINT64_MAX;
        int r;

        if (argc < 2) {
                fprintf(stderr, "usage: bus_svc NAME [--delay MS] [--never] [--drop-after MS]\n");
                return 2;
        }
        if (!strcmp(argv[1], "--ref") && argc == 4)
                return hold_unit(argv[2], atol(argv[3]));
        name = argv[1];
        for (int i = 2; i < argc; i++) {
                if (!strcmp(argv[i], "--delay") && i + 1 < argc)
                        delay = atol(argv[++i]);
                else if (!strcmp(argv[i], "--never"))
                        never = true;
                else if (!strcmp(argv[i], "--drop-after") && i + 1 < argc)
                        drop_after = atol(argv[++i]);
                else if (!strcmp(argv[i], "--flap") && i + 1 < argc)
                        flap = atol(argv[++i]);
                else {
                        fprintf(stderr, "bus_svc: unknown argument %s\n", argv[i]);
                        return 2;
                }
        }
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "bus_svc: cannot connect to the system bus: %s\n", strerror(-r));
                return 1;
        }
        r = sd_bus_add_object_vtable(bus, NULL, "/org/weft/Test", "org.weft.Test", test_vtable, NULL);
        if (r < 0) {
                fprintf(stderr, "bus_svc: cannot add the object: %s\n", strerror(-r));
                return 1;
        }
        for (long i = 0; i < flap; i++) {
                r = sd_bus_request_name(bus, name, 0);
                if (r >= 0)
                        r = sd_bus_release_name(bus, name);
                if (r < 0) {
                        fprintf(stderr, "bus_svc: flapping %s: %s\n", name, strerror(-r));
                        return 1;
                }
        }
        if (flap > 0)
                return 0;
        take_at = now_ms() + (uint64_t) delay;
        for (;;) {
                uint64_t now = now_ms(), next = UINT64_MAX;
                if (!never && !owned && !dropped && now >= take_at) {
                        r = sd_bus_request_name(bus, name, 0);
                        if (r < 0) {
                                fprintf(stderr, "bus_svc: cannot take %s: %s\n", name, strerror(-r));
                                return 1;
                        }
                        owned = true;
                        fprintf(stderr, "bus_svc: took %s\n", name);
                        if (drop_after >= 0)
                                drop_at = now + (uint64_t) drop_after;
                }
                if (owned && now >= drop_at) {
                        r = sd_bus_release_name(bus, name);
                        if (r < 0) {
                                fprintf(stderr, "bus_svc: cannot release %s: %s\n", name, strerror(-r));
                                return 1;
                        }
                        owned = false;
                        dropped = true;
                        fprintf(stderr, "bus_svc: released %s\n", name);
                }
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        fprintf(stderr, "bus_svc: bus: %s\n", strerror(-r));
                        return 1;
                }
                if (r > 0)
                        continue;
                if (!never && !owned && !dropped)
                        next = take_at;
                if (owned && drop_at != UINT64_MAX)
                        next = drop_at;
                now = now_ms();
                r = sd_bus_wait(bus, next == UINT64_MAX ? UINT64_MAX : next > now ? (next - now) * 1000 : 0);
                if (r < 0 && r != -EINTR) {
                        fprintf(stderr, "bus_svc: wait: %s\n", strerror(-r));
                        return 1;
                }
        }
}
