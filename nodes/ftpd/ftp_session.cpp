#include "nodes/ftpd/ftp_session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "nodes/ftpd/ascii_transfer.hpp"
#include "nodes/ftpd/listing.hpp"

namespace emu::ftp {
namespace {

Outcome reply(int code, std::string text) {
    Outcome outcome;
    outcome.replies.push_back(wire::FtpReply{code, {std::move(text)}});
    return outcome;
}

Outcome reply(int code, std::string text, LogLine log) {
    auto outcome = reply(code, std::move(text));
    outcome.log.push_back(std::move(log));
    return outcome;
}

// RFC 959 Appendix II: a path in a 257 reply is quoted, a quote inside it doubled.
std::string quoted_path(const std::string& path) {
    std::string text = "\"";
    for (char c : path) {
        text += c;
        if (c == '"') text += '"';
    }
    return text + "\"";
}

// The verbs RFC 959 §4.1 and RFC 2428, 3659 define that need an argument.
bool needs_argument(const std::string& verb) {
    static const std::array<const char*, 18> kVerbs{"USER", "CWD",  "XCWD", "RETR", "STOR", "APPE", "DELE", "MKD",  "XMKD",
                                                    "RMD",  "XRMD", "RNFR", "RNTO", "SIZE", "MDTM", "REST", "PORT", "EPRT"};
    return std::find(kVerbs.begin(), kVerbs.end(), verb) != kVerbs.end() || verb == "TYPE" || verb == "MODE" ||
           verb == "STRU";
}

bool is_anonymous_name(const std::string& name) {
    auto upper = wire::upper_ascii(name);
    return upper == "ANONYMOUS" || upper == "FTP";
}

// LIST and NLST may carry ls options ("LIST -la", which lftp and others send): they are
// taken off, the rest is the path.
std::string without_list_options(std::string argument) {
    while (!argument.empty() && argument.front() == '-') {
        auto space = argument.find(' ');
        argument = space == std::string::npos ? "" : argument.substr(space + 1);
    }
    return argument;
}

std::string last_part(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string family_hint(const wire::IpAddress& address) {
    return address.is_v4() ? "Network protocol not supported, use (1)" : "Network protocol not supported, use (2)";
}

constexpr int kMaximumFailedLogins = 3;
// SIZE in TYPE A reads the whole file to count its line ends; past this, it is refused.
constexpr std::uint64_t kMaximumAsciiSize = 64 << 20;

}  // namespace

Session::Session(const ServerConfig& config, const FileRoot& files, wire::IpAddress local, wire::IpAddress peer)
    : config_(config), files_(files), local_(local), peer_(peer) {}

wire::FtpReply Session::greeting() const { return {220, {"emu-ftpd ready."}}; }

Outcome Session::on_command(const wire::FtpCommand& command, std::time_t now) {
    const auto& verb = command.verb;
    // RFC 959 §4.1.3: RNTO must come right after RNFR, so any other command forgets RNFR's name.
    auto rename_from = std::exchange(rename_from_, std::nullopt);
    if (verb == "QUIT") {
        auto outcome = reply(221, "Goodbye.");
        outcome.action = CloseControl{};
        return outcome;
    }
    if (needs_argument(verb) && command.argument.empty()) return reply(501, verb + " needs an argument.");
    if (verb == "NOOP") return reply(200, "NOOP ok.");
    if (verb == "SYST") return reply(215, "UNIX Type: L8");
    if (verb == "FEAT") {
        // RFC 2389 §3.2: one feature per line, each after a space.
        Outcome outcome;
        outcome.replies.push_back(wire::FtpReply{
            211, {"Features:", " EPRT", " EPSV", " MDTM", " PASV", " REST STREAM", " SIZE", " TVFS", " UTF8", "End"}});
        return outcome;
    }
    if (verb == "HELP") {
        Outcome outcome;
        outcome.replies.push_back(wire::FtpReply{
            214,
            {"The commands emu-ftpd knows:", " ABOR APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD  MODE NLST NOOP",
             " OPTS PASS PASV PORT PWD  QUIT REST RETR RMD  RNFR RNTO SIZE STAT STOR STRU SYST", " TYPE USER", "Help OK."}});
        return outcome;
    }
    if (verb == "OPTS") {
        // RFC 2640 §3.1: names are UTF-8 already; lftp turns it on when FEAT lists UTF8.
        if (wire::upper_ascii(command.argument) == "UTF8 ON") return reply(200, "UTF8 is always on.");
        return reply(501, "Option not understood.");
    }
    if (verb == "AUTH" || verb == "PBSZ" || verb == "PROT") return reply(502, "No TLS here: emu-ftpd speaks plain FTP.");
    if (verb == "USER") return user_command(command.argument);
    if (verb == "PASS") return pass_command(command.argument);
    if (login_ != Login::logged_in) return reply(530, "Please log in with USER and PASS.");
    if (verb == "RNTO") {
        if (!rename_from) return reply(503, "RNFR first.");
        Outcome refused;
        auto to = path_of(command.argument, refused);
        if (!to) return refused;
        if (auto error = files_.rename(*rename_from, *to)) return file_error(*to, error);
        return reply(250, "Rename successful.", {"ftp.renamed", fmt::format("user={} from={} to={}", user_, *rename_from, *to)});
    }
    return logged_in_command(command, now);
}

Outcome Session::user_command(const std::string& name) {
    // RFC 959 §4.1.1: USER may come at any time and starts a new login.
    login_ = Login::need_password;
    user_ = name;
    may_write_ = false;
    cwd_ = "/";
    if (config_.anonymous && is_anonymous_name(name)) return reply(331, "Anonymous login: send your e-mail address as the password.");
    // The same answer for a name that does not exist: the reply must not tell which names do.
    return reply(331, "Password required for " + name + ".");
}

Outcome Session::pass_command(const std::string& password) {
    if (login_ == Login::logged_in) return reply(230, "Already logged in.");
    if (login_ != Login::need_password) return reply(503, "Log in with USER first.");
    if (config_.anonymous && is_anonymous_name(user_)) {
        login_ = Login::logged_in;
        user_ = "anonymous";
        return reply(230, "Login successful (anonymous, read only).",
                     {"ftp.login", fmt::format("user=anonymous from={} password={}", peer_.to_string(), password)});
    }
    auto account = config_.users.find(user_);
    if (account == config_.users.end() || account->second.password != password) {
        login_ = Login::need_user;
        ++failed_logins_;
        auto outcome = reply(530, "Login incorrect.",
                             {"ftp.login_failed", fmt::format("user={} from={} attempt={}", user_, peer_.to_string(), failed_logins_)});
        user_.clear();
        if (failed_logins_ >= kMaximumFailedLogins) outcome.action = CloseControl{};
        return outcome;
    }
    login_ = Login::logged_in;
    may_write_ = account->second.may_write;
    return reply(230, "Login successful.", {"ftp.login", fmt::format("user={} from={}", user_, peer_.to_string())});
}

Outcome Session::logged_in_command(const wire::FtpCommand& command, std::time_t now) {
    const auto& verb = command.verb;
    const auto& argument = command.argument;
    if (verb == "PWD" || verb == "XPWD") return reply(257, quoted_path(cwd_) + " is the current directory.");
    if (verb == "CWD" || verb == "XCWD") return change_directory(argument);
    if (verb == "CDUP" || verb == "XCUP") return change_directory("..");
    if (verb == "TYPE") {
        // RFC 959 §3.1.1: A (with the default N format) and I; L 8 is I by another name.
        auto type = wire::upper_ascii(argument);
        if (type == "A" || type == "A N") {
            ascii_ = true;
            return reply(200, "Type set to A.");
        }
        if (type == "I" || type == "L 8") {
            ascii_ = false;
            return reply(200, "Type set to I.");
        }
        if (type == "E" || type.starts_with("A ") || type.starts_with("E ") || type.starts_with("L ")) {
            return reply(504, "Type " + argument + " is not supported; use A or I.");
        }
        return reply(501, "Unknown type " + argument + ".");
    }
    if (verb == "MODE" || verb == "STRU") {
        // RFC 959 §5.1: the minimum is MODE S and STRU F; the others are refused.
        auto wanted = wire::upper_ascii(argument);
        const std::string supported = verb == "MODE" ? "S" : "F";
        if (wanted == supported) return reply(200, verb + " set to " + supported + ".");
        if (wanted.size() == 1 && std::string(verb == "MODE" ? "BC" : "RP").find(wanted) != std::string::npos) {
            return reply(504, verb + " " + wanted + " is not supported; use " + supported + ".");
        }
        return reply(501, "Unknown " + verb + " " + argument + ".");
    }
    if (verb == "PASV") return passive(false, argument);
    if (verb == "EPSV") return passive(true, argument);
    if (verb == "PORT") return active(false, argument);
    if (verb == "EPRT") return active(true, argument);
    if (verb == "RETR" || verb == "STOR" || verb == "APPE" || verb == "LIST" || verb == "NLST") return transfer(command, now);
    if (verb == "DELE" || verb == "MKD" || verb == "XMKD" || verb == "RMD" || verb == "XRMD" || verb == "RNFR") {
        return file_command(command);
    }
    if (verb == "SIZE") return size(argument);
    if (verb == "MDTM") return modification_time_of(argument);
    if (verb == "REST") {
        // RFC 3659 §5: a byte offset into the file for the next RETR, STOR or APPE.
        std::uint64_t offset = 0;
        auto [end, error] = std::from_chars(argument.data(), argument.data() + argument.size(), offset);
        if (error != std::errc() || end != argument.data() + argument.size()) return reply(501, "REST takes a byte offset.");
        // RFC 3659 §5.1: in TYPE A the offset would count the line ends as sent, CRLF, not
        // the file's bytes; clients resume in TYPE I.
        if (ascii_ && offset > 0) return reply(504, "REST needs TYPE I: in TYPE A an offset would count converted line ends.");
        restart_offset_ = offset;
        return reply(350, fmt::format("Restarting at {}; send RETR, STOR or APPE.", offset));
    }
    // ABOR with a transfer running is the I/O layer's to act on (it never reaches here).
    if (verb == "ABOR") return reply(225, "No transfer to abort.");
    if (verb == "STAT") return status(argument, now);
    if (verb == "ALLO") return reply(202, "ALLO is not needed.");
    if (verb == "ACCT" || verb == "REIN" || verb == "SMNT" || verb == "STOU" || verb == "SITE") {
        return reply(502, verb + " is not implemented.");
    }
    return reply(500, "Unknown command " + verb + ".");
}

Outcome Session::change_directory(const std::string& argument) {
    Outcome refused;
    auto path = path_of(argument, refused);
    if (!path) return refused;
    auto found = files_.status(*path);
    if (!found) return file_error(*path, found.error());
    if (!S_ISDIR(found->st_mode)) return reply(550, *path + ": not a directory.");
    cwd_ = *path;
    return reply(250, "Directory changed to " + cwd_ + ".");
}

Outcome Session::passive(bool extended, const std::string& argument) {
    if (extended) {
        auto wanted = wire::upper_ascii(argument);
        if (wanted == "ALL") {
            extended_only_ = true;
            return reply(200, "EPSV ALL ok: only EPSV sets up data connections now.");
        }
        // RFC 2428 §3: an argument names the protocol family the client wants.
        if (!wanted.empty() && wanted != (local_.is_v4() ? "1" : "2")) {
            if (wanted == "1" || wanted == "2") return reply(522, family_hint(local_));
            return reply(501, "EPSV takes 1, 2 or ALL.");
        }
    } else {
        if (extended_only_) return reply(501, "Only EPSV after EPSV ALL (RFC 2428 section 4).");
        if (!local_.is_v4()) return reply(522, "PASV names an IPv4 address; use EPSV.");
    }
    passive_extended_ = extended;
    Outcome outcome;
    outcome.action = OpenPassive{};
    return outcome;
}

Outcome Session::on_passive_opened(std::uint16_t port) {
    data_ = DataSetup::passive;
    passive_port_ = port;
    if (passive_extended_) return reply(229, wire::write_epsv_reply_text(port));
    return reply(227, "Entering Passive Mode (" + wire::write_ftp_host_port({local_, port}) + ").");
}

Outcome Session::on_passive_failed(const std::string& why) {
    data_ = DataSetup::none;
    return reply(425, "Cannot open a passive data connection.", {"ftp.passive_failed", fmt::format("user={}: {}", user_, why)});
}

Outcome Session::active(bool extended, const std::string& argument) {
    if (extended_only_) return reply(501, "Only EPSV after EPSV ALL (RFC 2428 section 4).");
    auto endpoint = extended ? wire::parse_eprt(argument) : wire::parse_ftp_host_port(argument);
    if (!endpoint) {
        // RFC 2428 §2: an unknown family gets 522 and the ones the server takes.
        if (extended && argument.size() > 2 && argument[2] == argument[0] && argument[1] != '1' && argument[1] != '2') {
            return reply(522, family_hint(peer_));
        }
        return reply(501, "Syntax error in " + std::string(extended ? "EPRT" : "PORT") + "'s argument.");
    }
    if (endpoint->address.is_v4() != peer_.is_v4()) return reply(522, family_hint(peer_));
    // RFC 2577 §3: a data connection only to the client itself, and not to a privileged port,
    // or the server becomes the client's tool against a third host (the FTP bounce attack).
    if (endpoint->address != peer_ || endpoint->port < 1024) {
        data_ = DataSetup::none;
        return reply(500, "Illegal " + std::string(extended ? "EPRT" : "PORT") +
                              ": a data connection goes only to your own address, on a port from 1024.",
                     {"ftp.bounce_refused", fmt::format("user={} from={} asked={}:{}", user_, peer_.to_string(),
                                                        endpoint->address.to_string(), endpoint->port)});
    }
    data_ = DataSetup::active;
    active_endpoint_ = *endpoint;
    return reply(200, std::string(extended ? "EPRT" : "PORT") + " command successful.");
}

Outcome Session::transfer(const wire::FtpCommand& command, std::time_t now) {
    if (data_ == DataSetup::none) return reply(425, "Use PORT, PASV, EPRT or EPSV first.");
    if (command.verb == "RETR") return download(command.argument);
    if (command.verb == "STOR" || command.verb == "APPE") return upload(command.verb, command.argument);
    return listing(command, now);
}

Outcome Session::download(const std::string& argument) {
    Outcome refused;
    auto path = path_of(argument, refused);
    if (!path) return refused;
    auto file = regular_file(*path, refused);
    if (!file) return refused;
    auto size = static_cast<std::uint64_t>(file->second.st_size);
    if (restart_offset_ > size) {
        restart_offset_ = 0;
        return reply(554, fmt::format("REST offset is past the end of {} ({} bytes).", *path, size));
    }
    DataTransfer data;
    data.direction = DataTransfer::Direction::send;
    data.ascii = ascii_;
    data.offset = restart_offset_;
    data.file = std::move(file->first);
    data.opening = {150, {fmt::format("Opening {} mode data connection for {} ({} bytes).", ascii_ ? "ASCII" : "BINARY",
                                      *path, size)}};
    return begin(std::move(data), Transfer{"RETR", *path, std::nullopt});
}

Outcome Session::upload(const std::string& verb, const std::string& argument) {
    Outcome refused;
    auto path = path_of(argument, refused);
    if (!path) return refused;
    if (!may_write_) {
        return reply(550, "Permission denied: " + user_ + " may not write.",
                     {"ftp.write_refused", fmt::format("user={} {} {}", user_, verb, *path)});
    }
    std::uint64_t existing = 0;
    auto found = files_.status(*path);
    if (found) {
        if (!S_ISREG(found->st_mode)) return reply(553, *path + ": not a regular file.");
        existing = static_cast<std::uint64_t>(found->st_size);
    } else if (found.error() != std::errc::no_such_file_or_directory) {
        return file_error(*path, found.error(), 553);
    }
    // APPE keeps the whole file; STOR after REST keeps its first REST bytes (RFC 3659 §5.5).
    std::uint64_t keep = verb == "APPE" ? existing : restart_offset_;
    if (keep > existing) {
        restart_offset_ = 0;
        return reply(554, fmt::format("REST offset is past the end of {} ({} bytes).", *path, existing));
    }
    auto upload = files_.begin_upload(*path, keep);
    if (!upload) return file_error(*path, upload.error(), 553);
    DataTransfer data;
    data.direction = DataTransfer::Direction::receive;
    data.ascii = ascii_;
    data.upload_fd = upload->fd();
    data.opening = {150, {"Ok to send data."}};
    return begin(std::move(data), Transfer{verb, *path, std::move(*upload)});
}

Outcome Session::listing(const wire::FtpCommand& command, std::time_t now) {
    auto argument = without_list_options(command.argument);
    std::string path = cwd_;
    if (!argument.empty()) {
        Outcome refused;
        auto resolved = path_of(argument, refused);
        if (!resolved) return refused;
        path = *resolved;
    }
    std::error_code error;
    auto text = listing_text(path, command.verb == "NLST", now, error);
    if (error) return file_error(path, error);
    DataTransfer data;
    data.direction = DataTransfer::Direction::send;
    data.listing = std::move(text);  // CRLF line ends already, whatever the TYPE
    data.opening = {150, {"Here comes the directory listing."}};
    return begin(std::move(data), Transfer{command.verb, path, std::nullopt});
}

std::string Session::listing_text(const std::string& path, bool names_only, std::time_t now, std::error_code& error) const {
    auto found = files_.status(path);
    if (!found) {
        error = found.error();
        return {};
    }
    std::vector<FileRoot::Entry> entries;
    if (S_ISDIR(found->st_mode)) {
        auto listed = files_.list(path);
        if (!listed) {
            error = listed.error();
            return {};
        }
        entries = std::move(*listed);
    } else {
        entries.push_back({last_part(path), *found});
    }
    std::string text;
    for (const auto& entry : entries) {
        text += names_only ? entry.name : list_line(entry, now);
        text += "\r\n";
    }
    return text;
}

Outcome Session::begin(DataTransfer data, Transfer kept) {
    if (data_ == DataSetup::active) data.connect_to = active_endpoint_;
    // RFC 959 §3.2: each transfer has its own data connection; the next needs a new PORT or PASV.
    data_ = DataSetup::none;
    restart_offset_ = 0;
    transfer_ = std::move(kept);
    Outcome outcome;
    outcome.action = std::move(data);
    return outcome;
}

Outcome Session::on_transfer_end(TransferEnd end, std::uint64_t bytes) {
    if (!transfer_) return {};
    auto done = std::move(*transfer_);
    transfer_.reset();
    auto what = fmt::format("user={} {} {} bytes={}", user_, done.verb, done.path, bytes);
    switch (end) {
    case TransferEnd::done:
        if (done.upload) {
            // The 226 only once the file is durable under its name.
            if (auto error = done.upload->commit()) {
                return reply(451, "Could not store " + done.path + ": " + error.message() + ".",
                             {"ftp.store_failed", what + " error=" + error.message()});
            }
        }
        return reply(226, fmt::format("Transfer complete ({} bytes).", bytes), {"ftp.transfer", what});
    case TransferEnd::no_connection:
        return reply(425, "Could not open the data connection.", {"ftp.data_failed", what});
    case TransferEnd::connection_lost:
        return reply(426, "Data connection lost; transfer aborted.", {"ftp.transfer_lost", what});
    case TransferEnd::aborted: {
        // RFC 959 §4.1.3 (ABOR): 426 for the transfer cut short, then 226 for the ABOR.
        auto outcome = reply(426, "Transfer aborted.", {"ftp.aborted", what});
        outcome.replies.push_back({226, {"ABOR successful."}});
        return outcome;
    }
    case TransferEnd::local_error:
        return reply(451, "Local error while moving " + done.path + ".", {"ftp.local_error", what});
    }
    return {};
}

Outcome Session::file_command(const wire::FtpCommand& command) {
    const auto& verb = command.verb;
    Outcome refused;
    auto path = path_of(command.argument, refused);
    if (!path) return refused;
    if (!may_write_) {
        return reply(550, "Permission denied: " + user_ + " may not write.",
                     {"ftp.write_refused", fmt::format("user={} {} {}", user_, verb, *path)});
    }
    auto log = [&](const char* event) { return LogLine{event, fmt::format("user={} path={}", user_, *path)}; };
    if (verb == "DELE") {
        if (auto error = files_.remove_file(*path)) return file_error(*path, error);
        return reply(250, "Deleted " + *path + ".", log("ftp.deleted"));
    }
    if (verb == "MKD" || verb == "XMKD") {
        if (auto error = files_.make_directory(*path)) return file_error(*path, error);
        return reply(257, quoted_path(*path) + " created.", log("ftp.made_directory"));
    }
    if (verb == "RMD" || verb == "XRMD") {
        if (auto error = files_.remove_directory(*path)) return file_error(*path, error);
        return reply(250, "Removed " + *path + ".", log("ftp.removed_directory"));
    }
    // RNFR: the name must exist; RNTO must follow at once.
    auto found = files_.status(*path);
    if (!found) return file_error(*path, found.error());
    rename_from_ = *path;
    return reply(350, "Ready for RNTO.");
}

Outcome Session::size(const std::string& argument) {
    Outcome refused;
    auto path = path_of(argument, refused);
    if (!path) return refused;
    auto file = regular_file(*path, refused);
    if (!file) return refused;
    auto bytes = static_cast<std::uint64_t>(file->second.st_size);
    if (!ascii_) return reply(213, std::to_string(bytes));
    // RFC 3659 §4: the size as it would be transferred in the current TYPE, so in TYPE A
    // every LF that becomes CRLF counts twice.
    if (bytes > kMaximumAsciiSize) return reply(550, "SIZE in TYPE A is counted only for files up to 64 MiB; use TYPE I.");
    AsciiToNetwork counter;
    std::uint64_t converted = 0;
    std::array<char, 64 * 1024> chunk{};
    off_t offset = 0;
    while (true) {
        auto n = ::pread(file->first.get(), chunk.data(), chunk.size(), offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return file_error(*path, {errno, std::generic_category()});
        if (n == 0) break;
        converted += counter.converted_size({chunk.data(), static_cast<std::size_t>(n)});
        offset += n;
    }
    return reply(213, std::to_string(converted));
}

Outcome Session::modification_time_of(const std::string& argument) {
    Outcome refused;
    auto path = path_of(argument, refused);
    if (!path) return refused;
    auto found = files_.status(*path);
    if (!found) return file_error(*path, found.error());
    if (!S_ISREG(found->st_mode)) return reply(550, *path + ": not a regular file.");
    return reply(213, modification_time(*found));
}

Outcome Session::status(const std::string& argument, std::time_t now) {
    if (argument.empty()) {
        std::string data = "none";
        if (data_ == DataSetup::passive) data = fmt::format("passive, listening on port {}", passive_port_);
        if (data_ == DataSetup::active) {
            data = fmt::format("active, to {}:{}", active_endpoint_.address.to_string(), active_endpoint_.port);
        }
        Outcome outcome;
        outcome.replies.push_back(wire::FtpReply{
            211,
            {"emu-ftpd status:", " Connected from " + peer_.to_string(), " Logged in as " + user_,
             std::string(" TYPE: ") + (ascii_ ? "ASCII" : "BINARY") + ", MODE: Stream, STRU: File",
             " Current directory: " + cwd_, " Data connection: " + data, "End of status."}});
        return outcome;
    }
    // RFC 959 §4.1.3: STAT with a path is LIST's answer over the control connection.
    Outcome refused;
    auto path = path_of(without_list_options(argument), refused);
    if (!path) return refused;
    std::error_code error;
    auto text = listing_text(*path, false, now, error);
    if (error) return file_error(*path, error);
    wire::FtpReply listing{213, {"Status of " + *path + ":"}};
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\r\n", start);
        listing.lines.push_back(text.substr(start, end - start));
        start = end + 2;
    }
    listing.lines.push_back("End of status.");
    Outcome outcome;
    outcome.replies.push_back(std::move(listing));
    return outcome;
}

std::optional<std::string> Session::path_of(const std::string& argument, Outcome& refused) {
    auto path = FileRoot::resolve(cwd_, argument);
    if (!path) {
        refused = reply(550, "Permission denied: " + argument + " leads out of your files.",
                        {"ftp.path_refused", fmt::format("user={} cwd={} path={}", user_, cwd_, argument)});
    }
    return path;
}

std::optional<std::pair<util::UniqueFd, struct stat>> Session::regular_file(const std::string& path, Outcome& failure) {
    // O_NONBLOCK: opening a FIFO someone left in the tree must not hang the server.
    auto file = files_.open_at(path, O_RDONLY | O_NONBLOCK);
    if (!file) {
        failure = file_error(path, file.error());
        return std::nullopt;
    }
    struct stat found {};
    if (::fstat(file->get(), &found) != 0) {
        failure = file_error(path, {errno, std::generic_category()});
        return std::nullopt;
    }
    if (!S_ISREG(found.st_mode)) {
        failure = reply(550, path + ": not a regular file.");
        return std::nullopt;
    }
    return std::pair{std::move(*file), found};
}

Outcome Session::file_error(const std::string& path, std::error_code error, int code) {
    // EXDEV: openat2's RESOLVE_BENEATH refused a symlink leading out of the root.
    if (error == std::errc::cross_device_link) {
        return reply(550, "Permission denied: " + path + " leads out of your files.",
                     {"ftp.path_refused", fmt::format("user={} path={} (a link out of the root)", user_, path)});
    }
    if (error == std::errc::no_such_file_or_directory) return reply(code, path + ": no such file or directory.");
    if (error == std::errc::permission_denied || error == std::errc::operation_not_permitted) {
        return reply(code, path + ": permission denied.");
    }
    return reply(code, path + ": " + error.message() + ".");
}

Outcome Session::on_malformed(const std::string& why, bool fatal) {
    auto outcome = reply(500, "Syntax error: " + why + ".");
    if (fatal) {
        outcome.action = CloseControl{};
        outcome.log.push_back({"ftp.line_refused", fmt::format("user={} from={}: {}", user_, peer_.to_string(), why)});
    }
    return outcome;
}

Outcome Session::on_idle_timeout() {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(config_.idle_timeout).count();
    auto outcome = reply(421, fmt::format("No command for {} s; closing the connection.", seconds),
                         {"ftp.idle_timeout", fmt::format("user={} from={}", user_, peer_.to_string())});
    outcome.action = CloseControl{};
    return outcome;
}

}  // namespace emu::ftp
