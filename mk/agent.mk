# SPDX-License-Identifier: GPL-2.0-or-later
# The agent klwm2md: its core (agent/*.c) and the parts that join it
# (agent/coap/, agent/formats/, agent/lwm2m/), one binary; its host tests and
# its configuration fuzzer. Included by the top-level Makefile.

AGENT_SRCS := $(wildcard agent/*.c agent/coap/*.c agent/formats/*.c agent/lwm2m/*.c)
AGENT_OBJS := $(AGENT_SRCS:%.c=$(BUILD)/%.o)
AGENT_HDRS := $(wildcard agent/*.h agent/coap/*.h agent/formats/*.h agent/lwm2m/*.h) \
	$(wildcard tools/lib/klwm2m/include/*.h) uapi/linux/klwm2m.h
# Not libsystemd nor libklwm2m-ddf: the start-up helper process dlopen()s
# them (agent/dlib.h), by name, found through the RUNPATH below (build/ as
# $ORIGIN, PREFIX/lib as $ORIGIN/../lib); their headers give the prototypes.
# Nor libm (300 kB of the idle agent's private pages): the agent calls no
# libm function (isfinite, signbit are builtins), and libcbor's ldexp is
# also libc's. A future libm call fails the link, not the daemon.
AGENT_LIBS := $(shell pkg-config --libs inih json-c libcbor libcares 2>/dev/null)
AGENT_RUNPATH := -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib'
AGENT_CFLAGS = $(USER_CFLAGS) -I$(TOP)/agent \
	-DKLWM2M_OBJECTS_DIR=\"$(PREFIX)/share/klwm2m/objects\"
KLWM2MD := $(BUILD)/klwm2md

USER_EXTRA += $(KLWM2MD)

$(BUILD)/agent/%.o: agent/%.c $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(AGENT_CFLAGS) -c -o $@ $<

# libklwm2m-ddf.so.0 is not linked, but the agent cannot start without it.
$(KLWM2MD): $(AGENT_OBJS) $(BUILD)/libklwm2m.a | $(LIBKLWM2M_DDF)
	$(CC) -o $@ $(AGENT_OBJS) $(BUILD)/libklwm2m.a $(NL_LIBS) $(AGENT_LIBS) $(AGENT_RUNPATH)

# ---- host tests (cmocka, sanitizers): the core's pure parts, from source
AGENT_LIB_SRCS := $(wildcard tools/lib/klwm2m/*.c tools/lib/klwm2m/ddf/*.c)
AGENT_TEST_CFLAGS = $(USER_CFLAGS) -I$(TOP)/agent -Wno-missing-prototypes $(SAN)

$(BUILD)/host/test_agent_config: tests/host/test_agent_config.c agent/config.c agent/log.c \
		agent/device.c agent/objects.c agent/dlib.c $(AGENT_LIB_SRCS) $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(AGENT_TEST_CFLAGS) $(XML_CFLAGS) -o $@ \
		tests/host/test_agent_config.c agent/config.c agent/log.c agent/device.c \
		agent/objects.c agent/dlib.c $(AGENT_LIB_SRCS) $(NL_LIBS) \
		$(XML_LIBS) -linih $(shell pkg-config --libs cmocka)

$(BUILD)/host/test_agent_loop: tests/host/test_agent_loop.c agent/loop.c agent/loop.h
	@mkdir -p $(dir $@)
	$(CC) $(AGENT_TEST_CFLAGS) -o $@ tests/host/test_agent_loop.c agent/loop.c \
		$(shell pkg-config --libs cmocka)

# libsystemd not linked: endpoint.c loads it, as in the agent.
$(BUILD)/host/test_agent_endpoint: tests/host/test_agent_endpoint.c agent/endpoint.c \
		agent/dlib.c agent/config.c agent/log.c tools/lib/klwm2m/text.c $(AGENT_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(AGENT_TEST_CFLAGS) -o $@ tests/host/test_agent_endpoint.c agent/endpoint.c \
		agent/dlib.c agent/config.c agent/log.c tools/lib/klwm2m/text.c -linih -lm \
		$(shell pkg-config --libs cmocka)

$(BUILD)/host/test_agent_notify: tests/host/test_agent_notify.c agent/notify.c agent/notify.h
	@mkdir -p $(dir $@)
	$(CC) $(AGENT_TEST_CFLAGS) -o $@ tests/host/test_agent_notify.c agent/notify.c \
		$(shell pkg-config --libs cmocka)

HOST_EXTRA_BINS += $(BUILD)/host/test_agent_config $(BUILD)/host/test_agent_loop \
	$(BUILD)/host/test_agent_endpoint $(BUILD)/host/test_agent_notify

# ---- fuzzing: arbitrary bytes into the strict configuration parser
$(BUILD)/fuzz/agent_config: tests/fuzz/agent_config.c agent/config.c agent/log.c agent/config.h agent/log.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/agent -o $@ tests/fuzz/agent_config.c agent/config.c \
		agent/log.c -linih

FUZZ_BINS += $(BUILD)/fuzz/agent_config

# ---- install: the daemon, its unit (paths made PREFIX's), the example
# configuration and its documentation; `make install` runs it.
install: install-agent
.PHONY: install-agent
install-agent: $(KLWM2MD)
	install -D -m 0755 $(KLWM2MD) $(DESTDIR)$(PREFIX)/bin/klwm2md
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/klwm2m
	sed 's|/usr/local|$(PREFIX)|g' agent/klwm2md.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/klwm2md.service
	install -m 0644 agent/klwm2md.conf.example docs/agent.md $(DESTDIR)$(PREFIX)/share/doc/klwm2m/
