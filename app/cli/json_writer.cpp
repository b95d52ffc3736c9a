#include "app/cli/json_writer.h"

#include <charconv>

#include "engine/util/json_text.h"

namespace cs::cli {

namespace {

constexpr size_t kFlushAt = 64 * 1024;
constexpr size_t kIndent = 2;  // as dump_json(document, 2)

// Printable ASCII other than '"' and '\': written as it is by every JSON writer.
bool plain(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    return true;
}

}  // namespace

JsonWriter& JsonWriter::key(std::string_view k) {
    before_value();
    string(k);
    buf_ += ": ";
    after_key_ = true;
    return *this;
}

void JsonWriter::value(std::string_view s) {
    before_value();
    string(s);
}

void JsonWriter::value(int64_t v) {
    before_value();
    char digits[24];
    buf_.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

void JsonWriter::value(uint64_t v) {
    before_value();
    char digits[24];
    buf_.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
}

void JsonWriter::flush() {
    out_.write(buf_.data(), std::streamsize(buf_.size()));
    buf_.clear();
}

// A value in an array starts its own line; one after a key stays on the key's.
void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (has_items_.empty()) return;  // the document itself
    buf_ += has_items_.back() ? "," : "";
    has_items_.back() = true;
    newline_indent(has_items_.size());
    if (buf_.size() >= kFlushAt) flush();
}

void JsonWriter::open(char bracket) {
    before_value();
    buf_ += bracket;
    has_items_.push_back(false);
}

// An empty container closes on its own line's bracket: "[]", "{}".
void JsonWriter::close(char bracket) {
    const bool any = has_items_.back();
    has_items_.pop_back();
    if (any) newline_indent(has_items_.size());
    buf_ += bracket;
}

void JsonWriter::newline_indent(size_t depth) {
    buf_ += '\n';
    buf_.append(depth * kIndent, ' ');
}

// Nearly every string here (uuids, checksums, codes, dates) is plain ASCII;
// anything else is escaped by the same code as every other JSON we write.
void JsonWriter::string(std::string_view s) {
    if (plain(s)) {
        buf_ += '"';
        buf_ += s;
        buf_ += '"';
    } else {
        buf_ += dump_json(nlohmann::json(std::string(s)));
    }
}

}  // namespace cs::cli
