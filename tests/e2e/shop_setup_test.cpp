// Shop setup end to end: the real binary on the real PostgreSQL reads salon websites served on
// loopback by `python3 -m http.server` (SCRAPE_ALLOW_PRIVATE=true), creates and updates shops,
// routes their numbers live and tells dashboards; and, with SCRAPE_ALLOW_PRIVATE at its default,
// refuses to read loopback sites but still makes the shop.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "net/twilio_caller.hpp"
#include "tests/e2e/http_client.hpp"
#include "tests/e2e/ops_client.hpp"
#include "tests/e2e/server_process.hpp"
#include "tests/e2e/test_database.hpp"

namespace salon::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* admin_key = "setup-e2e-key";

std::string bearer() {
  return std::string("Authorization: Bearer ") + admin_key;
}

json parse(const http_result& r) {
  auto body = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << "not JSON: " << r.body;
  return body;
}

void expect_error(const http_result& r, long status, const std::string& code,
                  const std::string& field) {
  EXPECT_EQ(r.status, status) << r.body;
  const auto body = parse(r);
  ASSERT_TRUE(body.contains("error")) << r.body;
  EXPECT_EQ(body["error"]["code"], code) << r.body;
  EXPECT_EQ(body["error"].value("field", ""), field) << r.body;
  EXPECT_NE(body["error"]["message"].get<std::string>().find(field), std::string::npos) << r.body;
}

