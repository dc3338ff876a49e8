// How deeply a JSON text nests, counted on the bytes before any parser runs: a hostile
// "[[[[..." must not cost a deep recursion (nlohmann-json recurses to build and destroy
// the tree). Brackets inside strings do not count.
#pragma once

#include <string_view>

namespace uc {

bool json_depth_within(std::string_view text, int max_depth);

}  // namespace uc
