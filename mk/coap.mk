# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's CoAP codec (agent/coap/msg.*, opt.c, text.c, uri.*): objects
# for the agent to link, host tests, fuzz targets. The endpoint
# (agent/coap/endpoint.*) has a fragment of its own.

COAP_MSG_SRCS := agent/coap/msg.c agent/coap/opt.c agent/coap/text.c
COAP_CODEC_SRCS := $(COAP_MSG_SRCS) agent/coap/uri.c
COAP_CODEC_OBJS := $(COAP_CODEC_SRCS:%.c=$(BUILD)/%.o)
COAP_CODEC_HDRS := agent/coap/msg.h agent/coap/uri.h

USER_EXTRA += $(COAP_CODEC_OBJS)

$(COAP_CODEC_OBJS): $(BUILD)/%.o: %.c $(COAP_CODEC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

# The message tests check the builder's output against libcoap's parser.
COAP_LIBCOAP := $(shell pkg-config --cflags --libs libcoap-3-notls 2>/dev/null)

# $(1): name (tests/host/$(1).c, tests/fuzz/$(2).c), $(2): fuzz target,
# $(3): sources, $(4): extra flags and libraries
define coap_codec_tests
HOST_EXTRA_BINS += $$(BUILD)/host/$(1)
$$(BUILD)/host/$(1): tests/host/$(1).c $(3) $$(COAP_CODEC_HDRS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(USER_CFLAGS) -Wno-missing-prototypes $$(SAN) -I$$(TOP)/agent/coap -o $$@ \
		tests/host/$(1).c $(3) $(4) $$(shell pkg-config --libs cmocka)

FUZZ_BINS += $$(BUILD)/fuzz/$(2)
$$(BUILD)/fuzz/$(2): tests/fuzz/$(2).c $(3) $$(COAP_CODEC_HDRS)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -I$$(TOP)/agent/coap -o $$@ tests/fuzz/$(2).c $(3)
endef

$(eval $(call coap_codec_tests,test_coap_msg,coap_msg,$(COAP_MSG_SRCS),$(COAP_LIBCOAP)))
$(eval $(call coap_codec_tests,test_coap_uri,coap_uri,$(COAP_CODEC_SRCS)))
