// The recovery folder's manifest.json (engine/sync/manifest.cpp): written by
// ChairSync, but a person may edit it or a crash may tear it. Reading must
// give a procedure or nothing, keep every image inside its folder, and what
// is read must be written back and read again unchanged.
#include "engine/sync/manifest.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path folder = fuzz::scratch_dir() / "procedure";
    std::filesystem::create_directories(folder);
    fuzz::write_bytes(folder / kManifestName, {data, size});
    std::optional<RecoveredProcedure> r;
    fuzz::refused_cleanly("read_manifest", [&] { r = read_manifest(folder); });
    if (!r) return 0;
    for (const auto& i : r->images)
        if (i.path.parent_path() != folder || i.file == "." || i.file == "..")
            fuzz::fail("manifest image \"" + i.file + "\" is not a file inside the procedure's folder");
    std::string again;
    fuzz::refused_cleanly("manifest_json", [&] { again = manifest_json(*r); });
    fuzz::write_bytes(folder / kManifestName, std::span(reinterpret_cast<const uint8_t*>(again.data()), again.size()));
    std::optional<RecoveredProcedure> r2;
    fuzz::refused_cleanly("read_manifest (written back)", [&] { r2 = read_manifest(folder); });
    if (!r2 || manifest_json(*r2) != again) fuzz::fail("a manifest written back does not read back the same");
    return 0;
}
