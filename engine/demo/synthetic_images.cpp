#include "engine/demo/synthetic_images.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/demo/rng.h"
#include "engine/image/encode.h"
#include "engine/util/error.h"

namespace cs::demo {

namespace {


float clamp01(float x) { return std::clamp(x, 0.0f, 1.0f); }

// Smooth low-frequency texture (trabecular bone, uneven exposure, gum
// colour): random values on a coarse grid, interpolated bilinearly.
class ValueNoise {
public:
    ValueNoise(int w, int h, float cell, Rng& rng)
        : inv_(1.0f / cell), gw_(int(w / cell) + 2), v_(size_t(gw_) * (int(h / cell) + 2)) {
        for (float& v : v_) v = rng.uniform() * 2 - 1;
    }
    float at(int x, int y) const {
        const float fx = x * inv_, fy = y * inv_;
        const int ix = int(fx), iy = int(fy);
        float tx = fx - ix, ty = fy - iy;
        tx = tx * tx * (3 - 2 * tx), ty = ty * ty * (3 - 2 * ty);  // smoothstep: no visible grid
        const float* r0 = &v_[size_t(iy) * gw_ + ix];
        const float* r1 = r0 + gw_;
        const float a = r0[0] + (r0[1] - r0[0]) * tx, b = r1[0] + (r1[1] - r1[0]) * tx;
        return a + (b - a) * ty;
    }

private:
    float inv_;
    int gw_;
    std::vector<float> v_;
};

// One tooth in image coordinates. Local frame: v runs along the tooth from
// the biting edge (0) to the root tip (crown + root); u across it.
struct Tooth {
    float x, y;     // middle of the biting edge
    float axis;     // direction from crown to root: 0 = down, pi = up
    float width, crown, root;
    int roots;      // 1 or 2
    float filling;  // 0 = none, else the filling's relative size
    float filling_at;  // -1..1 across the crown
};

// Adds the tooth's density (dentin, enamel, pulp, roots, filling) to `d`.
void draw_tooth(std::vector<float>& d, int w, int h, const Tooth& t) {
    const float ax = std::sin(t.axis), ay = std::cos(t.axis);
    const float half = t.width * 0.5f, len = t.crown + t.root, reach = std::hypot(half, len) + 4;
    const int x0 = std::max(0, int(t.x - reach)), x1 = std::min(w - 1, int(t.x + reach));
    const int y0 = std::max(0, int(t.y - reach)), y1 = std::min(h - 1, int(t.y + reach));
    const float neck = t.crown * 0.7f;
    for (int y = y0; y <= y1; ++y) {
        float* row = &d[size_t(y) * w];
        for (int x = x0; x <= x1; ++x) {
            const float dx = x - t.x, dy = y - t.y;
            const float v = dx * ax + dy * ay, u = dx * ay - dy * ax;
            if (v < -3 || v > len + 3 || std::abs(u) > half + 3) continue;
            float dens = 0;
            const float su = u / half, sv = (v - t.crown * 0.5f) / (t.crown * 0.5f);
            const float e = su * su * su * su + sv * sv * sv * sv;
            const float crown_a = clamp01((1 - e) * 5);
            if (crown_a > 0) {
                float enamel = std::max(clamp01((e - 0.2f) * 4), clamp01(1.3f - v / (t.crown * 0.3f)));
                enamel *= clamp01((t.crown * 0.75f - v) / (t.crown * 0.12f));  // stops at the neck
                const float pu = u / (half * 0.28f), pv = (v - t.crown * 0.85f) / (t.crown * 0.25f);
                const float pulp = clamp01((1 - (pu * pu + pv * pv)) * 2);
                dens += crown_a * (0.55f + 0.4f * enamel - 0.15f * pulp);
                if (t.filling > 0) {
                    const float fu = (su - t.filling_at) / t.filling, fv = (v - t.crown * 0.18f) / (t.crown * 0.22f);
                    dens += crown_a * 0.9f * clamp01((1 - (fu * fu + fv * fv)) * 8);
                }
            }
            if (v > neck && v < len) {
                const float tt = (v - neck) / (len - neck);  // 0 at the neck, 1 at the apex
                const float taper = std::sqrt(1 - tt), split = std::min(1.0f, tt * 3);
                const float hw = half * (t.roots == 1 ? 0.75f : 0.75f - 0.3f * split) * taper;
                const float spread = t.roots == 1 ? 0 : half * 0.4f * split;
                const float du = std::min(std::abs(u - spread), std::abs(u + spread));
                const float ra = clamp01((hw - du) * 0.5f);
                const float canal = clamp01(1 - du / (hw * 0.2f + 0.5f));
                dens += ra * (1 - crown_a) * (0.36f - 0.12f * canal);
            }
            row[x] += dens;
        }
    }
}

Tooth random_tooth(Rng& rng, float x, float y, float axis, float width, float crown, float root, bool molar) {
    Tooth t{x, y, axis + rng.range(-0.06f, 0.06f), width * rng.range(0.92f, 1.05f), crown * rng.range(0.92f, 1.08f),
            root * rng.range(0.85f, 1.1f), molar ? 2 : 1, 0, 0};
    if (rng.uniform() < 0.3f) {
        t.filling = rng.range(0.25f, 0.5f);
        t.filling_at = rng.range(-0.3f, 0.3f);
    }
    return t;
}

// Bone above `top` and below `bottom` (soft edges, ramp in pixels).
float jaw_bone(float y, float top, float bottom, float ramp) {
    return std::max(clamp01((top - y) / ramp), clamp01((y - bottom) / ramp));
}

// Density (0 = air, ~0.5 dentin, ~0.9 enamel, > 1.2 metal) -> 12-bit
// detector counts with texture and quantum noise.
DecodedImage expose(const std::vector<float>& d, const std::vector<float>& bone, int w, int h, Rng& rng) {
    ValueNoise trabecular(w, h, std::max(4.0f, w / 70.0f), rng), exposure(w, h, std::max(8.0f, w / 6.0f), rng);
    DecodedImage img;
    img.width = img.source_width = w;
    img.height = img.source_height = h;
    img.channels = 1;
    img.bit_depth = 16;
    img.pixels16.resize(size_t(w) * h);
    const float base = rng.range(180, 260), gain = rng.range(2900, 3200);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const size_t i = size_t(y) * w + x;
            const uint64_t r = rng.next();
            const float noise = (float(r & 0xFFFF) + float((r >> 16) & 0xFFFF)) * (1.0f / 65536.0f) - 1.0f;
            const float dens = d[i] + bone[i] * (0.24f + 0.07f * trabecular.at(x, y)) + 0.04f * exposure.at(x, y);
            const float v = base + gain * dens + 30.0f * noise;
            img.pixels16[i] = static_cast<uint16_t>(std::clamp(v, 0.0f, 4095.0f));
        }
    return img;
}

DecodedImage radiograph(SyntheticKind kind, int w, int h, Rng& rng) {
    std::vector<float> d(size_t(w) * h, 0.05f), bone(size_t(w) * h, 0.0f);  // 0.05: soft tissue
    const float pi = std::numbers::pi_v<float>;
    std::vector<Tooth> teeth;
    if (kind == SyntheticKind::periapical) {  // three lower teeth, crowns at the top
        const float tw = w / 3.3f, crown = h * 0.2f, top = h * 0.1f;
        for (int i = 0; i < 3; ++i)
            teeth.push_back(random_tooth(rng, w * 0.5f + (i - 1) * tw * 1.02f, top, 0, tw, crown, h * 0.48f, i == 2));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) bone[size_t(y) * w + x] = clamp01((y - top - crown * 0.85f) / (h * 0.04f));
    } else if (kind == SyntheticKind::bitewing) {  // upper and lower back teeth biting together
        const float tw = w / 5.6f, crown = h * 0.2f, mid = h * 0.5f;
        const float shift = rng.range(-0.3f, 0.3f) * tw;
        for (int i = 0; i < 5; ++i) {
            const float x = w * 0.5f + (i - 2) * tw * 1.04f + shift;
            const float jitter = rng.range(-0.04f, 0.04f) * tw;
            teeth.push_back(random_tooth(rng, x + jitter, mid - h * 0.012f, pi, tw, crown, h * 0.4f, i >= 2));
            teeth.push_back(random_tooth(rng, x + tw * 0.25f - jitter, mid + h * 0.012f, 0, tw, crown, h * 0.4f, i >= 2));
        }
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                bone[size_t(y) * w + x] = jaw_bone(y, mid - crown * 0.95f, mid + crown * 0.95f, h * 0.05f);
    } else {  // panoramic: two arches along a smile, jaws and rami
        const float cx = w * 0.5f, span = w * 0.36f, crown = h * 0.12f, root = h * 0.2f;
        auto occlusal = [&](float x) { float s = (x - cx) / span; return h * 0.5f - h * 0.07f * s * s; };
        static const float rel[8] = {0.62f, 0.6f, 0.7f, 0.78f, 0.8f, 1.05f, 1.0f, 0.95f};  // incisor..molar
        float total = 0;
        for (float r : rel) total += r;
        const float unit = span / total;
        for (int side : {-1, 1}) {
            float pos = 0;
            for (int i = 0; i < 8; ++i) {
                const float x = cx + side * (pos + rel[i] * unit * 0.5f);
                pos += rel[i] * unit;
                const float slope = std::atan(-2 * h * 0.07f * (x - cx) / (span * span));
                const float tw = rel[i] * unit * 0.96f, rl = root * (i == 2 ? 1.25f : 1.0f);
                teeth.push_back(random_tooth(rng, x, occlusal(x) - h * 0.012f, pi - slope, tw, crown, rl, i >= 5));
                teeth.push_back(random_tooth(rng, x, occlusal(x) + h * 0.012f, -slope, tw, crown * 0.95f, rl, i >= 5));
            }
        }
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const float occ = occlusal(float(x)), s = (x - cx) / (w * 0.47f);
                float b = jaw_bone(y, occ - crown * 0.9f, occ + crown * 0.9f, h * 0.03f);
                b *= clamp01((y - h * 0.08f) / (h * 0.05f));                       // maxilla ends above
                b *= clamp01((h * (0.92f - 0.25f * s * s) - y) / (h * 0.03f));     // mandible's lower border
                b *= clamp01((1 - std::abs(s)) * 12);                              // rami at the sides
                bone[size_t(y) * w + x] = b;
            }
    }
    for (const Tooth& t : teeth) draw_tooth(d, w, h, t);
    return expose(d, bone, w, h, rng);
}

