/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libklwm2m-ddf: object definitions read from OMA DDF XML files, for
 * libklwm2m's klwm2m_define(). A library of its own (link -lklwm2m-ddf
 * -lklwm2m): it needs libxml2, and through it ICU, libstdc++, liblzma and
 * zlib, which a program that only uses the store should not map.
 *
 * Errors are libklwm2m's: klwm2m_last_error() says why a file was refused.
 * Thread-safe: it keeps no state between calls.
 */
#ifndef LIBKLWM2M_DDF_H
#define LIBKLWM2M_DDF_H

#include "libklwm2m.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * klwm2m_ddf_load() - read an OMA DDF XML file (the LwM2M registry's format)
 * @path: the file
 * @out: receives the definition, to free with klwm2m_objdef_free()
 *
 * Secrets: DDF has no way to say that a resource holds a key. klwm2m adds one
 * attribute in its own namespace, which other DDF readers ignore:
 *
 *   <LWM2M xmlns:klwm2m="urn:klwm2m:ddf:1">
 *     ... <Item ID="5" klwm2m:secret="true"> ...
 *
 * sets KLWM2M_RES_F_SECRET on that resource (string or opaque only; the value
 * is "true" or "false"). A "secret" attribute without the namespace is refused.
 *
 * Return: 0, -EINVAL (with klwm2m_last_error() naming the file, the line and
 * the reason) or -ENOMEM.
 */
int klwm2m_ddf_load(const char *path, struct klwm2m_objdef **out);

#ifdef __cplusplus
}
#endif

#endif /* LIBKLWM2M_DDF_H */
