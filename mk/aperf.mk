# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's performance work: a host test of the events socket filter
# (agent/lwm2m/evfilter.c), run by the real kernel through a socketpair.

$(BUILD)/host/test_agent_evfilter: tests/host/test_agent_evfilter.c agent/lwm2m/evfilter.c \
		agent/lwm2m/evfilter.h uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(TOP)/agent $(SAN) -o $@ tests/host/test_agent_evfilter.c \
		agent/lwm2m/evfilter.c

HOST_EXTRA_BINS += $(BUILD)/host/test_agent_evfilter
