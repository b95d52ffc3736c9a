#include "engine/image/dicom_read.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include "engine/util/error.h"

namespace cs {

namespace {

[[noreturn]] void damaged(const std::string& name, const std::string& detail) {
    throw Error("The image " + name + " is damaged and cannot be opened.", detail);
}

[[noreturn]] void unsupported(const std::string& name, const std::string& what) {
    throw Error("The image " + name + " is a DICOM file ChairSync cannot open (" + what + ").", "dicom: " + what);
}

// DCMTK's decoders are registered once per process and then shared by every
// thread. Its log stays quiet: what went wrong reaches the person as a
// sentence, with DCMTK's own words in the detail.
void register_codecs() {
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::OFF_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
    });
}

// A parsed file. DCMTK checks each element's stated length against what is
// left only when it reads a file whose size it knows; from a memory buffer
// it would allocate whatever a length says (gigabytes for a 300-byte file,
// found by tests/fuzz). So the bytes are read through an in-memory file
// (memfd), which also serves values DCMTK loads later.
struct Parsed {
    int fd = -1;
    DcmFileFormat file;
    ~Parsed() {
        file.clear();
        if (fd >= 0) ::close(fd);
    }
};

std::unique_ptr<Parsed> parse(std::span<const uint8_t> bytes, const std::string& name) {
    register_codecs();
    auto parsed = std::make_unique<Parsed>();
    parsed->fd = ::memfd_create("chairsync-dicom", MFD_CLOEXEC);
    if (parsed->fd < 0) throw Error("Could not open the DICOM file " + name + ".", "memfd_create failed");
    for (size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(parsed->fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error("Could not open the DICOM file " + name + ".", "memfd write failed");
        done += size_t(n);
    }
    const std::string path = "/proc/self/fd/" + std::to_string(parsed->fd);
    const OFCondition c = parsed->file.loadFile(path.c_str());
    if (c.bad()) damaged(name, std::string("dicom: ") + c.text());
    return parsed;
}

struct Header {
    Uint16 rows = 0, columns = 0, samples = 1, allocated = 0, stored = 0, high = 0, representation = 0, planar = 0;
    long frames = 1;
    std::string photometric;
    bool encapsulated = false;
};

std::string text_of(DcmItem& item, const DcmTagKey& tag) {
    OFString v;
    if (item.findAndGetOFString(tag, v).bad()) return {};
    return v.c_str();
}

Header header_of(DcmDataset& ds, const std::string& name) {
    Header h;
    if (!ds.tagExistsWithValue(DCM_PixelData)) unsupported(name, "it holds no image");
    if (ds.findAndGetUint16(DCM_Rows, h.rows).bad() || ds.findAndGetUint16(DCM_Columns, h.columns).bad())
        damaged(name, "dicom: no Rows or Columns");
    ds.findAndGetUint16(DCM_SamplesPerPixel, h.samples);
    if (ds.findAndGetUint16(DCM_BitsAllocated, h.allocated).bad()) damaged(name, "dicom: no Bits Allocated");
    if (ds.findAndGetUint16(DCM_BitsStored, h.stored).bad()) h.stored = h.allocated;
    if (ds.findAndGetUint16(DCM_HighBit, h.high).bad()) h.high = static_cast<Uint16>(h.stored - 1);
    ds.findAndGetUint16(DCM_PixelRepresentation, h.representation);
    ds.findAndGetUint16(DCM_PlanarConfiguration, h.planar);
    Sint32 frames = 1;
    if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).good()) h.frames = std::max<Sint32>(frames, 1);
    h.photometric = text_of(ds, DCM_PhotometricInterpretation);
    h.encapsulated = DcmXfer(ds.getOriginalXfer()).isEncapsulated();
    if (h.allocated != 8 && h.allocated != 16) unsupported(name, std::to_string(h.allocated) + "-bit samples");
    if (h.stored == 0 || h.stored > h.allocated || h.high >= h.allocated || h.high + 1 < h.stored)
        damaged(name, "dicom: bits stored " + std::to_string(h.stored) + ", high bit " + std::to_string(h.high));
    if (h.samples != 1 && h.samples != 3) unsupported(name, std::to_string(h.samples) + " samples per pixel");
    const bool grey = h.photometric == "MONOCHROME1" || h.photometric == "MONOCHROME2";
    const bool colour = h.photometric == "RGB" || h.photometric == "YBR_FULL" ||
                        (h.encapsulated && (h.photometric == "YBR_FULL_422" || h.photometric == "YBR_ICT" ||
                                            h.photometric == "YBR_RCT"));
    if ((h.samples == 1 && !grey) || (h.samples == 3 && !colour))
        unsupported(name, "photometric interpretation " + (h.photometric.empty() ? "missing" : h.photometric));
    return h;
}

