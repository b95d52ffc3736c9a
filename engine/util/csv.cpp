#include "engine/util/csv.h"

namespace cs {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}

CsvTable read_csv(std::string_view text) {
    if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
    CsvTable table;
    size_t i = 0, line = 1;
    const size_t n = text.size();
    auto at_line_end = [&](size_t k) { return k < n && (text[k] == '\n' || text[k] == '\r'); };
    // Past one line end (CRLF, LF or a lone CR).
    auto skip_line_end = [&](size_t& k) {
        if (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n') ++k;
        ++k;
        ++line;
    };
    while (i < n) {
        CsvRecord rec;
        rec.line = line;
        std::string problem;
        std::string field;
        bool record_done = false;
        while (!record_done) {
            field.clear();
            if (i < n && text[i] == '"') {
                ++i;
                bool closed = false;
                while (i < n) {
                    if (text[i] == '"') {
                        if (i + 1 < n && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (text[i] == '\r' || text[i] == '\n') {
                        // A line end inside quotes belongs to the field, as LF.
                        size_t k = i;
                        skip_line_end(k);
                        i = k;
                        field += '\n';
                        continue;
                    }
                    field += text[i++];
                }
                if (!closed) {
                    problem = "A quoted field (field " + std::to_string(rec.fields.size() + 1) +
                              ") has no closing quote before the end of the file.";
                    break;
                }
                if (i < n && text[i] != ',' && !at_line_end(i)) {
                    problem = "Field " + std::to_string(rec.fields.size() + 1) +
                              " has text after its closing quote; a quote inside a field is written twice (\"\").";
                }
            } else {
                while (i < n && text[i] != ',' && !at_line_end(i)) {
                    if (text[i] == '"' && problem.empty())
                        problem = "Field " + std::to_string(rec.fields.size() + 1) +
                                  " holds a quote but is not in quotes; such a field is written \"like \"\"this\"\"\".";
                    field += text[i++];
                }
            }
            // After a broken field, the rest of the record is skipped to its line end.
            if (!problem.empty())
                while (i < n && !at_line_end(i)) ++i;
            rec.fields.push_back(field);
            if (i < n && text[i] == ',') {
                ++i;
                continue;
            }
            if (i < n) skip_line_end(i);
            record_done = true;
        }
        if (!problem.empty()) {
            table.problems.push_back({rec.line, problem});
            continue;
        }
        if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // an empty line
        table.records.push_back(std::move(rec));
    }
    return table;
}

}  // namespace cs
