// A practice from a file, and patients from CSV (docs/practice-seed.md).
// Everything is read and checked first; the writes come after, in one
// transaction, only when nothing was wrong.
#include "server/practice_seed.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "engine/util/csv.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"
#include "server/core.h"

namespace cs::server {

namespace {

constexpr size_t kMaxIdChars = 64;
constexpr size_t kMaxPinChars = 256;
constexpr int64_t kMaxFeeCents = 1'000'000'000;  // ten million in whole units: a typo, not a fee
constexpr uint64_t kMaxFileBytes = 256ull << 20;

// A value as people see it in a message: cut short, and bytes that are not
// UTF-8 or are control characters shown as \xHH (one problem, one line).
std::string shown(std::string_view v) {
    constexpr size_t kShown = 40;
    std::string out = "\"";
    for (char c : fit_text(v, kShown)) {
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) {
            out += c;
            continue;
        }
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += buf;
    }
    return out + (utf8_chars(v) > kShown ? "…" : "") + "\"";
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

// Problems with where each one is ("patients[3] (id \"p-7\")", "Line 12").
struct Problems {
    std::vector<std::pair<size_t, std::string>> list;  // (order key, sentence)
    void add(const std::string& where, const std::string& sentence, size_t order = 0) {
        list.emplace_back(order, where + ": " + sentence);
    }
    bool empty() const { return list.empty(); }
    size_t size() const { return list.size(); }
    std::vector<std::string> sentences() {
        std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<std::string> out;
        for (auto& [order, s] : list) out.push_back(std::move(s));
        return out;
    }
};

// The checks a practice file and a CSV row share: one rule for both.
void check_name(Problems& p, const std::string& where, const std::string& field, const std::string& v,
                size_t order = 0) {
    // U+FFFD stands for bytes that were not UTF-8 (read_practice_json).
    if (!is_valid_utf8(v) || v.find(kReplacementCharacter) != std::string::npos) {
        p.add(where, field + " " + shown(v) + " is not valid UTF-8 text.", order);
        return;
    }
    if (v.empty()) {
        p.add(where, field + " is empty.", order);
        return;
    }
    if (utf8_chars(v) > kMaxNameChars)
        p.add(where,
              field + " is " + std::to_string(utf8_chars(v)) + " characters long; the most is " +
                  std::to_string(kMaxNameChars) + ".",
              order);
    if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
        p.add(where, field + " " + shown(v) + " holds a control character (a line break or a tab).", order);
}

void check_id(Problems& p, const std::string& where, const std::string& field, const std::string& v,
              size_t order = 0) {
    if (v.empty()) {
        p.add(where, field + " is empty.", order);
        return;
    }
    const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
    if (!plain || v.size() > kMaxIdChars)
        p.add(where,
              field + " " + shown(v) + " may hold only letters a-z and A-Z, digits, \".\", \"_\" and \"-\", at most " +
                  std::to_string(kMaxIdChars) + " of them (ids appear in the API's paths).",
              order);
}

void check_birth_date(Problems& p, const std::string& where, const std::string& v, size_t order = 0) {
    auto d = parse_iso_date(v);
    if (!d || *d != v)
        p.add(where, "birth_date " + shown(v) + " is not a date written YYYY-MM-DD (a real calendar date from 1850).",
              order);
}

using Patient = NewPatient;

void check_patient(Problems& p, const std::string& where, const Patient& pt, size_t order = 0) {
    check_name(p, where, "first_name", pt.first, order);
    check_name(p, where, "last_name", pt.last, order);
    check_birth_date(p, where, pt.birth, order);
    if (pt.household) check_id(p, where, "household", *pt.household, order);
}

// ---- the practice file ----

const std::map<std::string, std::vector<std::string>> kFields = {
    {"", {"version", "locations", "providers", "users", "procedure_types", "households", "patients"}},
    {"locations", {"id", "name"}},
    {"providers", {"id", "name", "charting", "locations"}},
    {"users", {"id", "login", "name", "pin"}},
    {"procedure_types",
     {"code", "name", "fees", "default_apply_charges", "default_bill_insurance", "default_provider_id"}},
    {"households", {"id", "name"}},
    {"patients", {"id", "first_name", "last_name", "birth_date", "household"}},
};

// A location or a household: an id and a name.
struct Named {
    std::string id, name;
};
struct Provider {
    std::string id, name;
    bool charting = false;
    std::vector<std::string> locations;
};
struct User {
    std::string id, login, name, pin;
};
struct ProcedureType {
    std::string code, name;
    std::vector<std::pair<std::string, int64_t>> fees;  // location, cents
    bool charges = false, insurance = false;
    std::optional<std::string> provider;
};

struct Practice {
    std::vector<Named> locations;
    std::vector<Provider> providers;
    std::vector<User> users;
    std::vector<ProcedureType> types;
    std::vector<Named> households;
    std::vector<Patient> patients;
};

// One entry of a part ("providers[2]"), read field by field; what is wrong goes to `problems`.
class Entry {
public:
    Entry(Problems& p, const std::string& part, size_t index, const Json& j, const char* id_field)
        : p_(p), part_(part), j_(j) {
        where = part + "[" + std::to_string(index) + "]";
        if (j.is_object() && j.contains(id_field) && j[id_field].is_string())
            where += std::string(" (") + id_field + " " + shown(j[id_field].get<std::string>()) + ")";
        if (!j.is_object()) {
            p.add(where, "is not an object {…}.");
            return;
        }
        const auto& known = kFields.at(part);
        for (const auto& [key, value] : j.items())
            if (std::find(known.begin(), known.end(), key) == known.end())
                p.add(where, "the field " + shown(key) + " is not part of the format (docs/practice-seed.md).");
    }
    bool is_object() const { return j_.is_object(); }

