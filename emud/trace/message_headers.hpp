#pragma once

#include <string>
#include <string_view>

namespace emu::trace {

/// What a mail message's header says about it (RFC 5322 §3.6), for a trace line.
struct MessageHeaders {
    std::string from;
    std::string to;
    std::string subject;
};

/// The From, To and Subject fields of the header at the start of `message` (up to the first
/// empty line; a folded field's continuation lines joined, §2.2.3). Missing ones are "".
/// `message` may be only the message's start: a field cut short is taken as far as it goes.
MessageHeaders message_headers(std::string_view message);

/// "Subject: notes, from alice@a.example" style words for a summary; "" when there are none.
std::string describe_headers(const MessageHeaders& headers);

}  // namespace emu::trace
