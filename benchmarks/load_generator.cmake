# load_generator: a standalone program (not a Google Benchmark) that plays thousands of
# simulated Twilio calls against a running server and checks the calls table afterwards;
# dashboard_fleet.cpp is its WS /ops clients (--dashboards).
# Included from benchmarks/CMakeLists.txt; usage in docs/benchmarks.md.
add_executable(load_generator ${CMAKE_CURRENT_LIST_DIR}/load_generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dashboard_fleet.cpp)
target_link_libraries(load_generator PRIVATE salon_net salon_options Boost::headers fmt::fmt
  PkgConfig::PQXX Threads::Threads salon_allocator)
