// libpqxx 6.4 leaks the PGresult of the statement that finds the session gone (about 2 KiB per
// dropped session; reproduced with pqxx alone). The reconnect tests drop sessions on purpose.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpqxx-6.4.so\n";
}
