#pragma once
// JSON written as it is produced, for listings that grow with the store
// (`status --json` over 100,000 images: building and freeing one
// nlohmann::json tree took most of its time, docs/performance.md).
// The text is byte for byte what dump_json(document, 2) writes for the same
// document, so scripts see no change: two-space indent, nlohmann's string
// escaping (text that is not UTF-8 replaced, as dump_json does). Keys must
// come in the order nlohmann keeps them: sorted by their bytes.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cs::cli {

class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out) : out_(out) {}
    ~JsonWriter() { flush(); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    // The next value (or container) is this key's, in the object open now.
    JsonWriter& key(std::string_view k);

    void value(std::string_view s);
    void value(const char* s) { value(std::string_view(s)); }
    void value(int64_t v);
    void value(int v) { value(static_cast<int64_t>(v)); }
    void value(uint64_t v);

    void flush();  // what is buffered goes to the stream (also when done)

private:
    void before_value();
    void open(char bracket);
    void close(char bracket);
    void newline_indent(size_t depth);
    void string(std::string_view s);

    std::ostream& out_;
    std::string buf_;
    std::vector<bool> has_items_;  // per open container
    bool after_key_ = false;
};

}  // namespace cs::cli
