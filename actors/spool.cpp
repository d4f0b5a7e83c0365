#include "actors/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace salon::actors {
namespace {

// FNV-1a: enough to tell a torn or garbled line from an intact one.
std::uint32_t checksum(std::string_view text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string frame(std::string_view record) {
  char header[32];
  int n = std::snprintf(header, sizeof header, "%zu %08x ", record.size(), checksum(record));
  std::string line(header, static_cast<std::size_t>(n));
  line.append(record);
  line.push_back('\n');
  return line;
}

std::string frames(const std::vector<std::string>& records) {
  std::string data;
  for (const auto& record : records) data += frame(record);
  return data;
}

void write_all(int fd, const std::string& data) {
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "spool write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw std::system_error(errno, std::generic_category(), "spool fsync");
}

// Writes `data` (fsynced) to a new file that then replaces `path`, so a crash leaves either the
// old file or the new one.
void replace_file(const std::filesystem::path& path, const std::string& data) {
  std::filesystem::path next = path;
  next += ".next";
  int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + next.string());
  try {
    write_all(fd, data);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  std::filesystem::rename(next, path);
}

}  // namespace

spool::spool(const std::filesystem::path& directory, const std::string& file_name)
    : path_(directory / file_name), head_path_(path_.string() + ".head") {
  std::filesystem::create_directories(directory);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path_.string());
  const auto size = static_cast<std::uint64_t>(std::filesystem::file_size(path_));
  // A line torn by a crash would swallow the next record appended after it: end it first.
  if (size > 0) {
    char last = '\n';
    if (::pread(fd_, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') {
      write_all(fd_, "\n");
    }
  }
  std::ifstream head_file(head_path_);
  std::uint64_t head = 0;
  if (head_file >> head && head <= size) head_ = head;
  std::vector<std::string> held;
  scan(head_, 0, &held);
  depth_ = held.size();
}

spool::~spool() {
  if (fd_ >= 0) ::close(fd_);
}

void spool::append(std::string_view record) {
  write_all(fd_, frame(record));
  ++depth_;
}

void spool::append(const std::vector<std::string>& records) {
  write_all(fd_, frames(records));
  depth_ += records.size();
}

std::uint64_t spool::scan(std::uint64_t from, std::size_t count,
                          std::vector<std::string>* out) const {
  std::ifstream in(path_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::uint64_t offset = from;
  std::size_t found = 0;
  std::string line;
  while ((count == 0 || found < count) && std::getline(in, line)) {
    // A line without its newline is a torn write still at the end: it is not a record yet.
    if (in.eof()) break;
    offset += line.size() + 1;
    std::size_t size = 0;
    unsigned int sum = 0;
    int skip = 0;
    if (std::sscanf(line.c_str(), "%zu %8x %n", &size, &sum, &skip) < 2 || skip <= 0) continue;
    std::string_view record = std::string_view(line).substr(static_cast<std::size_t>(skip));
    if (record.size() != size || checksum(record) != sum) continue;
    ++found;
    if (out) out->emplace_back(record);
  }
  return offset;
}

std::vector<std::string> spool::read_all() const {
  std::vector<std::string> records;
  scan(head_, 0, &records);
  return records;
}

std::vector<std::string> spool::read_first(std::size_t count) const {
  std::vector<std::string> records;
  if (count > 0) scan(head_, count, &records);
  return records;
}

void spool::clear() {
  if (::ftruncate(fd_, 0) != 0) {
    throw std::system_error(errno, std::generic_category(), "spool truncate");
  }
  ::fsync(fd_);
  std::filesystem::remove(head_path_);
  head_ = 0;
  depth_ = 0;
}

void spool::remove_first(std::size_t count) {
  if (count >= depth_) {
    clear();
    return;
  }
  save_head(scan(head_, count, nullptr));
  depth_ -= count;
  // Replayed records stay in the file until it is emptied; a spool that never empties (the
  // database keeps failing part of the time) is rewritten once most of it is replayed.
  constexpr std::uint64_t compact_after = 16u * 1024 * 1024;
  if (head_ > compact_after && head_ * 2 > std::filesystem::file_size(path_)) compact();
}

void spool::save_head(std::uint64_t head) {
  replace_file(head_path_, std::to_string(head) + "\n");
  head_ = head;
}

// Rewrites the records still held into a new file that replaces the old one.
void spool::compact() {
  std::vector<std::string> held;
  scan(head_, 0, &held);
  // The head goes first: a crash between the two steps replays the old file from its start
  // again (every write is idempotent), where the other order could skip records of the new one.
  std::filesystem::remove(head_path_);
  replace_file(path_, frames(held));
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "reopen " + path_.string());
  head_ = 0;
  depth_ = held.size();
}

}  // namespace salon::actors
