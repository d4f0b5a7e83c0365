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

}  // namespace

spool::spool(const std::filesystem::path& directory, const std::string& file_name)
    : path_(directory / file_name) {
  std::filesystem::create_directories(directory);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path_.string());
  depth_ = read_all().size();
}

spool::~spool() {
  if (fd_ >= 0) ::close(fd_);
}

void spool::append(std::string_view record) {
  write_all(fd_, frame(record));
  ++depth_;
}

void spool::append(const std::vector<std::string>& records) {
  std::string data;
  for (const auto& record : records) data += frame(record);
  write_all(fd_, data);
  depth_ += records.size();
}

std::vector<std::string> spool::read_all() const {
  std::vector<std::string> records;
  std::ifstream in(path_, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t size = 0;
    unsigned int sum = 0;
    int offset = 0;
    if (std::sscanf(line.c_str(), "%zu %8x %n", &size, &sum, &offset) < 2 || offset <= 0) continue;
    std::string_view record = std::string_view(line).substr(static_cast<std::size_t>(offset));
    if (record.size() != size || checksum(record) != sum) continue;
    records.emplace_back(record);
  }
  return records;
}

void spool::clear() {
  if (::ftruncate(fd_, 0) != 0) {
    throw std::system_error(errno, std::generic_category(), "spool truncate");
  }
  ::fsync(fd_);
  depth_ = 0;
}

void spool::remove_first(std::size_t count) {
  auto records = read_all();
  if (count >= records.size()) {
    clear();
    return;
  }
  std::filesystem::path next = path_;
  next += ".next";
  int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + next.string());
  std::string data;
  for (std::size_t i = count; i < records.size(); ++i) data += frame(records[i]);
  try {
    write_all(fd, data);
  } catch (...) {
    ::close(fd);
    throw;
  }
  std::filesystem::rename(next, path_);
  ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "reopen " + path_.string());
  depth_ = records.size() - count;
}

}  // namespace salon::actors
