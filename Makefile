# weft — build, test and install.
# Every .c under base/ core/ parse/ sockets/ workers/ (except core/main.c) goes into
# libweft.a; programs link it. Variants build into their own folders so a
# sanitizer build never mixes objects with the normal one.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
# -fno-asynchronous-unwind-tables: no .eh_frame (55 KiB) for weft's C, which
# nothing reads (no pthread_cancel or pthread_exit in weft, no backtrace();
# -g's .debug_frame serves gdb and perf), and whose pages were mapped in every
# process (bench-container: 16 KiB less peak RSS). Sanitizer builds, which
# set their own CFLAGS, keep it.
CFLAGS  ?= -O2 -g -fno-asynchronous-unwind-tables
WARN     = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CPPFLAGS = -std=c11 -D_GNU_SOURCE -I. -MMD -MP
# libsystemd (sd-bus), libmount, libudev and libyaml are loaded at first use
# (base/dlib.h), not linked: their headers are build dependencies only.
LDLIBS   = -lpthread
# Linker options for weft and weftctl (not user LDFLAGS, which sanitizer
# builds replace): fewer pages to map and relocate at exec. -O1 and
# --as-needed trim the dynamic tables; pack-relative-relocs (DT_RELR,
# binutils 2.38 and glibc 2.36) stores the ~3,000 pointer relocations of a
# PIE in ~600 bytes instead of 70 KiB that ld.so reads at every start
# (bench-container: ~70 KiB less peak RSS). Probed, as older toolchains
# lack it.
LDOPT   := -Wl,-O1 -Wl,--as-needed $(shell printf 'int main(void){return 0;}' | \
	$(CC) -x c - -Wl,-z,pack-relative-relocs -o /dev/null 2>/dev/null && echo -Wl,-z,pack-relative-relocs)

# What `weft -- CMD` runs is laid out together at the start of weft's
# text. The kernel maps a file's pages in 64 KiB windows around each fault
# (fault-around), so the ~90 KiB a bare container runs, scattered over
# 300 KiB of text, mapped all of it (bench-container: 1.83-1.85 MiB peak RSS
# against 2.00-2.05). Each function gets its own section; CONTAINER_LD, made
# from the list bench/container-path.sh measures, puts the listed ones in
# one output section before .text (INSERT augments ld's default script
# rather than replacing it). A stale list costs RSS, never correctness.
CODEGEN  = -ffunction-sections
CONTAINER_LD = $(BUILD)/container-path.ld

LIB_SRC  = $(filter-out core/main.c,$(wildcard base/*.c core/*.c parse/*.c sockets/*.c workers/*.c))
CTL_SRC  = $(wildcard ctl/*.c)
TEST_SRC = $(wildcard test/unit/*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CTL_OBJ  = $(CTL_SRC:%.c=$(BUILD)/%.o)
# weftctl's modules without its main(), for the unit tests
CTL_MOD_OBJ = $(filter-out $(BUILD)/ctl/weftctl.o,$(CTL_OBJ))
TEST_OBJ = $(TEST_SRC:%.c=$(BUILD)/%.o)

# Boot benchmark programs (libc only); the integration tests use them too.
BOOT_BENCH = $(BUILD)/gendag $(BUILD)/payload $(BUILD)/ideal $(BUILD)/forkloop $(BUILD)/maxrss

LIB      = $(BUILD)/libweft.a
WEFT     = $(BUILD)/weft
WEFTCTL  = $(BUILD)/weftctl
UNITTEST = $(BUILD)/unit-tests

.PHONY: all check unit-tests demo install clean sanitize tsan fuzz bench bench-boot bench-scale

all: $(WEFT) $(WEFTCTL)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CODEGEN) $(WARN) -c -o $@ $<

$(CONTAINER_LD): bench/container-path.txt
	@mkdir -p $(dir $@)
	{ echo 'SECTIONS {'; echo '  .text.container : {'; \
	  sed 's/.*/    *(.text.& .text.&.* .text.startup.&)/' $<; \
	  echo '  }'; echo '} INSERT BEFORE .text;'; } >$@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# weft does not link libsystemd: its bus thread loads sd-bus when it
# first connects to a bus (core/bus_lib.h says why).
$(WEFT): $(BUILD)/core/main.o $(LIB) $(CONTAINER_LD)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LDOPT) -o $@ $(BUILD)/core/main.o $(LIB) -Wl,-T,$(CONTAINER_LD) $(LDLIBS)

$(WEFTCTL): $(CTL_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LDOPT) -o $@ $^ $(LDLIBS)

