#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace salon::actors {

// An append-only, fsynced file of records that could not reach the database yet. Each record is
// one line with its length and a checksum, so a line torn by a crash is recognized and dropped
// (it was never acknowledged). Not thread-safe: one actor owns it.
class spool {
 public:
  // Opens (creating the folder and file when needed) `directory`/`file_name`.
  explicit spool(const std::filesystem::path& directory,
                 const std::string& file_name = "call-log.spool");
  ~spool();
  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  // Appends and fsyncs; returns only when the record is on disk. Throws std::system_error.
  void append(std::string_view record);
  void append(const std::vector<std::string>& records);

  // Every intact record, oldest first.
  std::vector<std::string> read_all() const;

  // Forgets everything (after a successful replay).
  void clear();

  // Forgets the `count` oldest records, keeping any appended since they were read. The rest is
  // written to a new file that atomically replaces the old one.
  void remove_first(std::size_t count);

  std::size_t depth() const noexcept { return depth_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t depth_ = 0;
};

}  // namespace salon::actors
