/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Content formats of the test server: its own TLV, SenML JSON, SenML CBOR,
 * text and opaque codecs (link format is linkfmt.h), written apart from the
 * agent's so that one cannot hide the other's mistakes.
 *
 * Decoders take a request's base path and the bytes and append (absolute
 * path, value) records; encoders take records whose paths lie under the
 * base. Both return 0 or -errno with *err naming the problem.
 */
#ifndef KLWM2M_PEER_FORMATS_H
#define KLWM2M_PEER_FORMATS_H

#include "pv.h"

#define CF_TEXT		0
#define CF_LINK		40
#define CF_OPAQUE	42
#define CF_CBOR		60
#define CF_SENML_JSON	110
#define CF_SENML_CBOR	112
#define CF_TLV		11542
#define CF_LWM2M_JSON	11543
#define CF_LWM2M_CBOR	11544
#define CF_NONE		(-1)

/* text|tlv|senml-json|senml-cbor|link|opaque|cbor or a number */
int fmt_by_name(const char *name, int *cf);
const char *fmt_name(int cf, char *buf, size_t size);

int fmt_decode(int cf, const struct pv_path *base, const uint8_t *buf, size_t len,
	       struct pv_list *out, const char **err);
int fmt_encode(int cf, const struct pv_path *base, const struct pv_list *vals,
	       uint8_t **buf, size_t *len, const char **err);

/* A growing byte buffer; the first failure sticks in err. */
struct pbuf {
	uint8_t *b;
	size_t n, cap;
	int err;
};
void pbuf_put(struct pbuf *p, const void *data, size_t len);
void pbuf_byte(struct pbuf *p, uint8_t byte);

int tlv_decode(const struct pv_path *base, const uint8_t *buf, size_t len,
	       struct pv_list *out, const char **err);
int tlv_encode(const struct pv_path *base, const struct pv_list *vals,
	       struct pbuf *out, const char **err);
int senml_json_decode(const uint8_t *buf, size_t len, struct pv_list *out, const char **err);
int senml_json_encode(const struct pv_path *base, const struct pv_list *vals,
		      struct pbuf *out, const char **err);
int senml_cbor_decode(const uint8_t *buf, size_t len, struct pv_list *out, const char **err);
int senml_cbor_encode(const struct pv_path *base, const struct pv_list *vals,
		      struct pbuf *out, const char **err);

/* SenML's common naming: base name and relative name of each record. */
void senml_names(const struct pv_path *base, const struct pv_list *vals,
		 char *bn, size_t bnsize);
void senml_rel_name(const char *bn, const struct pv_path *p, char *n, size_t nsize);
/* Resolves bn + n into a path; records may not name the root. */
int senml_path(const char *bn, const char *n, struct pv_path *p, const char **err);

#endif
