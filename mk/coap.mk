# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's CoAP codec (agent/coap/msg.*, opt.c, text.c, uri.*): objects
# for the agent to link, host tests, fuzz targets. The endpoint
# (agent/coap/endpoint.*) has a fragment of its own.

COAP_MSG_SRCS := agent/coap/msg.c agent/coap/opt.c agent/coap/text.c
COAP_URI_SRCS := $(wildcard agent/coap/uri.c)
COAP_CODEC_SRCS := $(COAP_MSG_SRCS) $(COAP_URI_SRCS)
COAP_CODEC_OBJS := $(COAP_CODEC_SRCS:%.c=$(BUILD)/%.o)
COAP_CODEC_HDRS := $(wildcard agent/coap/msg.h agent/coap/uri.h)

USER_EXTRA += $(COAP_CODEC_OBJS)

$(COAP_CODEC_OBJS): $(BUILD)/%.o: %.c $(COAP_CODEC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

HOST_EXTRA_BINS += $(BUILD)/host/test_coap_msg
$(BUILD)/host/test_coap_msg: tests/host/test_coap_msg.c $(COAP_MSG_SRCS) $(COAP_CODEC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN) -I$(TOP)/agent/coap -o $@ \
		tests/host/test_coap_msg.c $(COAP_MSG_SRCS) $(shell pkg-config --libs cmocka)

FUZZ_BINS += $(BUILD)/fuzz/coap_msg
$(BUILD)/fuzz/coap_msg: tests/fuzz/coap_msg.c $(COAP_MSG_SRCS) $(COAP_CODEC_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(TOP)/agent/coap -o $@ tests/fuzz/coap_msg.c $(COAP_MSG_SRCS)
