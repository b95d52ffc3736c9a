#pragma once
// docs/demo-practice.md, read by the tests: the demo store must match the
// document people read, not a second copy of it in code.
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs::test {

struct DocProcedure {
    std::string code;
    int images = 0;
    std::string what;  // "bitewings", "periapical", "panoramic", "photos"
};

struct DocPatient {
    std::string first, last, birth;  // as entered; "(empty)" in the doc is ""
    std::vector<DocProcedure> procedures;
};

struct DemoDoc {
    std::vector<DocPatient> offline;
    std::map<std::string, std::string> procedure_names;  // code → name
};

inline std::vector<std::string> table_cells(const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');) {
        const auto a = cell.find_first_not_of(' '), b = cell.find_last_not_of(' ');
        cells.push_back(a == std::string::npos ? "" : cell.substr(a, b - a + 1));
    }
    return cells;
}

// The data rows of the table that follows the heading starting with `heading`.
inline std::vector<std::vector<std::string>> doc_table(const std::string& text, const std::string& heading) {
    std::vector<std::vector<std::string>> rows;
    const auto at = text.find("\n" + heading);
    if (at == std::string::npos) throw std::runtime_error("heading not found: " + heading);
    std::stringstream ss(text.substr(at + 1));
    std::string line;
    std::getline(ss, line);  // the heading
    bool in_table = false;
    int seen = 0;
    while (std::getline(ss, line)) {
        if (line.rfind("|", 0) != 0) {
            if (in_table) break;
            continue;
        }
        in_table = true;
        if (++seen <= 2) continue;  // header and |---| row
        rows.push_back(table_cells(line));
    }
    return rows;
}

inline DemoDoc read_demo_doc() {
    std::ifstream f(std::string(CHAIRSYNC_SOURCE_DIR) + "/docs/demo-practice.md");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string text = ss.str();
    DemoDoc doc;
    for (const auto& row : doc_table(text, "## Online: procedure types")) doc.procedure_names[row.at(0)] = row.at(1);
    for (const auto& row : doc_table(text, "## Offline: patients as entered")) {
        DocPatient p;
        const std::string& name = row.at(0);
        p.first = name.substr(0, name.find(' '));
        p.last = name.substr(name.find(' ') + 1);
        p.birth = row.at(1) == "(empty)" ? "" : row.at(1);
        // "D0274 (4 bitewings), D0350 (2 photos)"
        std::stringstream procs(row.at(2));
        for (std::string item; std::getline(procs, item, ',');) {
            std::stringstream words(item);
            DocProcedure proc;
            std::string count;
            words >> proc.code >> count >> proc.what;
            proc.images = std::stoi(count.substr(1));
            proc.what = proc.what.substr(0, proc.what.find(')'));
            p.procedures.push_back(proc);
        }
        doc.offline.push_back(std::move(p));
    }
    return doc;
}

}  // namespace cs::test
