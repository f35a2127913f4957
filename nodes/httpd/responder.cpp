#include "nodes/httpd/responder.hpp"

#include <fmt/format.h>

#include "lib/util/xml.hpp"
#include "lib/wire/http_date.hpp"
#include "nodes/httpd/site.hpp"

namespace emu::http {
bool keeps_alive(const wire::HttpRequestHead& request) {
    if (request.fields.has_token("Connection", "close")) return false;
    if (request.version.major == 1 && request.version.minor == 0) return request.fields.has_token("Connection", "keep-alive");
    return true;
}

ResponsePlan Responder::page(int status, std::string_view why, bool close, std::chrono::system_clock::time_point now) const {
    ResponsePlan plan;
    plan.close = close;
    plan.head.status = status;
    plan.head.reason = std::string(wire::http_reason(status));
    plan.body = fmt::format("<!doctype html>\n<title>{0} {1}</title>\n<h1>{0} {1}</h1>\n<p>{2}</p>\n", status,
                            plan.head.reason, util::xml_escape(why));
    plan.head.fields.add("Date", wire::http_date(now));
    plan.head.fields.add("Server", "emu-httpd");
    plan.head.fields.add("Content-Type", "text/html; charset=utf-8");
    plan.head.fields.add("Content-Length", std::to_string(plan.body.size()));
    if (close) plan.head.fields.add("Connection", "close");
    return plan;
}

ResponsePlan Responder::error(int status, std::string_view why, std::chrono::system_clock::time_point now) const {
    return page(status, why, true, now);
}

std::optional<ResponsePlan> Responder::answer_before_content(const wire::HttpRequestHead& request,
                                                             std::chrono::system_clock::time_point now) const {
    auto plan = respond(request, now);
    if (plan.head.status / 100 == 2) return std::nullopt;
    // RFC 9110 §10.1.1: a server that answers before the content says whether it goes on
    // reading; this one does not, and closes (the client, told no, will not send it).
    plan.close = true;
    plan.head.fields.set("Connection", "close");
    return plan;
}

ResponsePlan Responder::respond(const wire::HttpRequestHead& request, std::chrono::system_clock::time_point now) const {
    bool close = !keeps_alive(request);
    auto finish = [&](ResponsePlan plan) {
        // An HTTP/1.0 client that asked to keep the connection is told it is kept (RFC 9112 §9.3).
        if (!close && request.version.minor == 0) plan.head.fields.add("Connection", "keep-alive");
        return plan;
    };
    bool head_only = request.method == "HEAD";
    if (request.method != "GET" && !head_only) {
        auto plan = page(405, request.method + " is not served here: only GET and HEAD", close, now);
        plan.head.fields.add("Allow", "GET, HEAD");  // RFC 9110 §15.5.6: a 405 says what is
        return finish(std::move(plan));
    }
    auto resolved = resolve_target(root_, request.target, &open_files_);
    switch (resolved.kind) {
        case Resolved::Kind::bad:
            return finish(page(400, "the request target is not a path", close, now));
        case Resolved::Kind::not_found:
            return finish(page(404, request.target + " is not here", close, now));
        case Resolved::Kind::forbidden:
            return finish(page(403, "that path leads outside the site", close, now));
        case Resolved::Kind::redirect: {
            auto plan = page(301, "the directory is at " + resolved.location, close, now);
            plan.head.fields.add("Location", resolved.location);
            return finish(std::move(plan));
        }
        case Resolved::Kind::file:
            break;
    }
    auto modified_at = resolved.modified;
    ResponsePlan plan;
    plan.close = close;
    plan.head.fields.add("Date", wire::http_date(now));
    plan.head.fields.add("Server", "emu-httpd");
    plan.head.fields.add("Last-Modified", wire::http_date(modified_at));
    // RFC 9110 §13.1.3: not modified since the client's copy (dates have whole seconds). Not
    // a date, more than one, or a date later than now is ignored: the client's clock cannot
    // vouch for a copy from the future.
    if (request.fields.count("If-Modified-Since") == 1) {
        auto when = wire::parse_http_date(request.fields.find("If-Modified-Since")->value, now);
        if (when && *when <= now && modified_at <= *when) {
            plan.head.status = 304;
            plan.head.reason = std::string(wire::http_reason(304));
            return finish(std::move(plan));
        }
    }
    plan.head.status = 200;
    plan.head.reason = "OK";
    plan.head.fields.add("Content-Type", content_type_for(resolved.path));
    plan.head.fields.add("Content-Length", std::to_string(resolved.size));
    // RFC 9110 §14.3: a Range is answered with the whole file (§14.2 lets a server ignore
    // it), and this says so, that a client need not ask for parts.
    plan.head.fields.add("Accept-Ranges", "none");
    if (!head_only) {
        plan.file = std::move(resolved.file);
        plan.file_size = resolved.size;
    }
    return finish(std::move(plan));
}

}  // namespace emu::http
