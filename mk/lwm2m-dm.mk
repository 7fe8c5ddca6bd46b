# SPDX-License-Identifier: GPL-2.0-or-later
# The LwM2M Device Management and Information Reporting interfaces
# (agent/lwm2m/dm.h and the files beside it; the agent itself compiles every
# agent/lwm2m/*.c through agent.mk):
#   $(BUILD)/host/test_lwm2m_dm   host tests of the pure parts: error mapping,
#                                 Uri-Path, Write-Attributes queries, Execute
#                                 arguments, the observation list
#   $(BUILD)/fuzz/lwm2m_dm_query  libFuzzer over those parsers
#   $(BUILD)/tests/dm-harness     the DM half on a CoAP endpoint, for the e2e
#                                 scenarios tests/e2e/dm-*.sh (built when the
#                                 CoAP codec and endpoint are in the tree)

DM_PURE_SRCS := $(addprefix agent/lwm2m/,errors.c path.c attrs.c args.c obslist.c) \
	agent/formats/buf.c
DM_PURE_HDRS := $(wildcard agent/lwm2m/errors.h agent/lwm2m/path.h agent/lwm2m/attrs.h \
	agent/lwm2m/args.h agent/lwm2m/observe.h agent/coap/msg.h agent/formats/formats.h \
	agent/formats/internal.h) \
	tools/lib/klwm2m/include/libklwm2m.h uapi/linux/klwm2m.h
DM_CFLAGS = $(USER_CFLAGS) -I$(TOP)/agent

$(BUILD)/host/test_lwm2m_dm: tests/host/test_lwm2m_dm.c $(DM_PURE_SRCS) $(DM_PURE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(DM_CFLAGS) -Wno-missing-prototypes $(SAN) -o $@ tests/host/test_lwm2m_dm.c \
		$(DM_PURE_SRCS) $(shell pkg-config --libs cmocka) -lm

HOST_EXTRA_BINS += $(BUILD)/host/test_lwm2m_dm

$(BUILD)/fuzz/lwm2m_dm_query: tests/fuzz/lwm2m_dm_query.c $(DM_PURE_SRCS) $(DM_PURE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/agent -o $@ tests/fuzz/lwm2m_dm_query.c \
		$(DM_PURE_SRCS) -lm

FUZZ_BINS += $(BUILD)/fuzz/lwm2m_dm_query

# The harness links the DM half with the real endpoint, formats, log and
# libklwm2m, under the sanitizers: the e2e scenarios then check memory too.
DM_HARNESS_NEEDS := $(wildcard agent/coap/msg.c agent/coap/endpoint.c)
ifeq ($(words $(DM_HARNESS_NEEDS)),2)
DM_HARNESS_SRCS := tests/e2e/dm-harness.c agent/log.c \
	$(wildcard agent/coap/*.c agent/formats/*.c agent/lwm2m/*.c)
DM_HARNESS_HDRS := $(wildcard agent/*.h agent/coap/*.h agent/formats/*.h agent/lwm2m/*.h) \
	tools/lib/klwm2m/include/libklwm2m.h uapi/linux/klwm2m.h

$(BUILD)/tests/dm-harness: $(DM_HARNESS_SRCS) $(DM_HARNESS_HDRS) $(BUILD)/libklwm2m.a
	@mkdir -p $(dir $@)
	$(CC) $(DM_CFLAGS) -Wno-missing-prototypes $(SAN) -o $@ $(DM_HARNESS_SRCS) \
		$(BUILD)/libklwm2m.a $(NL_LIBS) -lcbor -lm

USER_EXTRA += $(BUILD)/tests/dm-harness
endif
