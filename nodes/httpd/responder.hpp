#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/util/unique_fd.hpp"
#include "lib/wire/http.hpp"
#include "nodes/httpd/site.hpp"

namespace emu::http {

/// What to send for one request: the head, then a small body or a file's bytes.
struct ResponsePlan {
    wire::HttpResponseHead head;
    std::string body;                          ///< for errors and redirects
    std::shared_ptr<const util::UniqueFd> file;  ///< the file to send after the head (not for HEAD)
    std::uint64_t file_size = 0;  ///< its size when it was opened: what Content-Length promised
    bool close = false;  ///< close the connection once it is sent
};

/// emu-httpd's answers (RFC 9110, RFC 9112) for a static site: GET and HEAD of files under
/// the root, with Content-Type, Content-Length, `Accept-Ranges: none` (a Range gets the
/// whole file), Last-Modified and a 304 for an If-Modified-Since that is not older (nor
/// later than now); 301 to a directory's slash; 404, 403, 405 with Allow; keep-alive as the
/// version and Connection say; the answer before the content to a client that expects 100
/// Continue. Reads the file system, nothing else.
class Responder {
public:
    /// `root` must be an existing directory; throws std::invalid_argument otherwise.
    explicit Responder(const std::filesystem::path& root) : root_(root) {}

    ResponsePlan respond(const wire::HttpRequestHead& request, std::chrono::system_clock::time_point now) const;
    /// For a request that awaits `100 Continue` before it sends its content (RFC 9110
    /// §10.1.1): nullopt when the content is to be read, the server to send 100 Continue
    /// first; else the final answer, decided from the head alone (any but a 2xx: the
    /// content, which is dropped, cannot change it), to send at once and then close.
    std::optional<ResponsePlan> answer_before_content(const wire::HttpRequestHead& request,
                                                      std::chrono::system_clock::time_point now) const;
    /// An error the connection layer found (a head that does not parse, a timeout, a body too
    /// large): the status with a short page; the connection closes after it.
    ResponsePlan error(int status, std::string_view why, std::chrono::system_clock::time_point now) const;

    const std::filesystem::path& root() const { return root_.path(); }

private:
    ResponsePlan page(int status, std::string_view why, bool close, std::chrono::system_clock::time_point now) const;

    SiteRoot root_;
    mutable OpenFileCache open_files_;  // answering does not change what is answered
};

/// Whether the connection stays open after answering this request (RFC 9112 §9.3).
bool keeps_alive(const wire::HttpRequestHead& request);

}  // namespace emu::http
