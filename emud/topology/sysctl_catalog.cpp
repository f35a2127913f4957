#include "emud/topology/sysctl_catalog.hpp"

#include <sys/stat.h>

namespace emu::topology {
namespace {

class RunningKernel : public SysctlCatalog {
public:
    Entry find(const std::string& path) const override {
        if (!readable_) return Entry::unknown;
        struct stat status {};
        if (::stat(("/proc/sys/" + path).c_str(), &status) != 0 || !S_ISREG(status.st_mode)) return Entry::missing;
        return (status.st_mode & 0222) != 0 ? Entry::writable : Entry::read_only;
    }

private:
    bool readable_ = [] {
        struct stat status {};
        return ::stat("/proc/sys/net", &status) == 0 && S_ISDIR(status.st_mode);
    }();
};

}  // namespace

const SysctlCatalog& running_kernel_sysctls() {
    static const RunningKernel kernel;
    return kernel;
}

SysctlCatalog::Entry SysctlSet::find(const std::string& path) const {
    if (writable_.count(path) != 0) return Entry::writable;
    if (read_only_.count(path) != 0) return Entry::read_only;
    return Entry::missing;
}

}  // namespace emu::topology
