// The CSV reader (engine/util/csv.h) over files other systems export
// (docs/practice-seed.md). Beyond "no crash": records come in line order, and
// what it read, written back with every field quoted, reads back the same.
#include "engine/util/csv.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const CsvTable t = read_csv(fuzz::as_text(data, size));
    std::string again;
    size_t last_line = 0;
    for (const auto& r : t.records) {
        if (r.line <= last_line) fuzz::fail("records are not in line order");
        last_line = r.line;
        for (size_t i = 0; i < r.fields.size(); ++i) {
            again += i ? ",\"" : "\"";
            for (char c : r.fields[i]) again += c == '"' ? std::string("\"\"") : std::string(1, c);
            again += '"';
        }
        again += "\r\n";
    }
    for (const auto& p : t.problems)
        if (p.message.empty() || p.line == 0) fuzz::fail("a problem without a sentence or a line");
    const CsvTable back = read_csv(again);
    if (!back.problems.empty()) fuzz::fail("what was read, written back, has problems: " + back.problems[0].message);
    if (back.records.size() != t.records.size()) fuzz::fail("written back, a different number of records");
    for (size_t i = 0; i < t.records.size(); ++i)
        if (back.records[i].fields != t.records[i].fields) fuzz::fail("written back, record " + std::to_string(i) + " differs");
    return 0;
}