// A front view of the teeth between retracted lips: pink gums, off-white
// teeth with gaps and shading, dark mouth corners, vignetting.
DecodedImage photo(int w, int h, Rng& rng) {
    DecodedImage img;
    img.width = img.source_width = w;
    img.height = img.source_height = h;
    img.channels = 3;
    img.bit_depth = 8;
    img.pixels8.resize(size_t(w) * h * 3);
    ValueNoise tex(w, h, std::max(4.0f, w / 40.0f), rng);
    const float cx = w * 0.5f + rng.range(-0.03f, 0.03f) * w, cy = h * 0.5f, radius = w * 0.42f;
    const float pi = std::numbers::pi_v<float>, theta_max = 1.15f;
    const float warm = rng.range(-12, 12);
    // Per column: where the column meets the arch (which tooth, where in it).
    std::vector<float> s_col(w), upper_local(w), lower_local(w);
    for (int x = 0; x < w; ++x) {
        const float s = (x - cx) / radius;
        s_col[x] = s;
        const float th = std::asin(std::clamp(s, -1.0f, 1.0f));
        const float up = (th + theta_max) / (2 * theta_max) * 8, lo = (th + theta_max) / (2 * theta_max) * 10;
        upper_local[x] = up - std::floor(up);
        lower_local[x] = lo - std::floor(lo);
    }
    for (int y = 0; y < h; ++y) {
        uint8_t* p = &img.pixels8[size_t(y) * w * 3];
        for (int x = 0; x < w; ++x, p += 3) {
            const float s = s_col[x], t = tex.at(x, y);
            const float edge = cy + h * 0.03f - h * 0.09f * s * s;  // smile line
            float r = 200 + warm + 18 * t, g = 100 + 12 * t, b = 112 + 10 * t;  // gum
            const float ex = (x - cx) / (w * 0.49f), ey = (y - cy) / (h * 0.42f);
            if (ex * ex + ey * ey > 1) {  // lips and cheeks
                r = 196 + warm + 10 * t, g = 128 + 8 * t, b = 116 + 8 * t;
            } else if (std::abs(s) < 0.97f) {
                const float lu = upper_local[x], ll = lower_local[x];
                const float gum_u = cy - h * 0.22f + h * 0.035f * (1 - std::sin(pi * lu)) + h * 0.05f * s * s;
                const float gum_l = cy + h * 0.25f - h * 0.03f * (1 - std::sin(pi * ll)) - h * 0.04f * s * s;
                const float gap_h = h * 0.004f * (1 + 3 * s * s);  // dark line where the rows meet
                const bool upper = y > gum_u && y < edge - gap_h, lower = y > edge + gap_h && y < gum_l;
                if (upper || lower) {
                    const float l = upper ? lu : ll;
                    const float shade = (0.8f + 0.2f * std::sin(pi * l)) * std::sqrt(1 - s * s * 0.7f);
                    const float gap = clamp01(std::min(l, 1 - l) * 14);
                    const float k = shade * (0.45f + 0.55f * gap);
                    r = (250 + 5 * t) * k, g = (240 + 5 * t) * k, b = (222 + 4 * t) * k;
                } else if (y > gum_u && y < gum_l) {
                    r = 70, g = 22, b = 28;  // dark gap between the rows
                }
            } else {
                r = 90, g = 28, b = 34;  // mouth corners
            }
            const float vx = (x - w * 0.5f) / (w * 0.5f), vy = (y - h * 0.5f) / (h * 0.5f);
            const float vig = 1 - 0.22f * (vx * vx + vy * vy);
            const float n = float(rng.next() & 0xFF) / 64.0f - 2.0f;
            p[0] = uint8_t(std::clamp(r * vig + n, 0.0f, 255.0f));
            p[1] = uint8_t(std::clamp(g * vig + n, 0.0f, 255.0f));
            p[2] = uint8_t(std::clamp(b * vig + n, 0.0f, 255.0f));
        }
    }
    return img;
}

}  // namespace

