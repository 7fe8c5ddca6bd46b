# SPDX-License-Identifier: GPL-2.0-or-later
# The LwM2M test server (tests/peer/, docs/test-server.md): klwm2m-testsrv,
# an independent peer on Debian's libcoap3 with its own codecs, for the
# agent's end-to-end scenarios; and its host selftest against
# klwm2m-testdev (a libcoap stand-in device) and coap-client-notls, built
# with the sanitizers.
#
# PEER_COAP: libcoap's pkg-config name. The DTLS issue switches it to
# libcoap-3-openssl (same API, OpenSSL backend).

PEER_COAP ?= libcoap-3-notls
PEER_CODEC_SRCS := $(addprefix tests/peer/,pv.c formats.c tlv.c senml_json.c senml_cbor.c linkfmt.c)
PEER_SRV_SRCS := $(addprefix tests/peer/,testsrv.c steps.c scenario.c req.c rd.c raw.c shell.c) \
	$(PEER_CODEC_SRCS)
PEER_DEV_SRCS := tests/peer/testdev.c $(PEER_CODEC_SRCS)
PEER_DEPS := $(wildcard tests/peer/*.h) mk/peer.mk
PEER_CFLAGS = $(USER_CFLAGS) $(shell pkg-config --cflags $(PEER_COAP) json-c libcbor)
PEER_LIBS = $(shell pkg-config --libs $(PEER_COAP) json-c libcbor) -lm

USER_EXTRA += $(BUILD)/peer/klwm2m-testsrv
HOST_EXTRA_BINS += $(BUILD)/peer/san/selftest

.PHONY: need-peer-libs
need-peer-libs:
	@pkg-config --exists $(PEER_COAP) json-c libcbor || \
		{ echo "$(PEER_COAP), json-c or libcbor development files missing: run scripts/deps build" >&2; exit 1; }

$(BUILD)/peer/klwm2m-testsrv: $(PEER_SRV_SRCS) $(PEER_DEPS) | need-peer-libs
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) -o $@ $(PEER_SRV_SRCS) $(PEER_LIBS)

# The selftest runs the binaries beside it: sanitized copies of both.
$(BUILD)/peer/san/klwm2m-testsrv: $(PEER_SRV_SRCS) $(PEER_DEPS) | need-peer-libs
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $(SAN) -o $@ $(PEER_SRV_SRCS) $(PEER_LIBS)

$(BUILD)/peer/san/klwm2m-testdev: $(PEER_DEV_SRCS) $(PEER_DEPS) | need-peer-libs
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) $(SAN) -o $@ $(PEER_DEV_SRCS) $(PEER_LIBS)

$(BUILD)/peer/san/selftest: tests/peer/selftest.sh $(BUILD)/peer/san/klwm2m-testsrv $(BUILD)/peer/san/klwm2m-testdev
	install -m 0755 $< $@

# The codecs against hand-written bytes from the specs (cmocka, TAP).
HOST_EXTRA_BINS += $(BUILD)/peer/san/test_codecs

$(BUILD)/peer/san/test_codecs: tests/peer/test_codecs.c $(PEER_CODEC_SRCS) $(PEER_DEPS) | need-peer-libs
	@mkdir -p $(dir $@)
	$(CC) $(PEER_CFLAGS) -Wno-missing-prototypes $(SAN) -Itests/peer -o $@ $< $(PEER_CODEC_SRCS) \
		$(PEER_LIBS) $(shell pkg-config --libs cmocka)

# ---- fuzzing: the test server's decoders read what the agent sends
$(BUILD)/fuzz/peer_codecs: tests/fuzz/peer_codecs.c $(PEER_CODEC_SRCS) $(PEER_DEPS) | need-peer-libs
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(shell pkg-config --cflags json-c libcbor) -Itests/peer -o $@ $< \
		$(PEER_CODEC_SRCS) $(shell pkg-config --libs json-c libcbor) -lm

FUZZ_BINS += $(BUILD)/fuzz/peer_codecs