# libsystemd: the manager's sd-bus, and a real client for the tests (sd_notify and friends);
# libyaml: tests read boot.yaml back with its parser directly.
$(UNITTEST): $(TEST_OBJ) $(CTL_MOD_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcunit -lsystemd -lyaml

unit-tests: $(UNITTEST)

# Includes point one way (base <- parse <- workers, sockets <- core; ctl
# never includes core): test/layers.sh names any include that points up.
.PHONY: layers
layers:
	test/layers.sh

# Every test: the layer check, CUnit suites, then the integration scripts,
# then a bounded fuzz run.
# The benchmarks that link libweft are built too, so an internal change
# cannot leave them broken until someone runs them.
check: layers $(WEFT) $(WEFTCTL) $(UNITTEST) $(BOOT_BENCH) $(BUILD)/loadbench $(BUILD)/envbench
	BUILD=$(BUILD) test/run-all.sh

demo: $(WEFT) $(WEFTCTL)
	BUILD=$(BUILD) examples/run-demo.sh

SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
sanitize:
	$(MAKE) BUILD=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" WEFT_FUZZ=0 WT_TIME_SCALE=5 check

TSAN_FLAGS = -O1 -g -fsanitize=thread
tsan:
	$(MAKE) BUILD=build-tsan CFLAGS="$(TSAN_FLAGS)" LDFLAGS="$(TSAN_FLAGS)" WEFT_FUZZ=0 WT_TIME_SCALE=10 check

# libFuzzer targets need clang; each target is test/fuzz/fuzz_NAME.c. The
# library is compiled once for all of them (instrumented, not linked with
# the fuzzer's main), each target links it.
FUZZ_SRC  = $(wildcard test/fuzz/fuzz_*.c)
FUZZ_BIN  = $(FUZZ_SRC:test/fuzz/%.c=build-fuzz/%)
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_LIB_FLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ  = $(LIB_SRC:%.c=build-fuzz/obj/%.o)
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) $(FUZZ_LIB_FLAGS) $(WARN) -c -o $@ $<
build-fuzz/libweft.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build-fuzz/fuzz_%: test/fuzz/fuzz_%.c build-fuzz/libweft.a
	clang $(CPPFLAGS) $(FUZZ_FLAGS) $(WARN) -o $@ $< build-fuzz/libweft.a $(LDLIBS)
fuzz: $(FUZZ_BIN)
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

# Long fuzzing: every target for FUZZ_SECONDS, growing its kept corpus
# test/fuzz/corpus/NAME/ with inputs that add coverage; prints executions
# and coverage per target. `make check` runs the short bounded run instead.
FUZZ_SECONDS ?= 60
.PHONY: fuzz-long
fuzz-long: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) test/fuzz/fuzz-long.sh

$(BUILD)/loadbench: bench/loadbench.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Environment= scaling (issue 8, B7): load, request and spawn per line.
$(BUILD)/envbench: bench/envbench.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

.PHONY: bench-env
bench-env: $(BUILD)/envbench
	BUILD=$(BUILD) bench/env-bench.sh

$(BUILD)/maxrss: bench/maxrss.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

# Boot benchmark programs: libc only, no libweft.

$(BUILD)/gendag: bench/gendag.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/payload: bench/payload.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/ideal: bench/ideal.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/forkloop: bench/forkloop.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

bench: $(WEFTCTL) $(BUILD)/loadbench $(BOOT_BENCH)
	BUILD=$(BUILD) bench/load-bench.sh

# Boots generated DAGs with weft (if $(BUILD)/weft is built) and systemd,
# against the fork loop and ideal executor floors; QUICK=1 for small N.
bench-boot: $(BOOT_BENCH)
	BUILD=$(BUILD) bench/boot-bench.sh $(if $(QUICK),--quick)

# How boot time and peak RSS grow to 100,000 units (weft, the ideal executor,
# systemd up to 10,000), same run; SCALE_MAX=10000 for a quicker run.
bench-scale: $(BOOT_BENCH) $(WEFT)
	BUILD=$(BUILD) bench/scale-bench.sh

-include $(BOOT_BENCH:=.d)

# Control-socket benchmark (issue 5): weft's control socket against a trivial
# echo server in the same run, weftctl end to end, and the plot's render time.
CTL_BENCH = $(BUILD)/ctlbench $(BUILD)/echoserver

$(BUILD)/ctlbench: bench/ctlbench.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/echoserver: bench/echoserver.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

.PHONY: bench-control
bench-control: $(WEFT) $(WEFTCTL) $(BUILD)/gendag $(BUILD)/payload $(CTL_BENCH)
	BUILD=$(BUILD) bench/control-bench.sh