ImageInfo info_of(const Header& h, std::span<const uint8_t> bytes) {
    ImageInfo info;
    info.format = ImageFormat::dicom;
    info.width = h.columns;
    info.height = h.rows;
    info.channels = h.samples == 1 ? 1 : 3;
    info.bit_depth = h.allocated == 8 ? 8 : 16;
    const uint64_t frame = uint64_t(h.rows) * h.columns * h.samples * (h.allocated / 8);
    // DCMTK holds the parsed file (about its size again, plus its element
    // objects) and decompresses every frame, then the first frame is copied out.
    info.decode_bytes = 2 * uint64_t(bytes.size()) + frame * uint64_t(h.frames) * (h.encapsulated ? 2 : 1) + frame;
    return info;
}

uint16_t sample(uint32_t raw, const Header& h) {
    uint32_t v = (raw >> (h.high + 1 - h.stored)) & ((1u << h.stored) - 1);
    if (h.representation == 1) v ^= 1u << (h.stored - 1);  // two's complement to offset binary: order kept
    if (h.photometric == "MONOCHROME1") v = ((1u << h.stored) - 1) - v;
    return static_cast<uint16_t>(v);
}

uint8_t clamp8(double v) { return static_cast<uint8_t>(std::clamp(v + 0.5, 0.0, 255.0)); }

}  // namespace

bool is_dicom(std::span<const uint8_t> b) {
    return b.size() >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M';
}

ImageInfo dicom_info(std::span<const uint8_t> bytes, const std::string& name) {
    auto parsed = parse(bytes, name);
    return info_of(header_of(*parsed->file.getDataset(), name), bytes);
}

DecodedImage decode_dicom(std::span<const uint8_t> bytes, const std::string& name) {
    auto parsed = parse(bytes, name);
    DcmDataset& ds = *parsed->file.getDataset();
    Header h = header_of(ds, name);
    if (h.encapsulated) {
        const OFCondition c = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
        if (c.bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit))
            damaged(name, std::string("dicom: cannot decompress: ") + c.text());
        h.photometric = text_of(ds, DCM_PhotometricInterpretation);  // the decoder may have made YBR into RGB
        h.planar = 0;
        ds.findAndGetUint16(DCM_PlanarConfiguration, h.planar);
    }
    DcmElement* element = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element) damaged(name, "dicom: no pixel data");
    const size_t pixels = size_t(h.rows) * h.columns;
    const size_t wanted = pixels * h.samples;
    DecodedImage img;
    img.format = ImageFormat::dicom;
    img.width = img.source_width = h.columns;
    img.height = img.source_height = h.rows;
    img.channels = h.samples == 1 ? 1 : 3;
    img.bit_depth = h.allocated == 8 ? 8 : 16;
    // The samples are read where DCMTK holds them: no copy beyond the result.
    Uint8* p8 = nullptr;
    Uint16* p16 = nullptr;
    const bool got = h.allocated == 8 ? element->getUint8Array(p8).good() && p8 && element->getLength() >= wanted
                                      : element->getUint16Array(p16).good() && p16 && element->getLength() / 2 >= wanted;
    if (!got) damaged(name, "dicom: pixel data shorter than the image");
    // Interleaved samples of pixel i, channel c, whatever the planar configuration.
    auto at = [&](size_t i, size_t c) -> uint32_t {
        const size_t k = h.samples == 3 && h.planar == 1 ? c * pixels + i : i * h.samples + c;
        return p8 ? p8[k] : p16[k];
    };
    if (h.samples == 1) {
        if (img.bit_depth == 8) img.pixels8.resize(pixels);
        else img.pixels16.resize(pixels);
        for (size_t i = 0; i < pixels; ++i) {
            const uint16_t v = sample(at(i, 0), h);
            if (img.bit_depth == 8) img.pixels8[i] = static_cast<uint8_t>(v);
            else img.pixels16[i] = v;
        }
        return img;
    }
    Header colour = h;
    colour.photometric = "RGB";  // no MONOCHROME1 inversion
    const bool ybr = h.photometric == "YBR_FULL";
    if (ybr && img.bit_depth != 8) unsupported(name, "16-bit YBR_FULL");
    if (img.bit_depth == 8) img.pixels8.resize(pixels * 3);
    else img.pixels16.resize(pixels * 3);
    for (size_t i = 0; i < pixels; ++i) {
        uint16_t s[3] = {sample(at(i, 0), colour), sample(at(i, 1), colour), sample(at(i, 2), colour)};
        if (ybr) {  // PS3.3 C.7.6.3.1.2: full-range YCbCr
            const double y = s[0], cb = s[1] - 128.0, cr = s[2] - 128.0;
            img.pixels8[i * 3] = clamp8(y + 1.402 * cr);
            img.pixels8[i * 3 + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
            img.pixels8[i * 3 + 2] = clamp8(y + 1.772 * cb);
            continue;
        }
        for (int c = 0; c < 3; ++c) {
            if (img.bit_depth == 8) img.pixels8[i * 3 + size_t(c)] = static_cast<uint8_t>(s[c]);
            else img.pixels16[i * 3 + size_t(c)] = s[c];
        }
    }
    return img;
}

