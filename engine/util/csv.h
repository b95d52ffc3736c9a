#pragma once
// A reader of comma-separated values as RFC 4180 writes them, for files other
// systems export (docs/practice-seed.md, patients from CSV): fields in double
// quotes may hold commas, line ends and doubled quotes; records end with CRLF
// or LF; a UTF-8 byte-order mark at the start is dropped. A record that breaks
// the rules is reported with its line and left out; the others are kept.
#include <string>
#include <string_view>
#include <vector>

namespace cs {

struct CsvRecord {
    size_t line = 0;  // where the record starts, from 1
    std::vector<std::string> fields;
};

struct CsvProblem {
    size_t line = 0;
    std::string message;  // a sentence, without the line
};

struct CsvTable {
    std::vector<CsvRecord> records;  // empty lines are not records
    std::vector<CsvProblem> problems;
};

CsvTable read_csv(std::string_view text);

}  // namespace cs
