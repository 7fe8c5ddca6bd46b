# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's benchmark (issue 5): coapbench, the LwM2M server and load
# generator that tests/bench/agent-bench.sh runs inside the bench VM (make
# bench, run-in-vm phase "agent"). Built by `make user`, which `make bench`
# runs; it links the agent's CoAP codec from source (this fragment is read
# before mk/coap.mk, so the paths are spelled out) and libklwm2m.

COAPBENCH := $(BUILD)/bench/coapbench
COAPBENCH_SRCS := tests/bench/coapbench.c agent/coap/msg.c agent/coap/opt.c agent/coap/text.c

USER_EXTRA += $(COAPBENCH)

$(COAPBENCH): $(COAPBENCH_SRCS) agent/coap/msg.h $(BUILD)/libklwm2m.a \
		tools/lib/klwm2m/include/libklwm2m.h uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(TOP)/agent/coap -o $@ $(COAPBENCH_SRCS) $(BUILD)/libklwm2m.a \
		$(NL_LIBS) -lpthread -lm