    // A text field, surrounding spaces dropped; "" after a problem.
    std::string text(const std::string& f) {
        const Json* v = get(f);
        if (!v) return {};
        if (!v->is_string()) {
            p_.add(where, f + " must be text in quotes.");
            return {};
        }
        return trimmed(v->get<std::string>());
    }
    // A text field that may be null or left out.
    std::optional<std::string> optional_text(const std::string& f) {
        if (!j_.is_object() || !j_.contains(f) || j_[f].is_null()) return std::nullopt;
        return text(f);
    }
    bool flag(const std::string& f) {
        const Json* v = get(f);
        if (!v) return false;
        if (!v->is_boolean()) {
            p_.add(where, f + " must be true or false.");
            return false;
        }
        return v->get<bool>();
    }
    const Json* get(const std::string& f) {
        // Every field read here is one of kFields (the schema test holds the two together).
        const auto& known = kFields.at(part_);
        if (std::find(known.begin(), known.end(), f) == known.end()) throw std::logic_error("unlisted seed field " + f);
        if (!j_.is_object()) return nullptr;
        auto it = j_.find(f);
        if (it == j_.end()) {
            p_.add(where, "has no " + f + ".");
            return nullptr;
        }
        return &*it;
    }

    std::string where;

private:
    Problems& p_;
    std::string part_;
    const Json& j_;
};

// Remembers ids of one kind; says where an id was first used.
class Ids {
public:
    explicit Ids(std::string what) : what_(std::move(what)) {}
    void add(Problems& p, const Entry& e, const std::string& field, const std::string& id) {
        if (id.empty()) return;
        auto [it, fresh] = first_.emplace(id, e.where);
        if (!fresh) p.add(e.where, field + " " + shown(id) + " is already the " + what_ + " of " + it->second + ".");
    }
    bool has(const std::string& id) const { return first_.count(id) != 0; }

private:
    std::string what_;
    std::map<std::string, std::string> first_;
};

// The JSON of a practice file. Bytes that are not UTF-8 become U+FFFD so that
// the parser reads on and the name check can say which entry holds them.
std::optional<Json> read_practice_json(Problems& p, std::string_view text) {
    try {
        return Json::parse(replace_invalid_utf8(text));
    } catch (const Json::parse_error& e) {
        std::string why = e.what();
        if (auto at = why.find("] "); at != std::string::npos) why = why.substr(at + 2);
        p.add("The file", "it is not JSON (" + why + ").");
        return std::nullopt;
    }
}

template <typename F>
void each_entry(Problems& p, const Json& top, const std::string& part, const char* id_field, F&& read) {
    if (!top.contains(part) || top[part].is_null()) return;
    const Json& list = top[part];
    if (!list.is_array()) {
        p.add(part, "must be a list [ … ].");
        return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
        Entry e(p, part, i, list[i], id_field);
        if (e.is_object()) read(e);
    }
}

void read_named(Problems& p, const Json& top, const std::string& part, Ids& ids, std::vector<Named>& out) {
    each_entry(p, top, part, "id", [&](Entry& e) {
        Named n{e.text("id"), e.text("name")};
        check_id(p, e.where, "id", n.id);
        check_name(p, e.where, "name", n.name);
        ids.add(p, e, "id", n.id);
        out.push_back(std::move(n));
    });
}

Practice read_practice(Problems& p, std::string_view text) {
    Practice pr;
    auto parsed = read_practice_json(p, text);
    if (!parsed) return pr;
    const Json& top = *parsed;
    if (!top.is_object()) {
        p.add("The file", "it must hold one object { \"version\": 1, \"locations\": […], … }.");
        return pr;
    }
    for (const auto& [key, value] : top.items())
        if (std::find(kFields.at("").begin(), kFields.at("").end(), key) == kFields.at("").end())
            p.add("The file", "the field " + shown(key) + " is not part of the format (docs/practice-seed.md).");
    if (!top.contains("version") || top["version"] != 1)
        p.add("The file", "it needs \"version\": 1 (the only version of the format).");

    Ids locations("id"), providers("id"), users("id"), logins("login"), types("code"), households("id"),
        patients("id");
    read_named(p, top, "locations", locations, pr.locations);
    each_entry(p, top, "providers", "id", [&](Entry& e) {
        Provider v{e.text("id"), e.text("name"), e.flag("charting"), {}};
        check_id(p, e.where, "id", v.id);
        check_name(p, e.where, "name", v.name);
        providers.add(p, e, "id", v.id);
        if (const Json* list = e.get("locations")) {
            if (!list->is_array()) p.add(e.where, "locations must be a list of location ids [\"loc-1\", …].");
            else
                for (const auto& l : *list) {
                    if (!l.is_string()) {
                        p.add(e.where, "locations must hold location ids in quotes.");
                        continue;
                    }
                    const auto id = l.get<std::string>();
                    if (!locations.has(id))
                        p.add(e.where, "locations names " + shown(id) + ", which is not one of the practice's locations.");
                    else if (std::find(v.locations.begin(), v.locations.end(), id) != v.locations.end())
                        p.add(e.where, "locations names " + shown(id) + " twice.");
                    else v.locations.push_back(id);
                }
        }
        pr.providers.push_back(std::move(v));
    });
    each_entry(p, top, "users", "id", [&](Entry& e) {
        User u{e.text("id"), e.text("login"), e.text("name"), {}};
        check_id(p, e.where, "id", u.id);
        check_name(p, e.where, "login", u.login);
        check_name(p, e.where, "name", u.name);
        users.add(p, e, "id", u.id);
        logins.add(p, e, "login", u.login);
        if (const Json* pin = e.get("pin")) {
            // Never shown: a PIN is a secret even in a refused file.
            if (!pin->is_string()) p.add(e.where, "pin must be text in quotes (\"0427\": a PIN may start with 0).");
            else {
                u.pin = pin->get<std::string>();
                if (!is_valid_utf8(u.pin) || u.pin.find(kReplacementCharacter) != std::string::npos)
                    p.add(e.where, "pin is not valid UTF-8 text.");
                else if (utf8_chars(u.pin) < kMinPinChars)
                    p.add(e.where, "pin is too short: a PIN has at least " + std::to_string(kMinPinChars) + " characters.");
                else if (utf8_chars(u.pin) > kMaxPinChars)
                    p.add(e.where, "pin is longer than " + std::to_string(kMaxPinChars) + " characters.");
            }
        }
        pr.users.push_back(std::move(u));
    });
    each_entry(p, top, "procedure_types", "code", [&](Entry& e) {
        ProcedureType t{e.text("code"), e.text("name"), {}, e.flag("default_apply_charges"),
                        e.flag("default_bill_insurance"), e.optional_text("default_provider_id")};
        check_id(p, e.where, "code", t.code);
        check_name(p, e.where, "name", t.name);
        types.add(p, e, "code", t.code);
        if (t.provider && !t.provider->empty() && !providers.has(*t.provider))
            p.add(e.where, "default_provider_id " + shown(*t.provider) + " is not one of the practice's providers.");
        if (const Json* fees = e.get("fees")) {
            if (!fees->is_object()) p.add(e.where, "fees must be an object {\"LOCATION ID\": CENTS, …}.");
            else
                for (const auto& [loc, cents] : fees->items()) {
                    if (!locations.has(loc))
                        p.add(e.where, "fees names " + shown(loc) + ", which is not one of the practice's locations.");
                    else if (!cents.is_number_integer() || cents.get<int64_t>() < 0 ||
                             cents.get<int64_t>() > kMaxFeeCents)
                        p.add(e.where, "the fee at " + shown(loc) + " must be a whole number of cents from 0 to " +
                                           std::to_string(kMaxFeeCents) + ".");
                    else t.fees.emplace_back(loc, cents.get<int64_t>());
                }
            // The kiosk offers a location only the types with a fee there (docs/practice-api.md).
            std::set<std::string> asked;
            for (const auto& l : pr.locations)
                if (!l.id.empty() && asked.insert(l.id).second && !fees->contains(l.id))
                    p.add(e.where, "has no fee at location " + shown(l.id) +
                                       "; every type needs one at every location (in cents, 0 for none).");
        }
        pr.types.push_back(std::move(t));
    });
    read_named(p, top, "households", households, pr.households);
    each_entry(p, top, "patients", "id", [&](Entry& e) {
        Patient pt{e.text("id"), e.text("first_name"), e.text("last_name"), e.text("birth_date"),
                   e.optional_text("household")};
        check_id(p, e.where, "id", pt.id);
        patients.add(p, e, "id", pt.id);
        check_patient(p, e.where, pt);
        if (pt.household && !pt.household->empty() && !households.has(*pt.household))
            p.add(e.where, "household " + shown(*pt.household) + " is not one of the file's households.");
        pr.patients.push_back(std::move(pt));
    });
    return pr;
}

// pin_hashes: one per user, made before the transaction (it may run again).
void write_practice(Tx& t, const Practice& pr, const std::vector<std::string>& pin_hashes) {
    for (const auto& l : pr.locations) t.add_location(l.id, l.name);
    for (const auto& v : pr.providers) {
        t.add_provider(v.id, v.name, v.charting);
        for (const auto& l : v.locations) t.add_provider_location(v.id, l);
    }
    for (size_t i = 0; i < pr.users.size(); ++i)
        t.add_user(pr.users[i].id, pr.users[i].login, pr.users[i].name, pin_hashes.at(i));
    for (const auto& ty : pr.types) {
        t.add_procedure_type(ty.code, ty.name, ty.charges, ty.insurance,
                             ty.provider && !ty.provider->empty() ? ty.provider : std::nullopt);
        for (const auto& [loc, cents] : ty.fees) t.add_fee(ty.code, loc, cents);
    }
    for (const auto& h : pr.households) t.add_household(h.id, h.name);
    for (auto p : pr.patients) {
        if (p.household && p.household->empty()) p.household.reset();
        t.add_patient(p);
    }
}

// ---- patients from CSV ----

const std::vector<std::string> kCsvColumns = {"first_name", "last_name", "birth_date", "household"};

std::string ascii_lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string line_of(size_t line) { return "Line " + std::to_string(line); }

}  // namespace

SeedError::SeedError(const std::string& what_was_refused, std::vector<std::string> problems)
    : Error([&] {
          std::string s = what_was_refused + " (" + std::to_string(problems.size()) +
                          (problems.size() == 1 ? " problem" : " problems") + "; nothing was written):";
          for (const auto& p : problems) s += "\n  " + p;
          return s;
      }()),
      problems_(std::move(problems)) {}

const std::map<std::string, std::vector<std::string>>& practice_seed_fields() { return kFields; }

std::vector<std::string> check_practice_seed(std::string_view json_text) {
    Problems p;
    read_practice(p, json_text);
    return p.sentences();
}

bool seed_practice(Storage& db, std::string_view json_text, const std::string& source, int pin_hash_iterations,
                   bool keep_existing) {
    Problems p;
    Practice pr = read_practice(p, json_text);
    std::vector<std::string> hashes;
    if (p.empty())
        for (const auto& u : pr.users) hashes.push_back(hash_pin(u.pin, pin_hash_iterations));
    // The emptiness check and the writes are one transaction: of two servers
    // starting on one empty database, one loads the practice (storage.h).
    return db.write([&](Tx& t) {
        Problems all = p;
        if (!t.practice_empty()) {
            if (keep_existing && all.empty()) return false;
            all.add("The database " + db.where().shown(),
                    "it already holds a practice; a practice file is loaded only into an empty database (give --db a "
                    "new file).");
        }
        if (!all.empty()) throw SeedError("The practice in " + source + " was not loaded", all.sentences());
        write_practice(t, pr, hashes);
        return true;
    });
}

PatientImport import_patients_csv(Storage& db, std::string_view csv_text, const std::string& source,
                                  bool skip_bad_rows) {
    Problems file, rows;
    const CsvTable table = read_csv(csv_text);
    std::map<std::string, size_t> column;
    size_t header_line = 0;
    if (table.records.empty()) {
        file.add(line_of(1), "there is no header row (first_name,last_name,birth_date,household).", 1);
    } else {
        const CsvRecord& header = table.records.front();
        header_line = header.line;
        for (size_t i = 0; i < header.fields.size(); ++i) {
            const std::string name = ascii_lower(trimmed(header.fields[i]));
            if (!column.emplace(name, i).second && !name.empty())
                file.add(line_of(header.line), "the header names the column " + shown(name) + " twice.", header.line);
        }
        for (const auto& c : kCsvColumns)
            if (!column.count(c))
                file.add(line_of(header.line),
                         "the header has no column " + shown(c) +
                             " (it needs first_name, last_name, birth_date and household).",
                         header.line);
    }
    for (const auto& bad : table.problems) {
        // A broken line before the header leaves no header to trust.
        Problems& into = header_line == 0 || bad.line < header_line ? file : rows;
        into.add(line_of(bad.line), bad.message, bad.line);
    }

    std::vector<Patient> good;
    size_t bad_rows = table.problems.size();
    if (file.empty()) {
        const size_t width = table.records.front().fields.size();
        for (size_t r = 1; r < table.records.size(); ++r) {
            const CsvRecord& rec = table.records[r];
            const std::string where = line_of(rec.line);
            if (rec.fields.size() != width) {
                rows.add(where,
                         "it has " + std::to_string(rec.fields.size()) + " fields; the header has " +
                             std::to_string(width) + ".",
                         rec.line);
                ++bad_rows;
                continue;
            }
            auto field = [&](const char* name) { return trimmed(rec.fields[column.at(name)]); };
            Patient pt{"p-" + new_uuid(), field("first_name"), field("last_name"), field("birth_date"),
                       field("household")};
            if (pt.household->empty()) pt.household.reset();
            const size_t before = rows.size();
            check_patient(rows, where, pt, rec.line);
            if (rows.size() == before) good.push_back(std::move(pt));
            else ++bad_rows;
        }
    }
    if (!file.empty()) {
        auto all = file.list;
        all.insert(all.end(), rows.list.begin(), rows.list.end());
        file.list = all;
        throw SeedError("No patients were added from " + source, file.sentences());
    }
    if (!rows.empty() && !skip_bad_rows)
        throw SeedError("No patients were added from " + source + ": " + std::to_string(bad_rows) +
                            (bad_rows == 1 ? " row was" : " rows were") +
                            " refused (fix them, or add the others with --skip-bad-rows)",
                        rows.sentences());

    PatientImport report;
    report.skipped = rows.sentences();
    report.rows_skipped = bad_rows;
    // A household id the database does not know yet is a new household,
    // named after its first patient (docs/practice-seed.md).
    report.households_added = db.write([&](Tx& t) {
        size_t added = 0;
        std::set<std::string> known;
        for (const auto& p : good) {
            if (p.household && known.insert(*p.household).second && !t.household_exists(*p.household)) {
                t.add_household(*p.household, p.last + " household");
                ++added;
            }
            t.add_patient(p);
        }
        return added;
    });
    report.added = good.size();
    return report;
}

PatientImport import_patients_csv(sql::Db& db, std::string_view csv_text, const std::string& source,
                                  bool skip_bad_rows) {
    return import_patients_csv(*Storage::over(db), csv_text, source, skip_bad_rows);
}

PatientImport import_patients_file(const std::string& db, const std::filesystem::path& csv_file, bool skip_bad_rows) {
    const auto bytes = fsx::read_file(csv_file, kMaxFileBytes);
    const DbLocation where = parse_db_location(db);
    std::error_code ec;
    if (where.kind == DbLocation::Kind::sqlite && !std::filesystem::is_regular_file(where.target, ec))
        throw Error("There is no practice database at " + where.target +
                    "; patients are added to an existing one (make it with --seed first).");
    return import_patients_csv(*Storage::open(where, 1),
                               std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                               csv_file.string(), skip_bad_rows);
}

}  // namespace cs::server
