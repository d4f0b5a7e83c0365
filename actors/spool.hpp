#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace salon::actors {

// An append-only, fsynced file of records that could not reach the database yet. Each record is
// one line with its length and a checksum, so a line torn by a crash is recognized and dropped
// (it was never acknowledged). Records leave from the front: the byte offset of the first one
// still held is kept in a side file (`<file>.head`, replaced atomically), so taking a batch off
// the front reads and writes that batch only, whatever the file's size. Not thread-safe: one
// actor owns it.
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

  // Every intact record still held, oldest first.
  std::vector<std::string> read_all() const;
  // The `count` oldest intact records still held (fewer when there are fewer).
  std::vector<std::string> read_first(std::size_t count) const;

  // Forgets everything (after a successful replay).
  void clear();

  // Forgets the `count` oldest records, keeping any appended since they were read.
  void remove_first(std::size_t count);

  std::size_t depth() const noexcept { return depth_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  // Reads intact records from byte `from` until `count` of them (all when count is 0); returns
  // the offset after the last line read.
  std::uint64_t scan(std::uint64_t from, std::size_t count, std::vector<std::string>* out) const;
  void save_head(std::uint64_t head);
  void compact();

  std::filesystem::path path_;
  std::filesystem::path head_path_;
  int fd_ = -1;
  std::uint64_t head_ = 0;  // byte offset of the first record still held
  std::size_t depth_ = 0;
};

}  // namespace salon::actors
