/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libraries the agent needs only to start: loaded by name with dlopen() in
 * its start-up helper process (startup.c), so that the running daemon never
 * maps them. libklwm2m-ddf.so.0 reads the DDF files (it brings libxml2,
 * ICU, libstdc++, liblzma, zlib); libsystemd.so.0 derives the default
 * endpoint name (it brings libgcrypt, libzstd, liblz4, libcap). Together
 * they were over 4 MiB of the idle daemon's private memory.
 *
 * klwm2md's RUNPATH ($ORIGIN, $ORIGIN/../lib) finds libklwm2m-ddf.so.0 beside
 * the binary in the build tree and in PREFIX/lib when installed; libsystemd
 * comes from the system's library path.
 */
#ifndef KLWM2MD_DLIB_H
#define KLWM2MD_DLIB_H

#define DLIB_DDF "libklwm2m-ddf.so.0"
#define DLIB_SYSTEMD "libsystemd.so.0"

/*
 * dlib_sym() - @sym of the library @soname, loaded on first use (RTLD_NOW,
 * RTLD_LOCAL) and never unloaded
 *
 * Looks in the library and in what it loaded (libklwm2m-ddf's
 * klwm2m_last_error() is its libklwm2m's, the copy that holds its errors).
 * Return: the address, or NULL when the library cannot be loaded or lacks
 * @sym: dlib_error() then says which and why (dlerror()'s text).
 */
void *dlib_sym(const char *soname, const char *sym);

/* dlib_error() - why the last dlib_sym() failed ("" when none did) */
const char *dlib_error(void);

#endif /* KLWM2MD_DLIB_H */
