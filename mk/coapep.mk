# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's CoAP endpoint (agent/coap/endpoint.h; endpoint.c, exchange.c,
# server.c, block.c, observe.c, client.c): objects for the agent to link, host
# tests (cmocka, real UDP sockets on 127.0.0.1, one of them against libcoap's
# coap-client-notls), a fuzz target. The codec it builds on (msg.h) has its
# own fragment; its sources are found here by wildcard, not through that
# fragment's variables.

COAPEP_SRCS := $(addprefix agent/coap/,endpoint.c exchange.c server.c block.c observe.c client.c)
COAPEP_HDRS := $(wildcard agent/coap/endpoint.h agent/coap/ep_internal.h agent/coap/msg.h)
COAPEP_CODEC_SRCS := $(filter-out $(COAPEP_SRCS),$(wildcard agent/coap/*.c))
COAPEP_OBJS := $(COAPEP_SRCS:%.c=$(BUILD)/%.o)

USER_EXTRA += $(COAPEP_OBJS)

$(COAPEP_OBJS): $(BUILD)/%.o: %.c $(COAPEP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

COAPEP_TESTS := test_coap_ep test_coap_ep_block test_coap_ep_block1c test_coap_ep_observe test_coap_ep_libcoap
COAPEP_TEST_BINS := $(COAPEP_TESTS:%=$(BUILD)/host/%)
HOST_EXTRA_BINS += $(COAPEP_TEST_BINS)

$(COAPEP_TEST_BINS): $(BUILD)/host/%: tests/host/%.c tests/host/test_coap_ep_util.c \
		tests/host/test_coap_ep_util.h $(COAPEP_SRCS) $(COAPEP_CODEC_SRCS) $(COAPEP_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN) -I$(TOP)/agent/coap -o $@ $< \
		tests/host/test_coap_ep_util.c $(COAPEP_SRCS) $(COAPEP_CODEC_SRCS) \
		$(shell pkg-config --libs cmocka)

FUZZ_BINS += $(BUILD)/fuzz/coap_ep
$(BUILD)/fuzz/coap_ep: tests/fuzz/coap_ep.c $(COAPEP_SRCS) $(COAPEP_CODEC_SRCS) $(COAPEP_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/agent/coap -o $@ tests/fuzz/coap_ep.c \
		$(COAPEP_SRCS) $(COAPEP_CODEC_SRCS)
