#pragma once

#include <string>
#include <vector>

namespace emu::cli {

/// A plain text table: a header row, then rows, columns padded to the widest cell.
class Table {
public:
    explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    std::string render() const;

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace emu::cli
