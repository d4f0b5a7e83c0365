# Writes a .cpp that embeds every db/migrations/NNNN_name.sql with its SHA-256, so the binary
# applies migrations without the source tree. Run at build time:
#   cmake -DMIGRATIONS_DIR=... -DOUTPUT=... -P embed_migrations.cmake
cmake_minimum_required(VERSION 3.25)
file(GLOB files RELATIVE ${MIGRATIONS_DIR} ${MIGRATIONS_DIR}/*)
list(SORT files)
set(entries "")
set(seen_versions "")
foreach(file ${files})
  if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_[a-z0-9_]+\\.sql$")
    message(FATAL_ERROR "db/migrations/${file}: migration files are named NNNN_lower_case_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")  # drops the leading zeros
  if(version IN_LIST seen_versions)
    message(FATAL_ERROR "db/migrations/${file}: version ${version} is used twice")
  endif()
  list(APPEND seen_versions ${version})
  file(READ ${MIGRATIONS_DIR}/${file} sql)
  file(SHA256 ${MIGRATIONS_DIR}/${file} checksum)
  string(FIND "${sql}" ")salon_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "db/migrations/${file}: contains the raw string delimiter )salon_sql\"")
  endif()
  string(APPEND entries "    {${version}, \"${file}\",\n     R\"salon_sql(${sql})salon_sql\",\n     \"${checksum}\"},\n")
endforeach()
if(entries STREQUAL "")
  message(FATAL_ERROR "no migrations in ${MIGRATIONS_DIR}")
endif()

set(content "// Generated from db/migrations by db/embed_migrations.cmake. Do not edit.
#include \"db/migration.hpp\"

namespace salon::db {
namespace {

constexpr migration migrations[] = {
${entries}};

}  // namespace

std::span<const migration> embedded_migrations() noexcept { return migrations; }

}  // namespace salon::db
")
file(WRITE ${OUTPUT} "${content}")
