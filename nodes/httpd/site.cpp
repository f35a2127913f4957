#include "nodes/httpd/site.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <map>
#include <stdexcept>
#include <vector>

namespace emu::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool within(const std::filesystem::path& root, const std::filesystem::path& path) {
    auto r = root.begin(), p = path.begin();
    for (; r != root.end(); ++r, ++p) {
        if (p == path.end() || *r != *p) return false;
    }
    return true;
}

// RESOLVE_BENEATH (Linux 5.6): the kernel refuses, with EXDEV, any step of the lookup that
// would leave `directory` — `..` above it, an absolute link, a link to outside it; /proc's
// magic links are refused too. O_NONBLOCK so that a FIFO in the site cannot hang the server.
int open_beneath(int directory, const std::string& relative) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    while (true) {
        auto fd = static_cast<int>(::syscall(SYS_openat2, directory, relative.c_str(), &how, sizeof how));
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

Resolved::Kind kind_of_failure(int error) {
    return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? Resolved::Kind::not_found
                                                                         : Resolved::Kind::forbidden;
}

// Opens `relative` under the root. A link that the kernel will not follow beneath the root
// (an absolute one, say) may still point inside it: then its real path, checked to be under
// the root, is opened beneath the root — and that path has no links left to swap.
util::UniqueFd open_in_site(const SiteRoot& root, const std::string& relative, Resolved::Kind& failure) {
    util::UniqueFd fd(open_beneath(root.fd(), relative));
    if (fd) return fd;
    if (errno != EXDEV) {
        failure = kind_of_failure(errno);
        return fd;
    }
    std::error_code error;
    auto real = std::filesystem::canonical(root.path() / relative, error);
    if (error || !within(root.path(), real)) {
        failure = error ? kind_of_failure(error.value()) : Resolved::Kind::forbidden;
        return fd;
    }
    auto inside = real.lexically_relative(root.path()).string();
    fd.reset(open_beneath(root.fd(), inside.empty() ? "." : inside));
    if (!fd) failure = errno == EXDEV ? Resolved::Kind::forbidden : kind_of_failure(errno);
    return fd;
}

}  // namespace

