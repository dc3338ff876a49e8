#include "cli/generated_docs.h"

#include <gtest/gtest.h>

#include "config/cluster_file_fields.h"

namespace uc::cli {
namespace {

TEST(GeneratedDocs, TheFileFormatPageNamesEveryFieldWithItsDefault) {
  auto man = cluster_file_man_page("test");
  for (const auto& t : cluster_file_tables())
    EXPECT_NE(man.find(".SH " + roff_escape(t.header)), std::string::npos);
  for (const auto& f : cluster_file_fields()) {
    EXPECT_NE(man.find(".B " + roff_escape(f.key) + "\n(" + roff_escape(f.type) +
                       "; default: " + roff_escape(f.fallback)),
              std::string::npos)
        << f.table << "." << f.key;
  }
}

TEST(GeneratedDocs, RoffEscapesDashesBackslashesAndLeadingDots) {
  EXPECT_EQ(roff_escape("--name"), "\\-\\-name");
  EXPECT_EQ(roff_escape(".hidden\n'quote\\"), "\\&.hidden\n\\&'quote\\e");
}

TEST(GeneratedDocs, ThePagesAndTheCompletionComeFromOneCommandTree) {
  CLI::App app{"test tool"};
  auto* k = app.add_subcommand("kernel", "kernels");
  auto* b = k->add_subcommand("build", "build one");
  std::string name;
  b->add_option("--name", name, "its name");
  auto* hidden = app.add_subcommand("__names", "")->group("");
  (void)hidden;
  auto man = man_page(app, "1.0");
  EXPECT_NE(man.find(".SS \"umlcluster kernel build\"\nbuild one\n"), std::string::npos) << man;
  EXPECT_NE(man.find(".B \\-\\-name \\fITEXT\\fR\nits name\n"), std::string::npos) << man;
  EXPECT_EQ(man.find("__names"), std::string::npos);
  auto bash = bash_completion(app);
  EXPECT_NE(bash.find("\"kernel build\") subs=\"\"; opts=\"-h --help --name\""), std::string::npos)
      << bash;
  EXPECT_NE(bash.find("\"kernel\") subs=\"build\""), std::string::npos) << bash;
  EXPECT_NE(bash.find("complete -F _umlcluster umlcluster"), std::string::npos);
}

}  // namespace
}  // namespace uc::cli
