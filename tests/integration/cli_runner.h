// Runs the real umlcluster binary for integration tests: stdout, stderr and exit code
// captured apart, optional stdin.
#pragma once

#include <string>
#include <vector>

namespace uc::test {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string umlcluster_binary();
RunResult run_cli(const std::vector<std::string>& args, const std::string& stdin_data = "");
RunResult run_cli_env(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      const std::string& stdin_data = "");
// Any program (argv[0] a path or a name on PATH).
RunResult run_program(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {}, const std::string& stdin_data = "");

}  // namespace uc::test
