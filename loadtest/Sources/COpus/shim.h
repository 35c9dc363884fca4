// libopus for the load generator. opus_encoder_ctl is variadic: wrapped here (DESIGN §5).
#ifndef COPUS_SHIM_H
#define COPUS_SHIM_H
#include <opus/opus.h>

static inline int cbl_opus_set_bitrate(OpusEncoder *encoder, int bitsPerSecond) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}
static inline int cbl_opus_application_voip(void) { return OPUS_APPLICATION_VOIP; }
#endif
