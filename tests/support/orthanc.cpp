#include "tests/support/orthanc.h"

#include <memory>

namespace cs::test {

Orthanc* shared_orthanc() {
    static std::unique_ptr<Orthanc> o = []() -> std::unique_ptr<Orthanc> {
        if (!Orthanc::missing().empty()) return nullptr;
        return std::make_unique<Orthanc>();
    }();
    return o.get();
}

std::optional<std::string> orthanc_id(Orthanc& o, const std::string& uid) {
    auto r = o.post("/tools/lookup", uid);
    REQUIRE(r.status == 200);
    auto j = nlohmann::json::parse(r.body);
    if (j.empty()) return std::nullopt;
    return j[0].at("ID").get<std::string>();
}

int instances_in_study(Orthanc& o, const std::string& study_uid) {
    auto id = orthanc_id(o, study_uid);
    if (!id) return 0;
    auto r = o.get("/studies/" + *id + "/instances");
    REQUIRE(r.status == 200);
    return static_cast<int>(nlohmann::json::parse(r.body).size());
}

nlohmann::json instance_tags(Orthanc& o, const std::string& sop_instance_uid) {
    auto id = orthanc_id(o, sop_instance_uid);
    REQUIRE(id);
    auto r = o.get("/instances/" + *id + "/simplified-tags");
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body);
}

}  // namespace cs::test
