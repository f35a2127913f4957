#pragma once

#include <sys/stat.h>

#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lib/util/unique_fd.hpp"
#include "lib/wire/ftp.hpp"
#include "nodes/common/log_line.hpp"
#include "nodes/ftpd/file_root.hpp"
#include "nodes/ftpd/server_config.hpp"

namespace emu::ftp {

/// Asks the I/O layer for a passive listener (PASV, EPSV) on a port of the configured range,
/// on the control connection's own address; it answers with on_passive_opened or
/// on_passive_failed.
struct OpenPassive {};

/// Asks the I/O layer to move one file's or listing's bytes over a data connection: to make
/// it (accept on the passive listener from the control connection's peer, or connect to
/// `connect_to` from port 20), send `opening` (the 150), move the bytes and then report how
/// it ended with on_transfer_end.
struct DataTransfer {
    enum class Direction { send, receive };
    Direction direction = Direction::send;
    std::optional<wire::FtpEndpoint> connect_to;  ///< active mode; nullopt: passive
    wire::FtpReply opening;
    bool ascii = false;  ///< TYPE A: line ends converted (ascii_transfer.hpp)
    /// send: the listing's bytes, or else `file` from `offset` to its end
    std::string listing;
    util::UniqueFd file;
    std::uint64_t offset = 0;
    /// receive: where the bytes go (the session keeps the upload and commits it at the end)
    int upload_fd = -1;
};

/// Ends the control connection once the replies are sent.
struct CloseControl {};

using node::LogLine;

/// What a command (or an I/O event) comes to: replies to send in order, then an action.
struct Outcome {
    std::vector<wire::FtpReply> replies;
    std::variant<std::monostate, OpenPassive, DataTransfer, CloseControl> action;
    std::vector<LogLine> log;
};

/// How a data transfer the session asked for ended, as the I/O layer saw it.
enum class TransferEnd {
    done,             ///< every byte moved and the data connection closed cleanly
    no_connection,    ///< the data connection could not be made (425)
    connection_lost,  ///< it broke, or stalled past the data timeout, before the end (426)
    aborted,          ///< the client sent ABOR (426, then 226 for the ABOR)
    local_error,      ///< reading or writing the file failed (451)
};

/// One control connection's protocol engine (RFC 959, RFC 2428, RFC 3659 §4–5): commands in,
/// replies and actions out. It keeps the login, the current directory, TYPE, the data
/// connection set up by PASV/EPSV/PORT/EPRT, REST's offset and RNFR's name, and does the
/// file operations through its FileRoot, so that no path leaves the root; sockets and timers
/// are the I/O layer's (session_loop.hpp).
class Session {
public:
    Session(const ServerConfig& config, const FileRoot& files, wire::IpAddress local, wire::IpAddress peer);

    wire::FtpReply greeting() const;
    /// A command; `now` dates LIST's lines.
    Outcome on_command(const wire::FtpCommand& command, std::time_t now);
    /// A line the codec refused; `fatal` (a line over the limit): the connection ends.
    Outcome on_malformed(const std::string& why, bool fatal);
    Outcome on_passive_opened(std::uint16_t port);
    Outcome on_passive_failed(const std::string& why);
    /// `bytes` moved over the data connection.
    Outcome on_transfer_end(TransferEnd end, std::uint64_t bytes);
    /// The control connection was quiet for the idle timeout (421, RFC 959 §4.2).
    Outcome on_idle_timeout();

    bool transferring() const { return transfer_.has_value(); }
    const std::string& user() const { return user_; }

private:
    enum class Login { need_user, need_password, logged_in };
    enum class DataSetup { none, passive, active };
    struct Transfer {
        std::string verb;
        std::string path;
        std::optional<FileRoot::Upload> upload;
    };

    Outcome before_login(const wire::FtpCommand& command);
    Outcome user_command(const std::string& name);
    Outcome pass_command(const std::string& password);
    Outcome logged_in_command(const wire::FtpCommand& command, std::time_t now);
    Outcome passive(bool extended, const std::string& argument);
    Outcome active(bool extended, const std::string& argument);
    Outcome transfer(const wire::FtpCommand& command, std::time_t now);
    Outcome download(const std::string& path);
    Outcome upload(const std::string& verb, const std::string& path);
    Outcome listing(const wire::FtpCommand& command, std::time_t now);
    Outcome change_directory(const std::string& argument);
    Outcome file_command(const wire::FtpCommand& command);
    Outcome size(const std::string& argument);
    Outcome modification_time_of(const std::string& argument);
    Outcome status(const std::string& argument, std::time_t now);

    /// The virtual path a client's argument names, or nullopt with `refused` filled (a climb
    /// above the root: refused and logged).
    std::optional<std::string> path_of(const std::string& argument, Outcome& refused);
    /// The regular file at `path`, open, and its status; nullopt with `failure` filled when
    /// it cannot be opened or is not a regular file (550).
    std::optional<std::pair<util::UniqueFd, struct stat>> regular_file(const std::string& path, Outcome& failure);
    /// The reply and log line for a file operation's error on `path`.
    Outcome file_error(const std::string& path, std::error_code error, int code = 550);
    Outcome begin(DataTransfer transfer, Transfer kept);
    std::string listing_text(const std::string& path, bool names_only, std::time_t now, std::error_code& error) const;

    const ServerConfig& config_;
    const FileRoot& files_;
    wire::IpAddress local_;
    wire::IpAddress peer_;
    Login login_ = Login::need_user;
    std::string user_;
    bool may_write_ = false;
    int failed_logins_ = 0;
    std::string cwd_ = "/";
    bool ascii_ = true;  ///< RFC 959 §3.1.1: TYPE A is the default
    DataSetup data_ = DataSetup::none;
    bool passive_extended_ = false;  ///< the listener asked for is EPSV's (229), not PASV's (227)
    std::uint16_t passive_port_ = 0;
    wire::FtpEndpoint active_endpoint_;
    bool extended_only_ = false;  ///< after EPSV ALL (RFC 2428 §4)
    std::uint64_t restart_offset_ = 0;
    std::optional<std::string> rename_from_;
    std::optional<Transfer> transfer_;
};

}  // namespace emu::ftp
