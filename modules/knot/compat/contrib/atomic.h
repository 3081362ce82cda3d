/* compat/contrib/atomic.h: what libknot's public <libknot/quic/quic_conn.h>
 * includes but libknot-dev does not ship (Knot 3.4 and 3.5 alike).
 *
 * mod-dance reads one field of knot_quic_conn_t (tls_session, the QUIC
 * connection's GnuTLS session, see peer.c); quic_conn.h needs only this
 * type, for a counter of knot_quic_table_t, which the module never
 * touches. Knot's own header makes it an atomic size_t of the same size.
 */
#ifndef MOD_DANCE_COMPAT_CONTRIB_ATOMIC_H
#define MOD_DANCE_COMPAT_CONTRIB_ATOMIC_H

#include <stdatomic.h>
#include <stddef.h>

typedef _Atomic size_t knot_atomic_size_t;

#endif