void synthetic_default_size(SyntheticKind kind, int& width, int& height) {
    switch (kind) {
        case SyntheticKind::bitewing: width = 1500, height = 1000; break;
        case SyntheticKind::periapical: width = 1000, height = 1500; break;
        case SyntheticKind::panoramic: width = 2900, height = 1500; break;
        case SyntheticKind::photo: width = 1600, height = 1200; break;
    }
}

DecodedImage make_synthetic_image(const SyntheticSpec& spec) {
    int w = spec.width, h = spec.height;
    if (w <= 0 || h <= 0) {
        synthetic_default_size(spec.kind, w, h);
        w = std::max(16, int(std::lround(w * spec.scale)));
        h = std::max(16, int(std::lround(h * spec.scale)));
    }
    if (w > kMaxDimension || h > kMaxDimension)
        throw Error("The demo image size is too large.", "synthetic " + std::to_string(w) + "x" + std::to_string(h));
    Rng rng{spec.seed * 0x2545F4914F6CDD1Dull + static_cast<uint64_t>(spec.kind)};
    return spec.kind == SyntheticKind::photo ? photo(w, h, rng) : radiograph(spec.kind, w, h, rng);
}

std::vector<uint8_t> make_synthetic_file(const SyntheticSpec& spec) {
    const DecodedImage img = make_synthetic_image(spec);
    // zlib level 1: the noise dominates the size anyway, and demo stores of
    // 10,000 images must build quickly.
    return spec.kind == SyntheticKind::photo ? encode_jpeg(img, 88) : encode_png(img, 1);
}

std::string synthetic_extension(SyntheticKind kind) { return kind == SyntheticKind::photo ? ".jpg" : ".png"; }

const char* to_string(SyntheticKind kind) {
    switch (kind) {
        case SyntheticKind::bitewing: return "bitewing";
        case SyntheticKind::periapical: return "periapical";
        case SyntheticKind::panoramic: return "panoramic";
        case SyntheticKind::photo: return "photo";
    }
    return "?";
}

}  // namespace cs::demo
