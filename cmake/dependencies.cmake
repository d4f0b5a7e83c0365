# Every dependency comes from a Debian 12 package (scripts/setup installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(date REQUIRED CONFIG)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)

# jemalloc replaces glibc's malloc in the server and the load generator: a call allocates and
# frees many small strings on several threads, where glibc's malloc took about 18% of the
# server's CPU (docs/benchmarks.md, fourth round). AddressSanitizer brings its own allocator, so
# the sanitizer build keeps glibc's.
if(NOT SALON_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  add_library(salon_allocator INTERFACE)
  target_link_libraries(salon_allocator INTERFACE PkgConfig::JEMALLOC)
else()
  add_library(salon_allocator INTERFACE)
endif()

# Debian ships CAF 0.17 without a CMake package: import caf_core by hand.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
add_library(caf::core SHARED IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)

if(SALON_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(SALON_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED CONFIG)
endif()
