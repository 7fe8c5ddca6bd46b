# SPDX-License-Identifier: GPL-2.0-or-later
#
# klwm2m top-level build. The kernel module's own build file is ./Kbuild; this
# Makefile drives it and builds the userspace parts.
#
#   make              the module (against KDIR) and the userspace tools
#   make check        everything that tests the tree; ends with "N passed, N failed"
#   make demo         boots the test VM and shows the module answering
#   make bench        performance figures against issue 3's targets, in a VM on the bench kernel
#   make lint         W=1 + sparse against Debian's 6.1 and 6.12 headers, checkpatch
#
# KDIR: kernel build tree to build the module against. Default: the running
# kernel's build directory when present, else the newest Debian
# linux-headers-*-amd64 installed.

VERSION := 0.1.0
TOP := $(CURDIR)
BUILD := $(TOP)/build

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNFLAGS += -Werror
endif
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 json-c 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
# libklwm2m-ddf's alone: nothing else maps libxml2.
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS := $(shell pkg-config --libs libxml-2.0 2>/dev/null)
JSON_LIBS := $(shell pkg-config --libs json-c 2>/dev/null)
USER_CFLAGS = $(CFLAGS) -DKLWM2M_TOOLS_VERSION=\"$(VERSION)\" $(WARNFLAGS) -std=gnu11 -D_GNU_SOURCE -I$(TOP)/uapi \
	-I$(TOP)/tools/lib/klwm2m/include $(NL_CFLAGS)

# The module's sources, copied into a build directory per target kernel so that
# builds against different kernels never share objects.
KMOD_SRC := Kbuild Kconfig kmod uapi

PREFIX ?= /usr/local
DKMS_DIR = $(DESTDIR)/usr/src/klwm2m-$(VERSION)

.PHONY: all module user deps clean check lint host-test demo install modules_install \
	dkms-install

all: module user

deps:
	@scripts/deps build

# $(1): output directory, $(2): kernel build tree, $(3): extra kbuild arguments
define kbuild_module
	@test -n "$(2)" && test -d "$(2)" || \
		{ echo "no kernel build tree (KDIR='$(2)'): install linux-headers-amd64" >&2; exit 1; }
	@mkdir -p $(1)
	@rsync -a $(KMOD_SRC) $(1)/
	$(MAKE) -C $(2) M=$(1) $(3) modules
endef

module:
	$(call kbuild_module,$(BUILD)/module,$(KDIR),)

