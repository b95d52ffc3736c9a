#pragma once
// Loading a practice from a file (docs/practice-seed.md): `practice-server
// --seed FILE.json` into an empty database, `--seed demo` (the same format,
// server/seed/demo.json), and patients added from CSV (`--import-patients`).
// Everything is checked before anything is written; every problem is a
// sentence that says where it is.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/error.h"

namespace cs::sql {
class Db;
}

namespace cs::server {

class Storage;

// A practice file or CSV that was refused: what() says so and lists every
// problem, one per line; nothing was written.
class SeedError : public Error {
public:
    SeedError(const std::string& what_was_refused, std::vector<std::string> problems);
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::vector<std::string> problems_;
};

// The shortest PIN a practice file may give a user.
inline constexpr size_t kMinPinChars = 4;

// server/seed/demo.json, compiled in (docs/demo-practice.md).
std::string_view demo_seed_json();

// The fields the loader reads, by part: "" for the top level, then
// "locations", "providers", "users", "procedure_types", "households",
// "patients". The format has no others (docs/practice-seed.schema.json).
const std::map<std::string, std::vector<std::string>>& practice_seed_fields();

// Every problem of a practice file's text, in file order; empty when it may be loaded.
std::vector<std::string> check_practice_seed(std::string_view json_text);

// Loads a practice file's text into `db` in one transaction; true when it
// did. Throws SeedError (and writes nothing) when the text has problems, or
// when the database already holds a practice — unless keep_existing, which
// leaves that practice alone (the demo on a restart); `source` names the
// file in that message.
bool seed_practice(Storage& db, std::string_view json_text, const std::string& source, int pin_hash_iterations,
                   bool keep_existing = false);

struct PatientImport {
    size_t added = 0;
    size_t households_added = 0;
    size_t rows_skipped = 0;           // rows left out (with --skip-bad-rows)
    std::vector<std::string> skipped;  // what was wrong with them, by line
};

// Adds the patients of a CSV file (header first_name,last_name,birth_date,household)
// to `db` in one transaction. A bad row makes it add none (SeedError) unless
// `skip_bad_rows`; a bad file (no such columns, not a CSV) always does.
PatientImport import_patients_csv(Storage& db, std::string_view csv_text, const std::string& source,
                                  bool skip_bad_rows);
PatientImport import_patients_csv(sql::Db& db, std::string_view csv_text, const std::string& source,
                                  bool skip_bad_rows);

// The same on files, for `practice-server --db DB --import-patients CSV`:
// the database (a SQLite file, or postgresql://…) must exist already.
PatientImport import_patients_file(const std::string& db, const std::filesystem::path& csv_file, bool skip_bad_rows);

}  // namespace cs::server
