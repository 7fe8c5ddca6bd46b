# SPDX-License-Identifier: GPL-2.0-or-later
# The LwM2M session half (agent/lwm2m/session.c, register.c, server.c,
# location.c): the agent compiles them through agent.mk's wildcard. Their
# e2e scenarios are tests/e2e/reg-*.sh (run in the VM with klwm2md and
# klwm2m-testsrv).
#
# lwm2m-dm.mk's DM harness takes every agent/lwm2m/*.c, but these
# belong to the agent (they need its loop, configuration and accounts), not
# to the DM half: keep them out of the harness's link. Its recipe expands
# DM_HARNESS_SRCS when it runs, so filtering here (this fragment is read
# after lwm2m-dm.mk) is enough.
LWM2M_REG_SRCS := $(addprefix agent/lwm2m/,session.c register.c server.c location.c)
ifdef DM_HARNESS_SRCS
DM_HARNESS_SRCS := $(filter-out $(LWM2M_REG_SRCS),$(DM_HARNESS_SRCS))
endif

# ---- host tests (cmocka, sanitizers): update timing, URIs, locations
LWM2M_LOC_SRCS := agent/lwm2m/location.c $(wildcard agent/coap/msg.c agent/coap/opt.c \
	agent/coap/text.c)
LWM2M_REG_TEST_SRCS := agent/lwm2m/server.c agent/accounts.c agent/config.c agent/log.c \
	$(wildcard agent/coap/uri.c) \
	$(LWM2M_LOC_SRCS) $(wildcard tools/lib/klwm2m/*.c)
LWM2M_REG_HDRS := $(wildcard agent/*.h agent/coap/*.h agent/lwm2m/*.h \
	tools/lib/klwm2m/include/*.h) uapi/linux/klwm2m.h

$(BUILD)/host/test_lwm2m_reg: tests/host/test_lwm2m_reg.c $(LWM2M_REG_TEST_SRCS) $(LWM2M_REG_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(TOP)/agent -Wno-missing-prototypes $(SAN) -o $@ $< \
		$(LWM2M_REG_TEST_SRCS) $(NL_LIBS) -linih -lm $(shell pkg-config --libs cmocka)

HOST_EXTRA_BINS += $(BUILD)/host/test_lwm2m_reg

# ---- fuzzing: a server's 2.01 (any datagram) -> the location -> an Update
$(BUILD)/fuzz/lwm2m_location: tests/fuzz/lwm2m_location.c $(LWM2M_LOC_SRCS) $(LWM2M_REG_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/agent -o $@ tests/fuzz/lwm2m_location.c \
		$(LWM2M_LOC_SRCS)

FUZZ_BINS += $(BUILD)/fuzz/lwm2m_location