-include $(CTL_BENCH:=.d)

# Socket-activation benchmark (issue 4): activation latency against the same
# daemon already listening, notify throughput against a trivial receiver.
# notifyload is a real sd_notify client, so it links libsystemd.
ACT_BENCH = $(BUILD)/actsrv $(BUILD)/actclient $(BUILD)/notifyload

$(BUILD)/actsrv: bench/actsrv.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/actclient: bench/actclient.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $<

$(BUILD)/notifyload: bench/notifyload.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< -lsystemd

.PHONY: bench-activation
bench-activation: $(WEFT) $(ACT_BENCH)
	BUILD=$(BUILD) bench/activation-bench.sh

# Timer benchmark (issue 12): wake-ups of weft with 10,000 armed timers
# against the fires of a few firing ones (bench/timers-bench.sh).
.PHONY: bench-timers
bench-timers: $(WEFT) $(WEFTCTL)
	BUILD=$(BUILD) bench/timers-bench.sh

# Transient units (bench/transient-bench.sh): weft's RSS over thousands of
# systemd-run --scope, without and with a daemon-reload between rounds.
.PHONY: bench-transient
bench-transient: $(WEFT) $(WEFTCTL)
	BUILD=$(BUILD) bench/transient-bench.sh

-include $(ACT_BENCH:=.d)

install: $(WEFT) $(WEFTCTL)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(WEFTCTL) $(DESTDIR)$(PREFIX)/bin/weftctl
	ln -sf weftctl $(DESTDIR)$(PREFIX)/bin/systemctl

clean:
	rm -rf build build-asan build-tsan build-fuzz build-cov

-include $(LIB_OBJ:.o=.d) $(CTL_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BUILD)/core/main.d $(BUILD)/loadbench.d $(BUILD)/envbench.d $(BUILD)/maxrss.d

# The VM check (issue 13): a Debian 12 image booted in QEMU under weft and,
# as the reference, under systemd. weft and weftctl are linked to find their
# injected libraries in the guest (under /usr/local/lib/weft).
VM_RPATH = -Wl,-rpath,/usr/local/lib/weft
$(BUILD)/vm/weft: $(BUILD)/core/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(VM_RPATH) -o $@ $^ $(LDLIBS)
$(BUILD)/vm/weftctl: $(CTL_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(VM_RPATH) -o $@ $^ $(LDLIBS)

.PHONY: vm-check
vm-check: $(BUILD)/vm/weft $(BUILD)/vm/weftctl
	BUILD=$(BUILD) test/vm/run.sh
# The same Debian 12 tree (cached by test/vm/build-image.sh) booted as PID 1
# of a container, under systemd and under weft, unit states diffed (issue
# 10). A few seconds once the tree is cached; builds it when it is not.
.PHONY: container-check
container-check: $(BUILD)/vm/weft $(BUILD)/vm/weftctl
	BUILD=$(BUILD) test/vm/container-check.sh

# VM boot benchmark (issue 13): the vm-check image booted BENCH_VM_BOOTS
# times under weft and under systemd, alternating: medians of PID 1 exec
# to multi-user.target and of poweroff to QEMU's exit (bench/vm-bench.sh).
# vmstamp is the static init= shim that stamps PID 1's exec.
$(BUILD)/vmstamp: bench/vmstamp.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -static -o $@ $<

.PHONY: bench-vm
bench-vm: $(BUILD)/vm/weft $(BUILD)/vm/weftctl $(BUILD)/vmstamp
	BUILD=$(BUILD) bench/vm-bench.sh

# Container init benchmark (issue 10): weft -- CMD against tini and
# catatonit, same run: exec-to-exec latency and the init's peak RSS.
$(BUILD)/ctrstamp: bench/ctrstamp.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -static -o $@ $<

# A static weft for container images (no libyaml or libc to ship; ~1.35 MiB
# peak RSS in -- mode against ~1.85 MiB dynamic, bench-container). glibc's
# user and group look-ups (User=, SocketUser=) still load its NSS modules
# at run time, as the linker warns.
$(BUILD)/weft-static: $(BUILD)/core/main.o $(LIB) $(CONTAINER_LD)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $(BUILD)/core/main.o $(LIB) -Wl,-T,$(CONTAINER_LD) $(LDLIBS)

.PHONY: bench-container
bench-container: $(WEFT) $(BUILD)/weft-static $(BUILD)/ctrstamp
	BUILD=$(BUILD) WEFT_STATIC=$(BUILD)/weft-static bench/container-bench.sh
