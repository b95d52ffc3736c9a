#include "engine/util/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "engine/util/error.h"

namespace cs {

void disable_core_dumps() {
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0)
        throw Error("Could not turn off core dumps.", std::string("setrlimit: ") + std::strerror(errno));
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        throw Error("Could not turn off core dumps.", std::string("prctl: ") + std::strerror(errno));
}

}  // namespace cs
