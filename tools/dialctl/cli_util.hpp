#pragma once
// dialctl helpers the command files share (defined in api_commands.cpp): printing the API's
// JSON, mapping answers to exit codes, query encoding, CSV chunking for imports.

#include <boost/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tools/dialctl/api_commands.hpp"

namespace dialcore::tools {

std::string cell(const boost::json::value& v);
void print_table(const std::vector<std::string>& columns, const boost::json::array& rows);
void print_object(const boost::json::object& o);
// Maps an answer to an exit status and prints errors on stderr.
int check(const ApiReply& r);
std::string url_encode(const std::string& s);
bool is_id(const std::string& s);
int print_reply(const CliOptions& o, const ApiReply& r, const std::string& resource, bool list);
// The answer's JSON object for a human table, or nullopt with `rc` set: an API error (printed
// on stderr), --json (the document printed as it came: rc 0), or a body that is not an object.
std::optional<boost::json::object> table_object(const CliOptions& o, const ApiReply& r, int& rc);

// Splits CSV text after its header into chunks of whole records (quoted newlines kept).
struct Chunk {
  std::string text;        // header + records
  std::size_t first_line;  // file line of the first record
  std::size_t records;
};
std::vector<Chunk> csv_chunks(const std::string& text, std::size_t per_chunk);
// Appends a chunk's per-row reports to `into` with "line" turned from the chunk's lines (its
// header is line 1) into the file's lines.
void append_rebased(boost::json::array& rows, const Chunk& chunk, boost::json::array& into);
void progress(std::size_t done, std::size_t total);

// Writes `body` to `file` ("" or "-": stdout); false with a message on stderr.
bool write_output(const std::string& file, const std::string& body);

}  // namespace dialcore::tools
