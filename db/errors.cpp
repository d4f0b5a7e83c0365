#include "db/errors.hpp"

#include <utility>

namespace salon::db {

query_error::query_error(const std::string& what, std::string sqlstate)
    : error(what), sqlstate_(std::move(sqlstate)) {}

migration_error::migration_error(const std::string& what, std::string file)
    : error(what), file_(std::move(file)) {}

}  // namespace salon::db
