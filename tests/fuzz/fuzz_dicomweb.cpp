// The readers of an image archive's DICOMweb answers (engine/dicomweb,
// docs/dicomweb.md): the STOW-RS report and WADO-RS metadata. A broken or
// hostile archive may send anything: the client must refuse it with a
// cs::Error, never crash, and never count an instance stored without a
// report that says so.
#include "engine/dicomweb/stow_answer.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;
using namespace cs::dicomweb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string body(fuzz::as_text(data, size));
    const std::vector<std::string> sent{"2.25.1", "2.25.2", "2.25.3"};
    constexpr int kStatuses[] = {200, 202, 409, 400};
    fuzz::refused_cleanly("StowAnswer", [&] {
        const StowResult r = read_stow_answer({"POST", "/studies"}, kStatuses[size % 4], body, sent);
        if (r.instances.size() != sent.size()) fuzz::fail("a report per instance sent, no more, no fewer");
        for (size_t i = 0; i < sent.size(); ++i) {
            const InstanceReport& rep = r.instances[i];
            if (rep.sop_instance_uid != sent[i]) fuzz::fail("reports out of the order sent");
            if (rep.stored == !rep.message.empty()) fuzz::fail("a stored instance with a failure, or a failure without a sentence");
            if (rep.stored && rep.failure_reason >= 0 && !rep.already_held)
                fuzz::fail("stored although the archive gave a failure reason");
        }
        if (r.summary().empty()) fuzz::fail("an empty summary");
    });
    fuzz::refused_cleanly("InstanceMetadata", [&] { read_instance_metadata({"GET", "/studies/1/series/2/instances/3/metadata"}, body); });
    if (failure_sentence(static_cast<int>(size)).empty()) fuzz::fail("an empty failure sentence");
    return 0;
}
