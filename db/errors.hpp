#pragma once

#include <stdexcept>
#include <string>

namespace salon::db {

// Every exception the db library throws derives from this. Business outcomes (a slot already
// taken, a shop that does not exist) are values, never exceptions.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database cannot be reached: connecting failed, or the connection broke and one reconnect
// did not help. Worth retrying later; HTTP maps it to 503.
class unavailable : public error {
 public:
  using error::error;
};

// The database answered with an error the caller did not expect (a constraint the caller should
// have checked, a malformed value), or its answer could not be read.
class query_error : public error {
 public:
  query_error(const std::string& what, std::string sqlstate);

  // Five-character SQLSTATE ("23514" for a check violation), empty when not from the server.
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// A migration could not be applied, or an applied migration file was changed afterwards.
class migration_error : public error {
 public:
  migration_error(const std::string& what, std::string file);

  // The migration's file name, e.g. "0002_shops.sql".
  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
};

}  // namespace salon::db
