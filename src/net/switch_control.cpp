#include "net/switch_control.h"

namespace uc::net {

std::string handle_control_message(SwitchCore& core, std::string_view message) {
  if (message.size() > kMaxControlMessage) return control_too_large(message.size());
  auto rules = decode_net_rules(message);
  if (!rules) return "error: " + rules.error().message;
  core.set_rules(std::move(*rules));
  return "ok";
}

std::string control_too_large(size_t bytes) {
  return "error: control message of " + std::to_string(bytes) + " bytes, at most " +
         std::to_string(kMaxControlMessage) + " allowed";
}

}  // namespace uc::net
