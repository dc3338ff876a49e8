// The report page in a real browser: headless Chromium runs the page's self-check, which
// records on <body> how many charts drew visible lines; a screenshot is kept for a look.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "browser/chromium_check.h"
#include "report/html_report.h"
#include "sys/files.h"

namespace uc::report {
namespace {

std::string body_attribute(const std::string& dom, const std::string& name) {
  std::smatch m;
  std::regex pattern("<body[^>]*\\s" + name + "=\"([^\"]*)\"");
  if (!std::regex_search(dom, m, pattern)) return "(absent)";
  return m[1];
}

TEST(HtmlReportBrowser, ChartsRenderInChromium) {
  if (!test::chromium_available()) GTEST_SKIP() << test::kChromiumPath << " is not installed";
  if (!test::can_isolate_network())
    GTEST_SKIP() << "cannot create a network namespace (unshare --net)";

  std::ifstream in(std::string(UMLCLUSTER_SOURCE_DIR) + "/tests/data/report-sample.json");
  std::stringstream text;
  text << in.rdbuf();
  auto html = render_html(nlohmann::json::parse(text.str()));

  // The screenshot stays for a person to look at; the rest is a temporary directory.
  std::string out_dir = std::string(UMLCLUSTER_BINARY_DIR) + "/browser-check";
  ASSERT_TRUE(make_dirs(out_dir, 0755));
  std::string page = out_dir + "/report.html";
  ASSERT_TRUE(write_file_atomic(page, html, 0644));

  auto result = test::load_in_chromium(page, out_dir);
  ASSERT_TRUE(result.ran) << result.stderr_text;
  EXPECT_EQ(body_attribute(result.dom, "data-charts-total"), "5") << result.dom.substr(0, 300);
  EXPECT_EQ(body_attribute(result.dom, "data-charts-rendered"), "5")
      << body_attribute(result.dom, "data-chart-failures");
  EXPECT_EQ(body_attribute(result.dom, "data-errors"), "");
  ASSERT_FALSE(result.screenshot_path.empty()) << result.stderr_text;
  struct stat st {};
  ASSERT_EQ(::stat(result.screenshot_path.c_str(), &st), 0);
  EXPECT_GT(st.st_size, 20 * 1024);
}

}  // namespace
}  // namespace uc::report