SiteRoot::SiteRoot(const std::filesystem::path& root) {
    std::error_code error;
    path_ = std::filesystem::canonical(root, error);
    if (error || !std::filesystem::is_directory(path_)) {
        throw std::invalid_argument("the site's root " + root.string() + " is not a directory");
    }
    fd_.reset(::open(path_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd_) throw std::invalid_argument("the site's root " + root.string() + " cannot be opened");
    util::UniqueFd probe(open_beneath(fd_.get(), "."));
    if (!probe && errno == ENOSYS) {
        throw std::invalid_argument("this kernel has no openat2(2), which emu-httpd needs to keep requests inside "
                                    "the site (Linux 5.6 or later)");
    }
}

std::optional<Resolved> OpenFileCache::find(const SiteRoot& root, const std::string& relative) {
    auto it = entries_.find(relative);
    if (it == entries_.end()) return std::nullopt;
    struct stat status {};
    if (::fstatat(root.fd(), relative.c_str(), &status, 0) != 0 || !S_ISREG(status.st_mode) ||
        status.st_dev != it->second.device || status.st_ino != it->second.inode) {
        entries_.erase(it);
        return std::nullopt;
    }
    Resolved result;
    result.kind = Resolved::Kind::file;
    result.path = it->second.path;
    result.file = it->second.file;
    result.size = static_cast<std::uint64_t>(status.st_size);
    result.modified = std::chrono::system_clock::from_time_t(status.st_mtim.tv_sec);
    return result;
}

void OpenFileCache::remember(const std::string& relative, const Resolved& resolved, std::uint64_t device,
                             std::uint64_t inode) {
    if (entries_.size() >= kCapacity) entries_.clear();
    entries_[relative] = Entry{resolved.file, resolved.path, device, inode};
}

Resolved resolve_target(const SiteRoot& root, std::string_view target, OpenFileCache* cache) {
    Resolved result;
    // absolute-form (a proxy's request): keep the path after the authority.
    if (target.rfind("http://", 0) == 0) {
        auto slash = target.find('/', 7);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/') {
        result.kind = Resolved::Kind::bad;
        return result;
    }
    std::string decoded;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] != '%') {
            decoded += target[i];
            continue;
        }
        int high = i + 2 < target.size() ? hex_value(target[i + 1]) : -1;
        int low = i + 2 < target.size() ? hex_value(target[i + 2]) : -1;
        if (high < 0 || low < 0) {
            result.kind = Resolved::Kind::bad;
            return result;
        }
        decoded += static_cast<char>(high << 4 | low);
        i += 2;
    }
    if (decoded.find('\0') != std::string::npos) {
        result.kind = Resolved::Kind::bad;
        return result;
    }
    // RFC 3986 §5.2.4 (remove_dot_segments): a `.` segment goes, a `..` takes the one before
    // it along; a `..` with none before it would climb out of the root and is refused, as
    // nginx does. Empty segments are skipped. A path that ends in `/`, `/.` or `/..` asks for
    // a directory.
    std::vector<std::string_view> segments;
    std::string_view rest = std::string_view(decoded).substr(1);
    bool directory = false;
    while (true) {
        auto slash = rest.find('/');
        auto segment = rest.substr(0, slash);
        if (segment == "..") {
            if (segments.empty()) {
                result.kind = Resolved::Kind::forbidden;
                return result;
            }
            segments.pop_back();
        } else if (!segment.empty() && segment != ".") {
            segments.push_back(segment);
        }
        if (slash == std::string_view::npos) {
            directory = segment.empty() || segment == "." || segment == "..";
            break;
        }
        rest.remove_prefix(slash + 1);
    }
    std::filesystem::path relative;
    for (auto segment : segments) relative /= segment;
    auto relative_text = relative.empty() ? std::string(".") : relative.string();
    // A directory's index is remembered under its own path.
    auto cache_key = directory ? (relative / "index.html").string() : relative_text;
    if (cache != nullptr) {
        if (auto found = cache->find(root, cache_key)) return std::move(*found);
    }
    auto failure = Resolved::Kind::not_found;
    auto fd = open_in_site(root, relative_text, failure);
    if (!fd) {
        result.kind = failure;
        return result;
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        result.kind = Resolved::Kind::forbidden;
        return result;
    }
    result.path = root.path() / relative;
    if (S_ISDIR(status.st_mode)) {
        if (!directory) {
            result.kind = Resolved::Kind::redirect;
            result.location = std::string(target) + "/";
            return result;
        }
        fd = open_in_site(root, (relative / "index.html").string(), failure);
        if (!fd || ::fstat(fd.get(), &status) != 0) {
            result.kind = fd ? Resolved::Kind::forbidden : failure;
            return result;
        }
        result.path /= "index.html";
    }
    if (!S_ISREG(status.st_mode)) {
        result.kind = Resolved::Kind::forbidden;
        return result;
    }
    result.kind = Resolved::Kind::file;
    result.file = std::make_shared<const util::UniqueFd>(std::move(fd));
    result.size = static_cast<std::uint64_t>(status.st_size);
    result.modified = std::chrono::system_clock::from_time_t(status.st_mtim.tv_sec);
    if (cache != nullptr) cache->remember(cache_key, result, status.st_dev, status.st_ino);
    return result;
}

std::string content_type_for(const std::filesystem::path& path) {
    static const std::map<std::string, std::string> kTypes{
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".json", "application/json"},
        {".xml", "application/xml"},           {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},               {".gif", "image/gif"},
        {".ico", "image/x-icon"},              {".webp", "image/webp"},
        {".pdf", "application/pdf"},           {".wasm", "application/wasm"},
        {".mp4", "video/mp4"},                 {".woff2", "font/woff2"}};
    auto extension = path.extension().string();
    for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = kTypes.find(extension);
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

}  // namespace emu::http
