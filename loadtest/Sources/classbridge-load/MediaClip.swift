import Foundation
import CVPX
import COpus

/// Media encoded once at start-up and replayed in a loop by every publisher: real VP8 (libvpx, synthetic moving
/// frames) cut into RTP payload chunks, and real Opus (libopus, a 440 Hz tone). Publishers add the VP8 payload
/// descriptor (RFC 7741, 15-bit picture id) and the measurement trailer at send time.
struct VideoClip: Sendable {
    struct Frame: Sendable {
        var isKey: Bool
        /// VP8 bitstream chunks, one per RTP packet (descriptor not included).
        var chunks: [[UInt8]]
    }
    var frames: [Frame]
    var fps: Int
    var width: Int
    var height: Int
    var bytes: Int { frames.reduce(0) { $0 + $1.chunks.reduce(0) { $0 + $1.count } } }
    var packets: Int { frames.reduce(0) { $0 + $1.chunks.count } }
    /// The clip's payload bitrate when played at `fps`.
    var bitsPerSecond: Double { Double(bytes * 8 * fps) / Double(max(1, frames.count)) }

    /// Encodes `seconds` of a moving test pattern; only frame 0 is a key frame, so the clip loops decodably and a
    /// PLI is answered by restarting at frame 0.
    static func encode(width: Int, height: Int, fps: Int, kbps: Int, seconds: Double, maxChunk: Int) throws -> VideoClip {
        var cfg = vpx_codec_enc_cfg_t()
        guard vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0) == VPX_CODEC_OK else {
            throw LoadError("vpx_codec_enc_config_default failed")
        }
        cfg.g_w = UInt32(width)
        cfg.g_h = UInt32(height)
        cfg.g_timebase = vpx_rational(num: 1, den: Int32(fps))
        cfg.rc_target_bitrate = UInt32(kbps)
        cfg.g_threads = 1
        cfg.g_lag_in_frames = 0
        cfg.rc_end_usage = VPX_CBR
        cfg.g_error_resilient = vpx_codec_er_flags_t(VPX_ERROR_RESILIENT_DEFAULT)
        cfg.kf_mode = VPX_KF_DISABLED
        var codec = vpx_codec_ctx_t()
        guard cbl_vpx_enc_init(&codec, &cfg) == VPX_CODEC_OK else { throw LoadError("vpx_codec_enc_init failed") }
        defer { vpx_codec_destroy(&codec) }
        _ = cbl_vpx_set_cpu_used(&codec, 8)
        guard let image = vpx_img_alloc(nil, VPX_IMG_FMT_I420, UInt32(width), UInt32(height), 16) else {
            throw LoadError("vpx_img_alloc failed")
        }
        defer { vpx_img_free(image) }
        let count = max(1, Int(Double(fps) * seconds))
        var frames: [Frame] = []
        for index in 0..<count {
            paint(image, frame: index)
            let flags = index == 0 ? cbl_vpx_force_kf() : 0
            guard vpx_codec_encode(&codec, image, vpx_codec_pts_t(index), 1, flags, UInt(cbl_vpx_dl_realtime()))
                    == VPX_CODEC_OK else { throw LoadError("vpx_codec_encode failed at frame \(index)") }
            var iterator: vpx_codec_iter_t? = nil
            while let packet = vpx_codec_get_cx_data(&codec, &iterator) {
                guard cbl_vpx_pkt_is_frame(packet) != 0, let base = cbl_vpx_pkt_buf(packet) else { continue }
                let data = [UInt8](UnsafeRawBufferPointer(start: base, count: cbl_vpx_pkt_size(packet)))
                var chunks: [[UInt8]] = []
                var offset = 0
                let pieces = (data.count + maxChunk - 1) / maxChunk
                let size = (data.count + pieces - 1) / pieces  // equal-sized chunks, as browsers cut
                while offset < data.count {
                    chunks.append(Array(data[offset..<min(data.count, offset + size)]))
                    offset += size
                }
                frames.append(Frame(isKey: cbl_vpx_frame_is_key(packet) != 0, chunks: chunks))
            }
        }
        guard frames.first?.isKey == true else { throw LoadError("first encoded frame is not a key frame") }
        return VideoClip(frames: frames, fps: fps, width: width, height: height)
    }

    /// A diagonal gradient that scrolls, and a bright square that moves across it: enough motion for P-frames.
    private static func paint(_ image: UnsafeMutablePointer<vpx_image_t>, frame: Int) {
        let img = image.pointee
        let w = Int(img.d_w), h = Int(img.d_h)
        let y = img.planes.0!, u = img.planes.1!, v = img.planes.2!
        let ys = Int(img.stride.0), us = Int(img.stride.1), vs = Int(img.stride.2)
        let boxX = (frame * 6) % max(1, w - 64), boxY = (frame * 3) % max(1, h - 64)
        for row in 0..<h {
            for col in 0..<w {
                let inBox = col >= boxX && col < boxX + 64 && row >= boxY && row < boxY + 64
                y[row * ys + col] = inBox ? 235 : UInt8(truncatingIfNeeded: (col + row + frame * 4) & 0xFF)
            }
        }
        for row in 0..<(h / 2) {
            for col in 0..<(w / 2) {
                u[row * us + col] = UInt8(truncatingIfNeeded: 128 + ((col + frame) & 0x3F) - 32)
                v[row * vs + col] = UInt8(truncatingIfNeeded: 128 + ((row + frame) & 0x3F) - 32)
            }
        }
    }
}

/// One second (or `seconds`) of a 440 Hz stereo tone, Opus 20 ms frames at the configured bitrate.
struct AudioClip: Sendable {
    var packets: [[UInt8]]
    static let samplesPerFrame = 960  // 20 ms at 48 kHz

    static func encode(kbps: Int, seconds: Double) throws -> AudioClip {
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(48_000, 2, cbl_opus_application_voip(), &error), error == OPUS_OK
        else { throw LoadError("opus_encoder_create failed (\(error))") }
        defer { opus_encoder_destroy(encoder) }
        _ = cbl_opus_set_bitrate(encoder, Int32(kbps * 1000))
        let frames = max(1, Int(seconds * 50))
        var pcm = [Int16](repeating: 0, count: samplesPerFrame * 2)
        var out = [UInt8](repeating: 0, count: 1500)
        var packets: [[UInt8]] = []
        for index in 0..<frames {
            for sample in 0..<samplesPerFrame {
                let t = Double(index * samplesPerFrame + sample) / 48_000
                let value = Int16(8000 * sin(2 * Double.pi * 440 * t))
                pcm[2 * sample] = value
                pcm[2 * sample + 1] = value
            }
            let length = opus_encode(encoder, pcm, Int32(samplesPerFrame), &out, Int32(out.count))
            guard length > 0 else { throw LoadError("opus_encode failed (\(length))") }
            packets.append(Array(out.prefix(Int(length))))
        }
        return AudioClip(packets: packets)
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
