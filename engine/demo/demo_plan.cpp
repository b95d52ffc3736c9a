#include "engine/demo/demo_plan.h"

#include <chrono>
#include <cstdio>
#include <set>
#include <tuple>

#include "engine/demo/rng.h"
#include "engine/util/error.h"
#include "engine/util/text.h"

namespace cs::demo {

namespace {

using K = SyntheticKind;

struct ProcedureType {
    const char* code;
    const char* name;
};
// The demo practice's procedure types (docs/demo-practice.md).
constexpr ProcedureType kTypes[] = {
    {"D0210", "Intraoral - comprehensive series of radiographic images"},
    {"D0220", "Intraoral - periapical first radiographic image"},
    {"D0230", "Intraoral - periapical each additional radiographic image"},
    {"D0272", "Bitewings - two radiographic images"},
    {"D0274", "Bitewings - four radiographic images"},
    {"D0330", "Panoramic radiographic image"},
    {"D0350", "2D oral/facial photographic image"},
};

struct DemoProcedure {
    const char* code;
    K kind;
    int images;
};
struct DemoPatient {
    const char *first, *last, *birth;
    std::vector<DemoProcedure> procedures;
};

// docs/demo-practice.md, "Offline: patients as entered at the chair". Names
// and birth dates exactly as staff typed them: case, accents and the empty
// birth date are the point.
const std::vector<DemoPatient>& demo_patients() {
    static const std::vector<DemoPatient> patients = {
        {"Maria", "LÓPEZ", "1984-03-09", {{"D0274", K::bitewing, 4}, {"D0350", K::photo, 2}}},
        {"James", "Taylor", "1962-01-30", {{"D0220", K::periapical, 1}}},
        {"Olivia", "Chen", "1999-12-05", {{"D0330", K::panoramic, 1}}},
        {"Liam", "Murphy", "2018-04-22", {{"D0272", K::bitewing, 2}}},
        {"Noah", "Patel", "1979-08-14", {{"D0230", K::periapical, 1}, {"D0274", K::bitewing, 4}}},
        {"Sophia", "Garcia", "", {{"D0350", K::photo, 1}}},
        {"Zoë", "O'Brien", "1988-10-10", {{"D0220", K::periapical, 1}}},
    };
    return patients;
}

// Ordinary names for generated patients; none is a first name of the demo
// patients above, so no generated patient merges with one of them.
constexpr const char* kFirstNames[] = {
    "Emma",   "Ava",    "Isabella", "Mia",     "Amelia",  "Harper", "Evelyn", "Abigail", "Emily",  "Ella",
    "Grace",  "Chloe",  "Lucía",    "Hannah",  "Aisha",   "Mei",    "Priya",  "Ingrid",  "Fatima", "Chiara",
    "Oliver", "Elijah", "William",  "Benjamin", "Lucas",  "Henry",  "Jack",   "Daniel",  "Samuel", "David",
    "Mateo",  "Omar",   "Kenji",    "Arjun",   "Tomás",   "Finn",   "Jonas",  "Rafael",  "Ethan",  "Joseph"};
constexpr const char* kLastNames[] = {
    "Smith",  "Johnson", "Williams", "Brown",    "Jones",  "Miller",  "Davis",   "Rodriguez", "Martinez", "Hernández",
    "Wilson", "Anderson", "Thomas",  "Moore",    "Jackson", "Martin", "Lee",     "Thompson",  "White",    "Harris",
    "Clark",  "Lewis",   "Robinson", "Walker",   "Young",  "Allen",   "King",    "Wright",    "Scott",    "Torres",
    "Nguyen", "Hill",    "Flores",   "Green",    "Adams",  "Nelson",  "Baker",   "Hall",      "Rivera",   "Campbell",
    "Mitchell", "Carter", "Roberts", "Kowalski", "Schmidt", "Müller", "Rossi",  "Kim",       "Singh",    "O'Connor"};

std::string two(int v) {
    char b[8];
    std::snprintf(b, sizeof b, "%02d", v);
    return b;
}

// "YYYY-MM-DDTHH:MM:SSZ" for a second of the day.
std::string at_second(const std::string& day, int second) {
    return day + "T" + two(second / 3600) + ":" + two(second / 60 % 60) + ":" + two(second % 60) + "Z";
}

// Procedures that generated patients get, with their usual image counts.
// A full-mouth series is four bitewings and fourteen periapicals.
std::vector<K> bulk_procedure(Rng& rng, int budget, std::string& code) {
    for (;;) {
        switch (rng.below(8)) {
            case 0: if (budget >= 4) { code = "D0274"; return std::vector<K>(4, K::bitewing); } break;
            case 1: if (budget >= 2) { code = "D0272"; return std::vector<K>(2, K::bitewing); } break;
            case 2: code = "D0220"; return {K::periapical};
            case 3: code = "D0230"; return {K::periapical};
            case 4: code = "D0330"; return {K::panoramic};
            case 5: code = "D0350"; return std::vector<K>(std::min(budget, 1 + rng.below(3)), K::photo);
            case 6:
                if (budget >= 18) {
                    code = "D0210";
                    std::vector<K> series(4, K::bitewing);
                    series.resize(18, K::periapical);
                    return series;
                }
                break;
            default: if (budget >= 4) { code = "D0274"; return std::vector<K>(4, K::bitewing); } break;
        }
    }
}

}  // namespace

std::string demo_procedure_name(const std::string& code) {
    for (const auto& t : kTypes)
        if (code == t.code) return t.name;
    return {};
}

std::string yesterday_utc() {
    using namespace std::chrono;
    const year_month_day d{floor<days>(system_clock::now()) - days{1}};
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
    return b;
}

DemoPlan plan_demo_store(const DemoStoreOptions& opt) {
    constexpr int kLimit = 10'000'000;
    if (opt.patients < 0 || opt.images < 0 || opt.patients > kLimit || opt.images > kLimit)
        throw Error("The number of demo patients and images must be between 0 and 10,000,000.",
                    "patients=" + std::to_string(opt.patients) + " images=" + std::to_string(opt.images));
    const std::string day = opt.day.empty() ? yesterday_utc() : parse_iso_date(opt.day).value_or("");
    if (day.empty()) throw Error("The demo day must be a date like 2026-11-30.", "day=" + opt.day);

    DemoPlan plan;
    uint64_t seed = opt.seed * 0x100000000ull;
    auto add = [&](const std::string& first, const std::string& last, const std::string& birth, std::string code,
                   std::vector<K> kinds, double scale, int second) {
        plan.images += static_cast<int>(kinds.size());
        std::string name = demo_procedure_name(code);
        plan.procedures.push_back(PlannedProcedure{first, last, birth, std::move(code), std::move(name),
                                                   at_second(day, second), std::move(kinds), scale, seed, false});
        seed += plan.procedures.back().kinds.size();
    };

    std::set<std::tuple<std::string, std::string, std::string>> taken;
    int second = 8 * 3600;  // the demo patients from 08:00, 25 minutes apart
    for (const auto& p : demo_patients()) {
        taken.emplace(p.first, p.last, p.birth);
        int s = second;
        for (const auto& proc : p.procedures) {
            add(p.first, p.last, p.birth, proc.code, std::vector<K>(proc.images, proc.kind), opt.image_scale, s);
            if (p.first == std::string("Noah") && proc.code == std::string("D0230"))
                plan.procedures.back().failing = true;
            s += 6 * 60;
        }
        second += 25 * 60;
        ++plan.patients;
    }

    // Generated patients make up the totals asked for.
    const int base_images = plan.images;
    int extra_patients = std::max(0, opt.patients - plan.patients);
    int extra_images = std::max(0, opt.images - base_images);
    if (extra_patients == 0 && extra_images > 0) extra_patients = (extra_images + 7) / 8;
    if (extra_images == 0) extra_images = extra_patients * 7;
    if (extra_patients == 0) return plan;

    Rng rng{opt.seed ^ 0xD1B54A32D192ED03ull};
    // Their procedures fill the rest of the day (from 11:00 to 21:00 at most
    // five minutes apart), so they sort after the demo patients.
    const int total_procs_guess = std::max(1, extra_images / 3);
    const int step = std::clamp(10 * 3600 / total_procs_guess, 1, 300);
    int proc_index = 0;
    for (int i = 0; i < extra_patients; ++i) {
        std::string first, last, birth;
        do {
            first = kFirstNames[rng.below(std::size(kFirstNames))];
            last = kLastNames[rng.below(std::size(kLastNames))];
            birth = std::to_string(1940 + rng.below(80)) + "-" + two(1 + rng.below(12)) + "-" + two(1 + rng.below(28));
        } while (!taken.emplace(first, last, birth).second);
        ++plan.patients;
        int budget = extra_images / extra_patients + (i < extra_images % extra_patients ? 1 : 0);
        budget = std::max(budget, 1);
        while (budget > 0) {
            std::string code;
            std::vector<K> kinds = bulk_procedure(rng, budget, code);
            budget -= static_cast<int>(kinds.size());
            const int s = 11 * 3600 + (step * proc_index++) % (10 * 3600);
            add(first, last, birth, code, std::move(kinds), opt.bulk_image_scale, s);
        }
    }
    return plan;
}

}  // namespace cs::demo
