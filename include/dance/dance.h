/* dance/dance.h: libdance, DANE client authentication for zone transfers.
 * Include this for the whole public API. */
#ifndef DANCE_DANCE_H
#define DANCE_DANCE_H

#include "dance/authz.h"
#include "dance/clientid.h"
#include "dance/decision.h"
#include "dance/error.h"
#include "dance/match.h"
#include "dance/name.h"
#include "dance/policy.h"
#include "dance/resolver.h"
#include "dance/tlsa.h"
#include "dance/tlsagen.h"

#define DANCE_VERSION "0.1.0"

#endif
