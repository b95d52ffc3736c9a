#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/sqlite.h"
#include "engine/util/uuid.h"
#include "tests/support/test_support.h"

using namespace cs;

TEST_CASE("sha-256 and RFC 9530 Repr-Digest round trip") {
    CHECK(sha256_hex(std::string_view("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::string h = repr_digest_header(sha256_hex(std::string_view("abc")));
    CHECK(h == "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:");
    CHECK(parse_repr_digest(h) == sha256_hex(std::string_view("abc")));
    CHECK(parse_repr_digest("sha-512=:abc:") == "");
    CHECK(parse_repr_digest("sha-256=:short:") == "");
}

TEST_CASE("uuids are random version 4") {
    auto a = new_uuid(), b = new_uuid();
    CHECK(a != b);
    CHECK(is_uuid(a));
    CHECK(a[14] == '4');
    CHECK_FALSE(is_uuid("not-a-uuid"));
}

TEST_CASE("durable writes leave the file whole and no temporary behind") {
    test::TempDir dir;
    auto dst = dir / "a.bin";
    fsx::write_file_durable(dst, std::string_view("hello"));
    auto data = fsx::read_file(dst);
    CHECK(std::string(data.begin(), data.end()) == "hello");
    auto copy = dir / "b.bin";
    CHECK(fsx::copy_file_durable(dst, copy) == sha256_hex(std::string_view("hello")));
    CHECK(sha256_file(copy) == sha256_hex(std::string_view("hello")));
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) {
        CHECK_FALSE(fsx::is_temp_name(e.path()));
        ++files;
    }
    CHECK(files == 2);
    CHECK_THROWS_AS(fsx::read_file(dir / "missing"), Error);
    CHECK_THROWS_AS(fsx::write_file_durable(dir / "no" / "such" / "dir", std::string_view("x")), Error);
}

TEST_CASE("sqlite wrapper: binds, transactions roll back unless committed") {
    test::TempDir dir;
    sql::Db db(dir / "t.db");
    db.exec("CREATE TABLE t(a INTEGER, b TEXT)");
    {
        sql::Transaction tx(db);
        db.prepare("INSERT INTO t VALUES(?1, ?2)").bind_all(int64_t{1}, std::string("it's \"quoted\" / ok")).run();
    }  // rolled back
    {
        sql::Transaction tx(db);
        db.prepare("INSERT INTO t VALUES(?1, ?2)").bind_all(int64_t{2}, std::string("kept")).run();
        tx.commit();
    }
    auto st = db.prepare("SELECT a, b FROM t");
    REQUIRE(st.step());
    CHECK(st.i64(0) == 2);
    CHECK(st.text(1) == "kept");
    CHECK_FALSE(st.step());
    CHECK_THROWS_AS(db.exec("SELECT * FROM missing_table"), Error);
}

TEST_CASE("kept statements are reused and leave no read transaction open") {
    test::TempDir dir;
    sql::Db db(dir / "t.db");
    db.exec("CREATE TABLE t(a INTEGER)");
    db.exec("INSERT INTO t VALUES(1),(2),(3)");
    for (int round = 0; round < 3; ++round) {
        auto st = db.cached("SELECT a FROM t ORDER BY a");
        REQUIRE(st->step());
        CHECK(st->i64(0) == 1);  // starts from the first row every time: it was reset
    }  // left after one row on purpose
    sql::Db other(dir / "t.db");
    other.exec("INSERT INTO t VALUES(4)");
    auto cp = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(cp.step());
    CHECK(cp.i64(0) == 0);  // not busy: no reader holds the old snapshot
    auto st = db.cached("SELECT COUNT(*) FROM t");
    REQUIRE(st->step());
    CHECK(st->i64(0) == 4);
}

TEST_CASE("sqlite wrapper: a database that cannot keep WAL is refused, and a failed open leaks no connection") {
    test::TempDir dir;
    // SQLite keeps a temporary database's rollback journal without an error: the check must see it.
    try {
        sql::Db temp("");
        FAIL("a database without WAL was opened");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("cannot be kept safely") != std::string::npos);
    }
    // Another connection holds the file exclusively: the first PRAGMA fails with "busy".
    sql::Db holder(dir / "t.db");
    holder.exec("CREATE TABLE t(a INTEGER)");
    holder.exec("PRAGMA locking_mode=EXCLUSIVE");
    holder.exec("INSERT INTO t VALUES(1)");  // takes the exclusive lock and keeps it
    sql::OpenOptions o;
    o.busy_timeout_ms = 1;
    CHECK_THROWS_AS(sql::Db(dir / "t.db", o), Error);  // the first also warms SQLite's own one-time state
    sqlite3_int64 before = sqlite3_memory_used();
    for (int i = 0; i < 5; ++i) CHECK_THROWS_AS(sql::Db(dir / "t.db", o), Error);
    CHECK(sqlite3_memory_used() == before);  // each refused connection was closed (one is kilobytes)
}
