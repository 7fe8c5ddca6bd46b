# SPDX-License-Identifier: GPL-2.0-or-later
# The LwM2M session half (agent/lwm2m/session.c, register.c, server.c): the
# agent compiles them through agent.mk's wildcard. Their e2e scenarios are
# tests/e2e/reg-*.sh (run in the VM with klwm2md and klwm2m-testsrv).
#
# lwm2m-dm.mk's DM harness takes every agent/lwm2m/*.c, but these three
# belong to the agent (they need its loop, configuration and accounts), not
# to the DM half: keep them out of the harness's link. Its recipe expands
# DM_HARNESS_SRCS when it runs, so filtering here (this fragment is read
# after lwm2m-dm.mk) is enough.
LWM2M_REG_SRCS := $(addprefix agent/lwm2m/,session.c register.c server.c)
ifdef DM_HARNESS_SRCS
DM_HARNESS_SRCS := $(filter-out $(LWM2M_REG_SRCS),$(DM_HARNESS_SRCS))
endif
