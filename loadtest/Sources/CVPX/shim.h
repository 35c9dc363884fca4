// libvpx for the load generator: VP8 encoding of the synthetic clip. Swift cannot import the function-like macro
// vpx_codec_enc_init nor the non-literal VPX_ENCODER_ABI_VERSION, so they are wrapped here (DESIGN §5).
#ifndef CVPX_SHIM_H
#define CVPX_SHIM_H
#include <vpx/vpx_encoder.h>
#include <vpx/vp8cx.h>

static inline vpx_codec_err_t cbl_vpx_enc_init(vpx_codec_ctx_t *ctx, const vpx_codec_enc_cfg_t *cfg) {
    return vpx_codec_enc_init_ver(ctx, vpx_codec_vp8_cx(), cfg, 0, VPX_ENCODER_ABI_VERSION);
}
static inline vpx_codec_err_t cbl_vpx_set_cpu_used(vpx_codec_ctx_t *ctx, int value) {
    return vpx_codec_control_(ctx, VP8E_SET_CPUUSED, value);
}
static inline long cbl_vpx_dl_realtime(void) { return VPX_DL_REALTIME; }
static inline vpx_enc_frame_flags_t cbl_vpx_force_kf(void) { return VPX_EFLAG_FORCE_KF; }
static inline int cbl_vpx_frame_is_key(const vpx_codec_cx_pkt_t *pkt) {
    return (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
}
static inline int cbl_vpx_pkt_is_frame(const vpx_codec_cx_pkt_t *pkt) { return pkt->kind == VPX_CODEC_CX_FRAME_PKT; }
static inline const void *cbl_vpx_pkt_buf(const vpx_codec_cx_pkt_t *pkt) { return pkt->data.frame.buf; }
static inline size_t cbl_vpx_pkt_size(const vpx_codec_cx_pkt_t *pkt) { return pkt->data.frame.sz; }
#endif
