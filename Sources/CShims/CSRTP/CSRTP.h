// CSRTP: libsrtp2 for Swift. Only the SRTP module imports this (internal import).
// Wrappers for what Swift cannot import (function-like or expression macros) live here as static inline.
#ifndef CLASSBRIDGE_CSRTP_H
#define CLASSBRIDGE_CSRTP_H

#include <srtp2/srtp.h>

/// SRTP_MAX_TRAILER_LEN is an expression macro; Swift cannot import it.
static inline int cb_srtp_max_trailer_len(void) { return SRTP_MAX_TRAILER_LEN; }

/// srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 is a function-like macro.
static inline void cb_srtp_policy_set_aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *p) {
    srtp_crypto_policy_set_rtp_default(p);
}

#endif
