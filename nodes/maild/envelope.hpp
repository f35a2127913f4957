#pragma once

#include <string>
#include <vector>

namespace emu::mail {

/// Who a message is from and for, as SMTP carries it apart from the message (RFC 5321 §2.3.1).
struct Envelope {
    std::string from;             ///< "" for the null reverse path (a bounce)
    std::vector<std::string> to;  ///< at least one
    bool operator==(const Envelope&) const = default;
};

}  // namespace emu::mail
