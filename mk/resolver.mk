# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's resolver (agent/resolver.c: host names looked up with c-ares on
# the agent's loop); the agent links it through agent.mk (AGENT_SRCS and
# AGENT_LIBS' libcares). Its host test runs real c-ares against a fake DNS
# server on 127.0.0.1; its e2e scenario is tests/e2e/reg-dns.sh.
CARES_LIBS := $(shell pkg-config --libs libcares 2>/dev/null)

$(BUILD)/host/test_agent_resolver: tests/host/test_agent_resolver.c agent/resolver.c \
		agent/loop.c agent/log.c agent/resolver.h agent/loop.h agent/log.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(TOP)/agent -Wno-missing-prototypes $(SAN) -o $@ $< \
		agent/resolver.c agent/loop.c agent/log.c $(CARES_LIBS) \
		$(shell pkg-config --libs cmocka)

HOST_EXTRA_BINS += $(BUILD)/host/test_agent_resolver