# ---------------------------------------------------------------- userspace
LIB_SRCS := $(wildcard tools/lib/klwm2m/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBKLWM2M := $(BUILD)/libklwm2m.so.0
# libklwm2m-ddf: DDF files read with libxml2, on top of libklwm2m.
DDF_SRCS := $(wildcard tools/lib/klwm2m/ddf/*.c)
DDF_OBJS := $(DDF_SRCS:%.c=$(BUILD)/%.o)
LIBKLWM2M_DDF := $(BUILD)/libklwm2m-ddf.so.0
CTL_SRCS := $(wildcard tools/klwm2mctl/*.c)
CTL_OBJS := $(CTL_SRCS:%.c=$(BUILD)/%.o)
KLWM2MCTL := $(BUILD)/klwm2mctl

# Each part of the tree beyond the library and the CLI brings its own make
# fragment, mk/<part>.mk (agent, coap, formats, peer, ...). A fragment adds
#   USER_EXTRA       what `make user` builds besides libklwm2m and klwm2mctl
#   HOST_EXTRA_BINS  host-side tests `make host-test` builds and runs (TAP)
#   FUZZ_BINS        libFuzzer targets $(BUILD)/fuzz/NAME, seeded from
#                    tests/fuzz/corpus/NAME/ (see tests/fuzz/run)
# and the rules that build them.
USER_EXTRA :=
HOST_EXTRA_BINS :=
FUZZ_BINS :=
FUZZ_CC := clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -I$(TOP)/uapi -I$(TOP)/tools/lib/klwm2m/include
include $(sort $(wildcard mk/*.mk))

user: need-libs $(LIBKLWM2M) $(BUILD)/libklwm2m.a $(LIBKLWM2M_DDF) $(BUILD)/libklwm2m-ddf.a \
	$(KLWM2MCTL) $(USER_EXTRA)

.PHONY: need-libs
need-libs:
	@pkg-config --exists libnl-genl-3.0 json-c libxml-2.0 || \
		{ echo "libnl-genl-3, json-c or libxml2 development files missing: run scripts/deps build" >&2; exit 1; }

$(BUILD)/tools/lib/klwm2m/%.o: tools/lib/klwm2m/%.c $(wildcard tools/lib/klwm2m/*.h tools/lib/klwm2m/include/*.h) uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIBKLWM2M): $(LIB_OBJS) tools/lib/klwm2m/libklwm2m.map
	$(CC) -shared -Wl,-soname,libklwm2m.so.0 \
		-Wl,--version-script=tools/lib/klwm2m/libklwm2m.map -o $@ $(LIB_OBJS) $(NL_LIBS)
	ln -sf libklwm2m.so.0 $(BUILD)/libklwm2m.so

# Made afresh: ar would keep a member whose source is gone.
$(BUILD)/libklwm2m.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tools/lib/klwm2m/ddf/%.o: tools/lib/klwm2m/ddf/%.c tools/lib/klwm2m/internal.h $(wildcard tools/lib/klwm2m/include/*.h) uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(XML_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

# RUNPATH $ORIGIN: it finds libklwm2m.so.0 beside it, in build/ as installed.
$(LIBKLWM2M_DDF): $(DDF_OBJS) tools/lib/klwm2m/ddf/libklwm2m-ddf.map $(LIBKLWM2M)
	$(CC) -shared -Wl,-soname,libklwm2m-ddf.so.0 \
		-Wl,--version-script=tools/lib/klwm2m/ddf/libklwm2m-ddf.map -o $@ $(DDF_OBJS) \
		-L$(BUILD) -lklwm2m -Wl,-rpath,'$$ORIGIN' $(XML_LIBS)
	ln -sf libklwm2m-ddf.so.0 $(BUILD)/libklwm2m-ddf.so

$(BUILD)/libklwm2m-ddf.a: $(DDF_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tools/klwm2mctl/%.o: tools/klwm2mctl/%.c $(wildcard tools/klwm2mctl/*.h tools/lib/klwm2m/include/*.h) uapi/linux/klwm2m.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

# RUNPATH: the libraries beside it in build/, in ../lib when installed.
$(KLWM2MCTL): $(CTL_OBJS) $(LIBKLWM2M) $(LIBKLWM2M_DDF)
	$(CC) -o $@ $(CTL_OBJS) -L$(BUILD) -lklwm2m-ddf -lklwm2m -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib' \
		$(JSON_LIBS)

# ---------------------------------------------------------------- tests
include tests/tests.mk

install: user
	install -D -m 0755 $(KLWM2MCTL) $(DESTDIR)$(PREFIX)/bin/klwm2mctl
	install -D -m 0755 $(LIBKLWM2M) $(DESTDIR)$(PREFIX)/lib/libklwm2m.so.0
	ln -sf libklwm2m.so.0 $(DESTDIR)$(PREFIX)/lib/libklwm2m.so
	install -m 0755 $(LIBKLWM2M_DDF) $(DESTDIR)$(PREFIX)/lib/libklwm2m-ddf.so.0
	ln -sf libklwm2m-ddf.so.0 $(DESTDIR)$(PREFIX)/lib/libklwm2m-ddf.so
	install -D -m 0644 tools/lib/klwm2m/include/libklwm2m.h $(DESTDIR)$(PREFIX)/include/libklwm2m.h
	install -m 0644 tools/lib/klwm2m/include/libklwm2m-ddf.h $(DESTDIR)$(PREFIX)/include/libklwm2m-ddf.h
	install -D -m 0644 uapi/linux/klwm2m.h $(DESTDIR)$(PREFIX)/include/linux/klwm2m.h
	install -d $(DESTDIR)$(PREFIX)/share/klwm2m/objects
	install -m 0644 objects/*.xml $(DESTDIR)$(PREFIX)/share/klwm2m/objects/

modules_install: module
	$(MAKE) -C $(KDIR) M=$(BUILD)/module modules_install

# The module's sources under /usr/src for DKMS, which rebuilds it for every
# kernel the distribution installs.
dkms-install:
	install -d $(DKMS_DIR)
	cp -r $(KMOD_SRC) dkms.conf $(DKMS_DIR)/
	$(if $(DESTDIR),,dkms add klwm2m/$(VERSION) && dkms build klwm2m/$(VERSION) && \
		dkms install klwm2m/$(VERSION))

clean:
	rm -rf $(BUILD)
