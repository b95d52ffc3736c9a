// `--seed demo`: the online side of docs/demo-practice.md, exactly.
#include "engine/util/text.h"
#include "server/core.h"

namespace cs::server {

namespace {

struct SeedPatient {
    const char *id, *first, *last, *birth, *household;
};

struct SeedType {
    const char *code, *name;
    int64_t fee_loc1;
    bool charges, insurance;
    const char* provider;  // nullptr: none
};

void add_household(sql::Db& db, const std::string& id, const std::string& name) {
    db.prepare("INSERT INTO households (id, name, name_norm) VALUES (?1, ?2, ?3)")
        .bind_all(id, name, normalize_name(name))
        .run();
}

void add_patient(sql::Db& db, const SeedPatient& p) {
    db.prepare(
          "INSERT INTO patients (id, first_name, last_name, birth_date, household_id, first_norm, last_norm) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(p.id, p.first, p.last, p.birth, p.household, normalize_name(p.first), normalize_name(p.last))
        .run();
}

}  // namespace

void seed_demo(sql::Db& db, int iterations) {
    sql::Transaction tx(db);
    db.exec(R"SQL(
INSERT INTO locations VALUES ('loc-1', 'Main Street Dental'), ('loc-2', 'Riverside Dental');
INSERT INTO providers VALUES
  ('prov-1', 'Dr. Ana Ruiz', 1), ('prov-2', 'Dr. Ben Okafor', 1),
  ('prov-3', 'Carla Nguyen, RDH', 0), ('prov-4', 'Dr. Dana Fischer', 1);
INSERT INTO provider_locations VALUES
  ('prov-1', 'loc-1'), ('prov-1', 'loc-2'), ('prov-2', 'loc-1'), ('prov-3', 'loc-1'), ('prov-4', 'loc-2');
)SQL");

    auto add_user = [&](const char* id, const char* login, const char* name, const char* pin) {
        db.prepare("INSERT INTO users (id, login, name, pin_hash) VALUES (?1, ?2, ?3, ?4)")
            .bind_all(id, login, name, hash_pin(pin, iterations))
            .run();
    };
    add_user("u-1", "demo", "Demo User", "1234");
    add_user("u-2", "hygienist", "Hana Ito", "2468");

    const SeedType types[] = {
        {"D0210", "Intraoral - comprehensive series of radiographic images", 12000, true, true, "prov-1"},
        {"D0220", "Intraoral - periapical first radiographic image", 3100, true, true, "prov-1"},
        {"D0230", "Intraoral - periapical each additional radiographic image", 2700, true, true, "prov-1"},
        {"D0272", "Bitewings - two radiographic images", 4500, true, true, "prov-1"},
        {"D0274", "Bitewings - four radiographic images", 6500, true, true, "prov-1"},
        {"D0330", "Panoramic radiographic image", 11000, true, true, "prov-2"},
        {"D0350", "2D oral/facial photographic image", 2500, false, false, nullptr},
    };
    for (const auto& t : types) {
        db.prepare("INSERT INTO procedure_types VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind_all(t.code, t.name, t.charges, t.insurance,
                      t.provider ? std::optional<std::string>(t.provider) : std::nullopt)
            .run();
        // Riverside's fees are 10% higher (whole cents).
        db.prepare("INSERT INTO procedure_fees VALUES (?1, 'loc-1', ?2), (?1, 'loc-2', ?3)")
            .bind_all(t.code, t.fee_loc1, t.fee_loc1 * 11 / 10)
            .run();
    }

    add_household(db, "h-1", "Lopez household");
    add_household(db, "h-2", "Taylor household");
    add_household(db, "h-3", "Murphy household (Oak Street)");
    add_household(db, "h-4", "Murphy household (Dublin Road)");
    add_household(db, "h-5", "Patel household");
    add_household(db, "h-6", "Garcia household");
    add_household(db, "h-7", "O'Brien household");
    const SeedPatient named[] = {
        {"p-1001", "María", "Lopez", "1984-03-09", "h-1"},
        {"p-1002", "Carlos", "Lopez", "1982-05-17", "h-1"},
        {"p-1010", "James", "Taylor", "1962-01-30", "h-2"},
        {"p-1011", "James", "Taylor Jr.", "1990-01-30", "h-2"},
        {"p-1020", "Liam", "Murphy", "2018-04-22", "h-3"},
        {"p-1021", "Liam", "Murphy", "2018-04-22", "h-4"},
        {"p-1030", "Noah", "Patel", "1979-08-14", "h-5"},
        {"p-1040", "Sophia", "Garcia", "1995-02-11", "h-6"},
        {"p-1050", "Zoe", "O'Brien", "1988-10-10", "h-7"},
    };
    for (const auto& p : named) add_patient(db, p);

    // Twenty ordinary patients p-1060..p-1079, each in a household of their own (h-8..h-27).
    const char* more[][3] = {
        {"Emma", "Johnson", "1975-06-02"},   {"Oliver", "Smith", "1968-11-23"},  {"Ava", "Williams", "2001-07-15"},
        {"Elijah", "Brown", "1993-03-28"},   {"Mia", "Jones", "1987-09-05"},     {"Lucas", "Miller", "2010-12-19"},
        {"Amelia", "Davis", "1959-04-07"},   {"Mason", "Wilson", "1972-08-30"},  {"Harper", "Anderson", "1999-01-12"},
        {"Ethan", "Thomas", "1981-05-25"},   {"Evelyn", "Moore", "1966-10-03"},  {"Logan", "Jackson", "2005-02-14"},
        {"Abigail", "Martin", "1990-06-21"}, {"Henry", "Lee", "1977-12-08"},     {"Ella", "Thompson", "2012-09-16"},
        {"Jack", "White", "1955-03-01"},     {"Grace", "Harris", "1984-07-27"},  {"Daniel", "Clark", "1997-11-11"},
        {"Chloe", "Lewis", "1970-04-18"},    {"Samuel", "Walker", "2003-08-09"},
    };
    for (int i = 0; i < 20; ++i) {
        std::string pid = "p-" + std::to_string(1060 + i), hid = "h-" + std::to_string(8 + i);
        add_household(db, hid, std::string(more[i][1]) + " household");
        add_patient(db, {pid.c_str(), more[i][0], more[i][1], more[i][2], hid.c_str()});
    }
    tx.commit();
}

}  // namespace cs::server