namespace {

// DICOM's date and time (DA, TM, or a DT with an optional "+HHMM"), as
// ISO 8601 UTC. Without an offset in the file, the time is this computer's
// local time, as a sensor beside it would have written it.
std::string utc_of(const std::string& date, const std::string& time, const std::string& offset) {
    std::tm t{};
    if (date.size() < 8 || std::sscanf(date.c_str(), "%4d%2d%2d", &t.tm_year, &t.tm_mon, &t.tm_mday) != 3) return {};
    if (time.size() >= 2) std::sscanf(time.c_str(), "%2d%2d%2d", &t.tm_hour, &t.tm_min, &t.tm_sec);
    if (t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 || t.tm_min > 59 ||
        t.tm_sec > 60)
        return {};
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    std::time_t when;
    int sign = 0, hh = 0, mm = 0;
    if (offset.size() == 5 && (offset[0] == '+' || offset[0] == '-') &&
        std::sscanf(offset.c_str() + 1, "%2d%2d", &hh, &mm) == 2) {
        sign = offset[0] == '+' ? 1 : -1;
        when = timegm(&t) - sign * (hh * 3600 + mm * 60);
    } else {
        t.tm_isdst = -1;
        when = std::mktime(&t);
    }
    if (when == std::time_t(-1)) return {};
    std::tm utc{};
    gmtime_r(&when, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

}  // namespace

DicomFacts dicom_facts(std::span<const uint8_t> bytes, const std::string& name) {
    auto parsed = parse(bytes, name);
    DcmDataset& ds = *parsed->file.getDataset();
    DicomFacts f;
    f.modality = text_of(ds, DCM_Modality);
    const std::string zone = text_of(ds, DCM_TimezoneOffsetFromUTC);
    const std::string dt = text_of(ds, DCM_AcquisitionDateTime);
    if (dt.size() >= 8) {
        const size_t sign = dt.find_first_of("+-");
        const std::string stamp = dt.substr(0, sign);
        f.acquired_at = utc_of(stamp.substr(0, 8), stamp.size() > 8 ? stamp.substr(8) : "",
                               sign == std::string::npos ? zone : dt.substr(sign));
    }
    for (const auto& [date, time] : {std::pair{DCM_AcquisitionDate, DCM_AcquisitionTime},
                                     std::pair{DCM_ContentDate, DCM_ContentTime},
                                     std::pair{DCM_StudyDate, DCM_StudyTime}}) {
        if (!f.acquired_at.empty()) break;
        f.acquired_at = utc_of(text_of(ds, date), text_of(ds, time), zone);
    }
    return f;
}

void with_dicom_dataset(std::span<const uint8_t> bytes, const std::string& name,
                        const std::function<void(DcmDataset&)>& use) {
    auto parsed = parse(bytes, name);
    use(*parsed->file.getDataset());
}

}  // namespace cs
