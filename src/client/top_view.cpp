#include "client/top_view.h"

#include <algorithm>

namespace uc::client {

std::vector<TopKey> decode_keys(std::string_view b) {
  std::vector<TopKey> out;
  for (size_t i = 0; i < b.size(); ++i) {
    char c = b[i];
    if (c == '\033' && i + 2 < b.size() && (b[i + 1] == '[' || b[i + 1] == 'O')) {
      char f = b[i + 2];
      size_t used = 2;
      if (f == 'A')
        out.push_back(TopKey::kUp);
      else if (f == 'B')
        out.push_back(TopKey::kDown);
      else if (f == 'H')
        out.push_back(TopKey::kHome);
      else if (f == 'F')
        out.push_back(TopKey::kEnd);
      else if (f >= '1' && f <= '8' && i + 3 < b.size() && b[i + 3] == '~') {
        used = 3;
        if (f == '5')
          out.push_back(TopKey::kPageUp);
        else if (f == '6')
          out.push_back(TopKey::kPageDown);
        else if (f == '1' || f == '7')
          out.push_back(TopKey::kHome);
        else if (f == '4' || f == '8')
          out.push_back(TopKey::kEnd);
      }
      i += used;
      continue;
    }
    switch (c) {
      case 'q':
      case 'Q':
      case 3:
        out.push_back(TopKey::kQuit);
        break;
      case 'c':
        out.push_back(TopKey::kSortCpu);
        break;
      case 'm':
        out.push_back(TopKey::kSortMemory);
        break;
      case 'n':
        out.push_back(TopKey::kSortName);
        break;
      case 'k':
        out.push_back(TopKey::kUp);
        break;
      case 'j':
        out.push_back(TopKey::kDown);
        break;
      case ' ':
        out.push_back(TopKey::kPageDown);
        break;
      case 'b':
        out.push_back(TopKey::kPageUp);
        break;
      case 'g':
        out.push_back(TopKey::kHome);
        break;
      case 'G':
        out.push_back(TopKey::kEnd);
        break;
      default:
        break;
    }
  }
  return out;
}

int clamp_first(int first, int total, int visible) {
  int last_first = std::max(0, total - std::max(1, visible));
  return std::clamp(first, 0, last_first);
}

int scroll(int first, TopKey k, int total, int visible) {
  int page = std::max(1, visible - 1);
  switch (k) {
    case TopKey::kUp:
      first -= 1;
      break;
    case TopKey::kDown:
      first += 1;
      break;
    case TopKey::kPageUp:
      first -= page;
      break;
    case TopKey::kPageDown:
      first += page;
      break;
    case TopKey::kHome:
      first = 0;
      break;
    case TopKey::kEnd:
      first = total;
      break;
    default:
      break;
  }
  return clamp_first(first, total, visible);
}

int visible_rows(int terminal_rows) { return std::max(1, terminal_rows - 7); }

}  // namespace uc::client
