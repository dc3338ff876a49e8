#include "cli/command.h"

#include <gtest/gtest.h>

#include <set>

#include "cli/commands.h"

namespace uc::cli {
namespace {

// Today's exit codes, kept exactly: scripts test them.
TEST(Command, ErrorCodesMapToTheExitCodesInOnePlace) {
  EXPECT_EQ(exit_code(ErrorCode::kFailed), 1);
  EXPECT_EQ(exit_code(ErrorCode::kBadInput), 2);
  EXPECT_EQ(exit_code(ErrorCode::kCannotRun), 125);
  EXPECT_EQ(exit_code(ErrorCode::kInterrupted), 130);
  EXPECT_EQ(fail(Error{"", ErrorCode::kBadInput}), 2);  // said already: nothing printed
}

TEST(Command, EveryRowHasANameAndItsTwoFunctions) {
  const Command* rows[] = {&kUp,     &kDown,    &kDestroy,    &kStatus, &kList,   &kExec,  &kFault,
                           &kVerify, &kChaos,   &kConsole,    &kLogs,   &kConfig, &kFsck,  &kNode,
                           &kTop,    &kMetrics, &kReport,     &kBench,  &kEvents, &kImage, &kKernel,
                           &kMan,    &kMan5,    &kCompletion, &kNames};
  std::set<std::string> names;
  CLI::App app{"test"};
  Globals g;
  for (const Command* c : rows) {
    EXPECT_TRUE(names.insert(c->name).second) << c->name;
    ASSERT_NE(c->define, nullptr) << c->name;
    ASSERT_NE(c->run, nullptr) << c->name;
    // Hidden commands (the docs' and the completion's) have no help; the others do.
    EXPECT_EQ(std::string(c->name).rfind("__", 0) == 0, std::string(c->help).empty()) << c->name;
    c->define(*app.add_subcommand(c->name, c->help), g);
  }
  // CLI11 takes the arguments last first: `fault partition -n lab --one-way node0 node1,node2`.
  app.parse(std::vector<std::string>{"node1,node2", "node0", "--one-way", "lab", "-n", "partition",
                                     "fault"});
  EXPECT_EQ(g.name, "lab");
}

}  // namespace
}  // namespace uc::cli
