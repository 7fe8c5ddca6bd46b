# SPDX-License-Identifier: GPL-2.0-or-later
# The CoAP endpoint's batched socket I/O (recvmmsg()/sendmmsg() in
# agent/coap/endpoint.c): its host test, built as the endpoint's others are
# (mk/coapep.mk), against the endpoint's sources found by wildcard.

MMSG_EP_SRCS := $(wildcard $(addprefix agent/coap/,endpoint.c exchange.c server.c block.c \
	observe.c client.c))
MMSG_CODEC_SRCS := $(filter-out $(MMSG_EP_SRCS),$(wildcard agent/coap/*.c))
MMSG_HDRS := $(wildcard agent/coap/*.h)
MMSG_TEST_BIN := $(BUILD)/host/test_coap_ep_mmsg
HOST_EXTRA_BINS += $(MMSG_TEST_BIN)

$(MMSG_TEST_BIN): tests/host/test_coap_ep_mmsg.c tests/host/test_coap_ep_util.c \
		tests/host/test_coap_ep_util.h $(MMSG_EP_SRCS) $(MMSG_CODEC_SRCS) $(MMSG_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN) -I$(TOP)/agent/coap -o $@ $< \
		tests/host/test_coap_ep_util.c $(MMSG_EP_SRCS) $(MMSG_CODEC_SRCS) \
		$(shell pkg-config --libs cmocka)
