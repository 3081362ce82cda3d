/* anchor.h: trust anchors made from a bare public key (DANE-TA 2 1 0). */
#ifndef DANCE_ANCHOR_H
#define DANCE_ANCHOR_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Builds a certificate carrying the public key spki (DER) whose subject is
 * child's issuer name and whose key id is child's authority key id, to be
 * used as the only anchor when verifying child: an anchor's own signature
 * and dates are never checked. 0 or a GnuTLS error code. */
int dance_anchor_from_key(const gnutls_datum_t *spki, gnutls_x509_crt_t child,
                          gnutls_x509_crt_t *out);

#endif
