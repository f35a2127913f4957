#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <tl/expected.hpp>

#include "lib/util/unique_fd.hpp"

namespace emu::mail {

/// One mailbox kept as a Maildir (tmp/, new/, cur/: the layout qmail introduced and Postfix,
/// Dovecot and mutt read), written so that a message is either there whole or not at all:
/// it is written under tmp/, made durable, and only then renamed into new/ — so `deliver`
/// returning is the moment the server may say 250, and a crash before it leaves at most a
/// file in tmp/, which `open` clears away.
class Maildir {
public:
    /// A message in the box: its unique name (POP3's UIDL), its size in bytes as stored
    /// (CRLF line ends, as it came over SMTP, so RFC 1939's octet counts hold) and its file.
    struct Message {
        std::string unique;
        std::uint64_t size = 0;
        std::filesystem::path path;
    };

    /// Opens the Maildir at `directory`, making it (and tmp/, new/, cur/) if missing, and
    /// removes what deliveries cut short left in tmp/. `host` goes into unique names.
    static tl::expected<Maildir, std::error_code> open(const std::filesystem::path& directory, std::string host);

    /// Stores `message` durably (the file and the directory entry fsync'd); its unique name.
    tl::expected<std::string, std::error_code> deliver(std::string_view message);

    /// Every message in new/ and cur/, oldest delivery first.
    tl::expected<std::vector<Message>, std::error_code> messages() const;

    /// A message's bytes.
    tl::expected<std::string, std::error_code> read(const Message& message) const;

    /// Removes a message for good (the directory fsync'd).
    std::error_code remove(const Message& message) const;

    const std::filesystem::path& directory() const { return directory_; }

private:
    Maildir(std::filesystem::path directory, std::string host) : directory_(std::move(directory)), host_(std::move(host)) {}
    std::string unique_name();

    std::filesystem::path directory_;
    util::UniqueFd tmp_;
    util::UniqueFd new_;
    std::string host_;
    std::uint64_t deliveries_ = 0;
};

}  // namespace emu::mail
