# SPDX-License-Identifier: GPL-2.0-or-later
# The agent's content formats (agent/formats/): a static library the agent
# links, its host tests (cmocka, ASan+UBSan) and its fuzz targets.
#
#   $(BUILD)/agent/libformats.a     link with $(FMT_LIBS) and libklwm2m
#                                   (klwm2m_path_*, klwm2m_type_name)
#   $(BUILD)/host/test_fmt_*        tests/host/test_fmt_*.c
#   $(BUILD)/fuzz/fmt_*             tests/fuzz/fmt_*.c, seeds in tests/fuzz/corpus/fmt_*/

FMT_SRCS := $(wildcard agent/formats/*.c)
FMT_HDRS := $(wildcard agent/formats/*.h)
FMT_OBJS := $(FMT_SRCS:%.c=$(BUILD)/%.o)
FMT_LIB := $(BUILD)/agent/libformats.a
FMT_LIBS := -lcbor -lm
# The path and value helpers the formats use, from libklwm2m, built in.
FMT_KLWM2M_SRCS := tools/lib/klwm2m/text.c
FMT_TEST_DEPS := $(FMT_SRCS) $(FMT_HDRS) $(FMT_KLWM2M_SRCS) tools/lib/klwm2m/include/libklwm2m.h \
	uapi/linux/klwm2m.h $(wildcard tests/host/fmt_fixture.h)

USER_EXTRA += $(FMT_LIB)

$(BUILD)/agent/formats/%.o: agent/formats/%.c $(FMT_HDRS) tools/lib/klwm2m/include/libklwm2m.h uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(FMT_LIB): $(FMT_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

FMT_HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_fmt_*.c))
HOST_EXTRA_BINS += $(FMT_HOST_TESTS)

$(BUILD)/host/test_fmt_%: tests/host/test_fmt_%.c $(FMT_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Wno-missing-prototypes $(SAN) -Iagent/formats -Itests/host -o $@ $< \
		$(FMT_SRCS) $(FMT_KLWM2M_SRCS) $(FMT_LIBS) $(shell pkg-config --libs cmocka)

FMT_FUZZ := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fmt_*.c))
FUZZ_BINS += $(FMT_FUZZ)

$(BUILD)/fuzz/fmt_%: tests/fuzz/fmt_%.c $(FMT_TEST_DEPS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iagent/formats -Itests/host -o $@ $< $(FMT_SRCS) \
		$(FMT_KLWM2M_SRCS) $(FMT_LIBS)