fs::path source_dir() {
  if (const char* dir = std::getenv("SALON_SOURCE_DIR")) return dir;
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

fs::path shared_sites() {
  return (source_dir() / ".." / "shared" / "fixtures" / "salon-sites").lexically_normal();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A folder of its own, removed at the end.
class scratch_folder {
 public:
  scratch_folder() {
    const char* base = std::getenv("SALON_TEST_SCRATCH");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/shop_setup.XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~scratch_folder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

  void write(const std::string& file, const std::string& text) const {
    fs::create_directories((path_ / file).parent_path());
    std::ofstream(path_ / file) << text;
  }

 private:
  fs::path path_;
};

// `python3 -m http.server` serving a folder on 127.0.0.1 (a free port), stopped at the end.
class static_site {
 public:
  explicit static_site(const fs::path& root)
      : log_(root.parent_path() / ("http." + root.filename().string() + ".log")) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execlp("python3", "python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
             "--directory", root.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    static const std::regex serving(R"(port (\d+))");
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      const auto text = read_file(log_);
      if (std::regex_search(text, match, serving)) {
        port_ = std::stoi(match[1]);
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("python3 -m http.server did not start:\n" + read_file(log_));
  }
  ~static_site() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A socket that takes connections (the kernel does, into its backlog) and never answers.
class silent_site {
 public:
  silent_site() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~silent_site() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A loopback port nobody listens on.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// An Austin salon with no structured data; `services` is the menu page's list.
std::string austin_home() {
  return R"(<!doctype html><html><head><title>Lamar Street Cuts | Austin Hair Salon</title></head>
<body><h1>Lamar Street Cuts</h1>
<p>1201 S Lamar Blvd, Austin, TX 78704</p>
<p>Call us: <a href="tel:+15125550142">(512) 555-0142</a></p>
<h2>Hours</h2><p>Tue–Fri 10am–7pm · Sat 9am–5pm · Sun–Mon closed</p>
<p>Free parking in the lot behind the shop.</p>
<p>We ask for 24 hours notice to cancel.</p>
<nav><a href="/menu.html">Menu &amp; Prices</a> <a href="/team.html">Our Team</a></nav>
</body></html>)";
}

std::string austin_menu(const std::vector<std::string>& lines) {
  std::string html =
      "<!doctype html><html><head><title>Menu | Lamar Street Cuts</title></head>"
      "<body><h1>Menu</h1><h2>Cuts</h2><ul>";
  for (const auto& line : lines) html += "<li>" + line + "</li>";
  return html + "</ul></body></html>";
}

std::string austin_team() {
  return R"(<!doctype html><html><head><title>Team | Lamar Street Cuts</title></head><body>
<h1>Our Team</h1>
<div class="card"><h3>Rosa Delgado</h3><p class="role">Owner &amp; Stylist</p>
<p>Rosa specializes in curly cuts and color.</p></div>
<div class="card"><h3>Ben Ortiz</h3><p class="role">Barber</p><p>Fades and beard trims.</p></div>
</body></html>)";
}

std::string ops_target(const std::string& query = "") {
  return "/ops?access_token=" + std::string(admin_key) + (query.empty() ? "" : "&" + query);
}

// The next shop_updated event of `location` on the feed; nullopt when the feed ends or goes
// quiet first.
std::optional<json> shop_updated_of(ops_client& feed, int location) {
  while (auto text = feed.read(20s)) {
    auto message = json::parse(*text, nullptr, false);
    if (message.is_object() && message.value("type", "") == "shop_updated" &&
        message.contains("shop") && message["shop"].value("location_id", 0) == location) {
      return message;
    }
  }
  return std::nullopt;
}

bool mentions(const json& lines, const std::string& words) {
  for (const auto& line : lines) {
    if (line.is_string() && line.get<std::string>().find(words) != std::string::npos) return true;
  }
  return false;
}

class shop_setup : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    if (HasFatalFailure()) return;
    std::map<std::string, std::string> env = {{"DATABASE_URL", database_->url()}};
    env["ADMIN_API_KEY"] = admin_key;
    env["SCRAPE_ALLOW_PRIVATE"] = "true";
    env["DEFAULT_TIMEZONE"] = "America/Denver";
    env["PHONE_TO_LOCATION_MAP"] = R"({"+15550009999": 1})";
    server_ = new server_process(env);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }

  static http_result setup(const json& body) {
    return http_call("POST", server_->base_url() + "/shop/setup",
                     {bearer(), "Content-Type: application/json"}, body.dump());
  }

  static json request(int location, const std::string& phone, const std::string& website,
                      const std::string& name = "Setup Salon") {
    return {{"location_id", location},
            {"phone_number", phone},
            {"website_url", website},
            {"business_name", name}};
  }

  static std::string count(const std::string& sql) { return database_->query_value(sql); }

  static test_database* database_;
  static server_process* server_;
};
test_database* shop_setup::database_ = nullptr;
server_process* shop_setup::server_ = nullptr;

TEST_F(shop_setup, studio_nine_becomes_a_shop_and_a_second_run_updates_it) {
  scratch_folder folder;
  fs::copy(shared_sites() / "studio-nine", folder.path() / "site", fs::copy_options::recursive);
  static_site site(folder.path() / "site");

  const auto created = setup(request(10, "+18085550110", site.url("/"), "Studio Nine Kapahulu"));
  ASSERT_EQ(created.status, 201) << created.body << server_->log();
  const auto body = parse(created);
  EXPECT_EQ(body["location_id"], 10);
  EXPECT_EQ(body["business_name"], "Studio Nine Kapahulu");
  EXPECT_EQ(body["phone_number"], "+18085550110");
  EXPECT_EQ(body["website"], site.url("/"));
  EXPECT_EQ(body["timezone"], "Pacific/Honolulu");  // from the Honolulu address
  EXPECT_EQ(body["setup"]["status"], "created");
  EXPECT_EQ(body["setup"]["time_zone_source"], "address");
  EXPECT_NE(body["address"].get<std::string>().find("Honolulu"), std::string::npos);
  EXPECT_GE(body["services"].size(), 7u);
  EXPECT_GE(body["stylists"].size(), 3u);
  bool open_some_day = false;
  for (const auto& [day, hours] : body["opening_hours"].items()) open_some_day |= !hours.is_null();
  EXPECT_TRUE(open_some_day) << body["opening_hours"].dump();
  for (const auto& service : body["services"]) {
    EXPECT_GT(service["duration_minutes"].get<int>(), 0);
  }
  const auto& scrape = body["scrape"];
  EXPECT_EQ(scrape["start_url"], site.url("/"));
  EXPECT_GE(scrape["pages_read"].size(), 2u);
  EXPECT_GE(scrape["found"]["services"].get<int>(), 7);
  EXPECT_GE(scrape["found"]["services_with_prices"].get<int>(), 7);
  EXPECT_TRUE(scrape["errors"].empty()) << scrape.dump();
  const auto shop_id = body["shop_id"].get<std::string>();
  EXPECT_EQ(count("select count(*) from scraped_services where shop_id = '" + shop_id + "'"),
            std::to_string(scrape["found"]["services"].get<int>()));

  // GET /shop/10/config shows the same shop.
  auto config = parse(http_get(server_->base_url() + "/shop/10/config", {bearer()}));
  auto expected = body;
  expected.erase("scrape");
  expected.erase("setup");
  EXPECT_EQ(config, expected);

  // Again: updated, same shop, nothing doubled.
  const auto updated = setup(request(10, "+18085550110", site.url("/"), "Studio Nine Kapahulu"));
  ASSERT_EQ(updated.status, 200) << updated.body;
  const auto again = parse(updated);
  EXPECT_EQ(again["setup"]["status"], "updated");
  EXPECT_EQ(again["shop_id"], shop_id);
  EXPECT_EQ(again["services"].size(), body["services"].size());
  EXPECT_EQ(count("select count(*) from profiles where location_id = 10"), "1");
  EXPECT_EQ(count("select count(*) from services where shop_id = '" + shop_id + "'"),
            std::to_string(body["services"].size()));
  EXPECT_EQ(count("select count(*) from scraped_services where shop_id = '" + shop_id + "'"),
            std::to_string(scrape["found"]["services"].get<int>()));
  EXPECT_EQ(count("select count(*) from scraped_professionals where shop_id = '" + shop_id + "'"),
            std::to_string(body["stylists"].size()));
}

TEST_F(shop_setup, the_next_call_to_the_new_number_reaches_the_new_shop) {
  scratch_folder folder;
  fs::copy(shared_sites() / "curl-and-co", folder.path() / "site", fs::copy_options::recursive);
  static_site site(folder.path() / "site");
  auto body = request(11, "+15035550111", site.url("/"), "Curl & Co Portland");
  body["timezone"] = "America/Los_Angeles";
  body["forward_phone"] = "+15035550199";
  const auto created = setup(body);
  ASSERT_EQ(created.status, 201) << created.body << server_->log();
  const auto shop = parse(created);
  EXPECT_EQ(shop["timezone"], "America/Los_Angeles");
  EXPECT_EQ(shop["setup"]["time_zone_source"], "request");
  EXPECT_EQ(shop["forward_phone"], "+15035550199");
  EXPECT_GE(shop["services"].size(), 5u);
  bool from_price = false;
  for (const auto& service : shop["services"]) from_price |= service["price_is_from"].get<bool>();
  EXPECT_TRUE(from_price) << "\"$85+\" is a from price";

  // No restart: the very next call to that number is answered as this shop.
  net::twilio_target target;
  target.port = server_->port();
  net::call_plan plan;
  plan.to = "+15035550111";
  plan.actions = {net::caller_action::say("What are your hours?")};
  const auto report = net::run_call(target, plan);
  EXPECT_EQ(report.voice_status, 200u) << report.voice_twiml;
  EXPECT_EQ(report.relay_parameters.at("locationId"), "11") << report.voice_twiml;
  EXPECT_NE(report.greeting.find("Curl & Co Portland"), std::string::npos) << report.greeting;
}

TEST_F(shop_setup, dashboards_hear_of_the_new_shop_by_its_uuid_and_name) {
  scratch_folder folder;
  folder.write("site/index.html", austin_home());
  static_site site(folder.path() / "site");
  ops_client every_shop;
  ASSERT_EQ(every_shop.connect(server_->port(), ops_target()), 101u) << every_shop.refusal_body();
  ASSERT_TRUE(every_shop.read()) << "the snapshot";

  // The broadcaster knows nothing of a shop created a moment ago: the event itself names it.
  const auto created = setup(request(19, "+15125550119", site.url("/"), "Feed Street Cuts"));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto shop_id = parse(created)["shop_id"].get<std::string>();
  const auto heard = shop_updated_of(every_shop, 19);
  ASSERT_TRUE(heard) << server_->log();
  EXPECT_EQ((*heard)["shop"]["id"], shop_id) << heard->dump();
  EXPECT_EQ((*heard)["shop"]["name"], "Feed Street Cuts") << heard->dump();

  // A dashboard watching only this shop, by the uuid the setup answered with, hears the next
  // setup, under the name that setup gave.
  ops_client this_shop;
  ASSERT_EQ(this_shop.connect(server_->port(), ops_target("shop=" + shop_id)), 101u)
      << this_shop.refusal_body();
  ASSERT_TRUE(this_shop.read()) << "the snapshot";
  const auto renamed = setup(request(19, "+15125550119", site.url("/"), "Feed Street Salon"));
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  const auto filtered = shop_updated_of(this_shop, 19);
  ASSERT_TRUE(filtered) << server_->log();
  EXPECT_EQ((*filtered)["shop"]["id"], shop_id) << filtered->dump();
  EXPECT_EQ((*filtered)["shop"]["name"], "Feed Street Salon") << filtered->dump();
}

TEST_F(shop_setup, stylists_and_facts_are_stored_with_the_page_they_were_read_on) {
  scratch_folder folder;
  folder.write("site/index.html", austin_home());
  folder.write("site/menu.html", austin_menu({"Women's Cut ........ $60 (60 min)"}));
  folder.write("site/team.html", austin_team());
  static_site site(folder.path() / "site");
  const auto created = setup(request(20, "+15125550120", site.url("/"), "Sourced Cuts"));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto shop_id = parse(created)["shop_id"].get<std::string>();
  const auto of_shop = "shop_id = '" + shop_id + "'";
  EXPECT_EQ(count("select count(*) from scraped_professionals where " + of_shop), "2");
  EXPECT_EQ(count("select string_agg(distinct source_url, ' ') from scraped_professionals where " +
                  of_shop),
            site.url("/team.html"));
  EXPECT_EQ(count("select source from salon_static_data where key = 'parking' and " + of_shop),
            site.url("/"));
  EXPECT_EQ(count("select count(*) from salon_static_data where source is null and " + of_shop),
            "0");
}

TEST_F(shop_setup, a_re_run_follows_the_website_and_infers_the_time_zone) {
  scratch_folder folder;
  folder.write("site/index.html", austin_home());
  folder.write("site/menu.html",
               austin_menu({"Women's Cut ........ $60 (60 min)", "Men's Cut ........ $35 (30 min)",
                            "Curly Cut ........ $85+ (75 min)"}));
  folder.write("site/team.html", austin_team());
  static_site site(folder.path() / "site");

  const auto first = setup(request(12, "+15125550142", site.url("/"), "Lamar Street Cuts"));
  ASSERT_EQ(first.status, 201) << first.body;
  const auto shop = parse(first);
  EXPECT_EQ(shop["timezone"], "America/Chicago");  // TX
  EXPECT_EQ(shop["setup"]["time_zone_source"], "address");
  EXPECT_EQ(shop["services"].size(), 3u) << shop["services"].dump();
  EXPECT_EQ(shop["stylists"].size(), 2u) << shop["stylists"].dump();
  EXPECT_FALSE(shop["opening_hours"]["tuesday"].is_null());
  EXPECT_TRUE(shop["opening_hours"]["monday"].is_null());
  EXPECT_TRUE(shop["facts"].contains("parking")) << shop["facts"].dump();

  // The salon drops the men's cut and adds a blowout without a duration.
  folder.write("site/menu.html",
               austin_menu({"Women's Cut ........ $65 (60 min)", "Curly Cut ........ $85+ (75 min)",
                            "Blowout ........ $40"}));
  const auto second = setup(request(12, "+15125550142", site.url("/"), "Lamar Street Cuts"));
  ASSERT_EQ(second.status, 200) << second.body;
  const auto updated = parse(second);
  std::map<std::string, json> services;
  for (const auto& s : updated["services"]) services[s["name"]] = s;
  EXPECT_EQ(services.size(), 3u) << updated["services"].dump();
  EXPECT_FALSE(services.contains("Men's Cut"));
  ASSERT_TRUE(services.contains("Blowout"));
  EXPECT_EQ(services["Blowout"]["duration_minutes"], 60);
  EXPECT_EQ(services["Women's Cut"]["price_cents"], 6500);
  bool noted = false;
  for (const auto& note : updated["setup"]["notes"]) {
    noted |= note.get<std::string>().find("60 minutes assumed") != std::string::npos;
  }
  EXPECT_TRUE(noted) << updated["setup"].dump();
  // The men's cut stays in the database, inactive: appointments may point at it.
  EXPECT_EQ(count("select active from services s join profiles p on p.id = s.shop_id where "
                  "p.location_id = 12 and s.name = 'Men''s Cut'"),
            "f");
}

TEST_F(shop_setup, a_site_that_is_down_or_silent_still_makes_the_shop) {
  const auto down =
      setup(request(13, "+15555550113", "http://127.0.0.1:" + std::to_string(closed_port()) + "/"));
  ASSERT_EQ(down.status, 201) << down.body;
  const auto shop = parse(down);
  EXPECT_FALSE(shop["scrape"]["errors"].empty()) << shop["scrape"].dump();
  EXPECT_TRUE(shop["services"].empty());
  EXPECT_EQ(shop["timezone"], "America/Denver");  // DEFAULT_TIMEZONE
  EXPECT_EQ(shop["setup"]["time_zone_source"], "default");

  silent_site silent;
  const auto started = std::chrono::steady_clock::now();
  const auto slow = setup(request(14, "+15555550114", silent.url()));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(slow.status, 201) << slow.body;
  EXPECT_FALSE(parse(slow)["scrape"]["errors"].empty()) << slow.body;
  EXPECT_LT(took, 40s) << "the crawl's time budget bounds the request";
}

TEST_F(shop_setup, a_page_with_nothing_useful_is_reported) {
  scratch_folder folder;
  folder.write("site/index.html",
               "<!doctype html><html><head><title>Coming soon</title></head><body>"
               "<p>Our new website is coming soon.</p></body></html>");
  static_site site(folder.path() / "site");
  const auto r = setup(request(15, "+15555550115", site.url("/")));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto warnings = parse(r)["scrape"]["warnings"].dump();
  EXPECT_NE(warnings.find("no services found"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("no prices found"), std::string::npos) << warnings;
}

TEST_F(shop_setup, numbers_that_reach_another_shop_are_409) {
  // The demo salon's number, and one PHONE_TO_LOCATION_MAP sends to location 1.
  const auto taken = setup(request(16, "+18084826296", "http://127.0.0.1:9/"));
  expect_error(taken, 409, "conflict", "phone_number");
  EXPECT_NE(parse(taken)["error"]["message"].get<std::string>().find("location 1"),
            std::string::npos);
  expect_error(setup(request(16, "+15550009999", "http://127.0.0.1:9/")), 409, "conflict",
               "phone_number");
  EXPECT_EQ(count("select count(*) from profiles where location_id = 16"), "0");
}

TEST_F(shop_setup, bad_input_is_400_naming_the_field) {
  const auto good = request(17, "+15555550117", "http://127.0.0.1:9/");
  const auto with = [&](const char* field, json value) {
    auto body = good;
    body[field] = std::move(value);
    return body;
  };
  const auto without = [&](const char* field) {
    auto body = good;
    body.erase(field);
    return body;
  };
  const std::vector<std::pair<json, std::string>> cases = {
      {without("location_id"), "location_id"},
      {with("location_id", 0), "location_id"},
      {with("location_id", -1), "location_id"},
      {with("location_id", "17"), "location_id"},
      {with("location_id", 1.5), "location_id"},
      {with("location_id", 4294967296), "location_id"},
      {with("location_id", nullptr), "location_id"},
      {without("phone_number"), "phone_number"},
      {with("phone_number", "808-555-0117"), "phone_number"},
      {with("phone_number", "+0123456789"), "phone_number"},
      {with("phone_number", 18085550117), "phone_number"},
      {without("website_url"), "website_url"},
      {with("website_url", "ftp://salon.example"), "website_url"},
      {with("website_url", "salon.example"), "website_url"},
      {with("website_url", "javascript:alert(1)"), "website_url"},
      {with("website_url", "http://"), "website_url"},
      {with("website_url", "http://exa mple.com/"), "website_url"},
      {without("business_name"), "business_name"},
      {with("business_name", ""), "business_name"},
      {with("business_name", "   "), "business_name"},
      {with("business_name", std::string(201, 'x')), "business_name"},
      {with("timezone", "Mars/Olympus_Mons"), "timezone"},
      {with("timezone", "../../etc/passwd"), "timezone"},
      {with("timezone", 10), "timezone"},
      {with("forward_phone", "555-0100"), "forward_phone"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body.dump());
    expect_error(setup(body), 400, "bad_request", field);
  }
  for (const std::string raw : {"", "[]", "not json", "{\"location_id\": 1", "\xff\xfe"}) {
    const auto r = http_call("POST", server_->base_url() + "/shop/setup",
                             {bearer(), "Content-Type: application/json"}, raw);
    expect_error(r, 400, "bad_request", "body");
  }
  // Too big for the server at all; a setup is only ever posted.
  expect_error(
      http_call("POST", server_->base_url() + "/shop/setup",
                {bearer(), "Content-Type: application/json"}, std::string(200 * 1024, ' ')),
      413, "payload_too_large", "");
  const auto read = http_call("GET", server_->base_url() + "/shop/setup", {bearer()});
  EXPECT_EQ(read.status, 405) << read.body;
  EXPECT_EQ(read.headers.count("allow") ? read.headers.at("allow") : "", "POST");
  // Names in any script are fine.
  auto unicode = good;
  unicode["business_name"] = std::string(200, 'x').replace(0, 6, "\xc3\xa9\xc3\xa9\xc3\xa9");
  unicode["location_id"] = 18;
  unicode["phone_number"] = "+15555550118";
  EXPECT_EQ(setup(unicode).status, 201);
  EXPECT_EQ(count("select count(*) from profiles where location_id = 17"), "0");
}

// A server with SCRAPE_ALLOW_PRIVATE left at its default (false), as in production.
class shop_setup_public_sites_only : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new test_database();
    migrate_and_seed_demo(*database_);
    if (HasFatalFailure()) return;
    server_ =
        new server_process({{"DATABASE_URL", database_->url()}, {"ADMIN_API_KEY", admin_key}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }

  static test_database* database_;
  static server_process* server_;
};
test_database* shop_setup_public_sites_only::database_ = nullptr;
server_process* shop_setup_public_sites_only::server_ = nullptr;

TEST_F(shop_setup_public_sites_only, a_loopback_website_is_not_read_but_the_shop_is_made) {
  scratch_folder folder;
  fs::copy(shared_sites() / "studio-nine", folder.path() / "site", fs::copy_options::recursive);
  static_site site(folder.path() / "site");
  const json body = {{"location_id", 30},
                     {"phone_number", "+18085550130"},
                     {"website_url", site.url("/")},
                     {"business_name", "Studio Nine Loopback"}};
  const auto r = http_call("POST", server_->base_url() + "/shop/setup",
                           {bearer(), "Content-Type: application/json"}, body.dump());
  ASSERT_EQ(r.status, 201) << r.body << server_->log();
  const auto shop = parse(r);
  EXPECT_EQ(shop["location_id"], 30);
  EXPECT_EQ(shop["business_name"], "Studio Nine Loopback");
  EXPECT_EQ(shop["setup"]["status"], "created");
  const auto& scrape = shop["scrape"];
  EXPECT_TRUE(scrape["pages_read"].empty()) << scrape.dump();
  EXPECT_TRUE(mentions(scrape["errors"], "site refused")) << scrape.dump();
  EXPECT_TRUE(mentions(scrape["errors"], "loopback")) << scrape.dump();
  EXPECT_TRUE(shop["services"].empty()) << "nothing was read";
  EXPECT_EQ(database_->query_value("select business_name from profiles where location_id = 30"),
            "Studio Nine Loopback");
}

}  // namespace
}  // namespace salon::testing
