// The verify report on the chaos page, rendered from its JSON without knowing its schema:
// the checker may grow fields, and the page should show them rather than hide them.
#include <fmt/format.h>

#include <algorithm>

#include "chaos/chaos_html_parts.h"
#include "report/html_escape.h"
#include "report/report_tables.h"

namespace uc::chaos::html {
namespace {

using nlohmann::json;
using report::html_escape;

// Known counters first, in the order a reader checks them; others follow alphabetically.
const std::vector<std::string> kPreferred = {"acknowledged", "intact",     "lost", "corrupt",
                                             "duplicated",   "unexpected", "ops",  "acks",
                                             "errors",       "done"};
// A count above zero in one of these is a failure to point at.
bool bad_column(const std::string& c) {
  return c == "lost" || c == "corrupt" || c == "duplicated" || c == "errors";
}

struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, const json*>> rows, totals;
};

std::string label(std::string key) {
  std::replace(key.begin(), key.end(), '_', ' ');
  return key;
}

bool is_counters(const json& j) {
  return j.is_object() && !j.empty() && std::all_of(j.begin(), j.end(), [](const json& v) {
           return v.is_number() || v.is_null();
         });
}

bool is_object_of_objects(const json& j) {
  return j.is_object() && !j.empty() &&
         std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_object(); });
}

std::vector<std::string> columns_of(const std::vector<const json*>& rows) {
  std::vector<std::string> found;
  for (const auto* r : rows)
    for (const auto& [k, v] : r->items())
      if ((v.is_number() || v.is_null()) && std::find(found.begin(), found.end(), k) == found.end())
        found.push_back(k);
  std::vector<std::string> out;
  for (const auto& p : kPreferred)
    if (std::find(found.begin(), found.end(), p) != found.end()) out.push_back(p);
  for (const auto& k : found)
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

std::string cell(const json& row, const std::string& column) {
  auto it = row.find(column);
  if (it == row.end() || !it->is_number()) return "<td class=\"num absent\">\u2013</td>";
  double v = it->get<double>();
  return fmt::format("<td class=\"num{}\">{}</td>", bad_column(column) && v > 0 ? " bad" : "",
                     it->is_number_float() ? report::format_number(v, 2) : it->dump());
}

std::string render_table(const Table& t) {
  std::string s = fmt::format(
      "<h3>{}</h3><div class=\"scroll\"><table class=\"counts\" "
      "data-table=\"{}\"><thead><tr><th></th>",
      html_escape(label(t.title)), html_escape(t.title));
  for (const auto& c : t.columns) s += "<th class=\"num\">" + html_escape(label(c)) + "</th>";
  s += "</tr></thead><tbody>";
  auto rows = [&](const auto& list, const char* cls) {
    for (const auto& [name, row] : list) {
      s += fmt::format("<tr{}><th>{}</th>", cls, html_escape(name));
      for (const auto& c : t.columns) s += cell(*row, c);
      s += "</tr>";
    }
  };
  rows(t.rows, "");
  rows(t.totals, " class=\"total\"");
  return s + "</tbody></table></div>";
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "\u2013";
  return v.dump();
}

// Short lists of short words read best on one line; sentences get a line each.
bool inline_list(const json& a) {
  return a.size() <= 16 && std::all_of(a.begin(), a.end(), [](const json& v) {
           return (v.is_string() && v.get<std::string>().size() <= 24) || v.is_number() ||
                  v.is_boolean();
         });
}

}  // namespace

std::string verify_body(const json& verify) {
  if (!verify.is_object() || verify.empty())
    return "<p class=\"caption\">No verify report was recorded.</p>";
  std::vector<Table> tables;
  for (const auto& [key, value] : verify.items()) {
    if (!is_object_of_objects(value)) continue;
    Table t{key, {}, {}, {}};
    std::vector<const json*> rows;
    for (const auto& [name, row] : value.items())
      t.rows.emplace_back(name, &row), rows.push_back(&row);
    t.columns = columns_of(rows);
    tables.push_back(std::move(t));
  }
  std::string facts = "<dl class=\"facts\">", lists;
  for (const auto& [key, value] : verify.items()) {
    if (is_object_of_objects(value)) continue;
    if (is_counters(value)) {
      auto own = columns_of({&value});
      auto fits = std::find_if(tables.begin(), tables.end(), [&](const Table& t) {
        return std::all_of(own.begin(), own.end(), [&](const std::string& c) {
          return std::find(t.columns.begin(), t.columns.end(), c) != t.columns.end();
        });
      });
      if (fits != tables.end())
        fits->totals.emplace_back(key, &value);
      else
        tables.push_back(Table{key, columns_of({&value}), {{key, &value}}, {}});
    } else if (value.is_array() && !value.empty() && !inline_list(value)) {
      lists += fmt::format("<h3>{} ({})</h3><ul class=\"verify-list\">", html_escape(label(key)),
                           value.size());
      for (const auto& item : value)
        lists += "<li>" +
                 html_escape(item.is_string()
                                 ? item.get<std::string>()
                                 : item.dump(-1, ' ', false, json::error_handler_t::replace)) +
                 "</li>";
      lists += "</ul>";
    } else {
      std::string text;
      if (value.is_array()) {
        for (const auto& v : value) text += (text.empty() ? "" : ", ") + scalar_text(v);
        if (text.empty()) text = "none";
      } else {
        text = value.is_object() ? value.dump(-1, ' ', false, json::error_handler_t::replace)
                                 : scalar_text(value);
      }
      facts += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", html_escape(label(key)),
                           html_escape(text));
    }
  }
  std::string s = facts + "</dl>";
  for (const auto& t : tables) s += render_table(t);
  return s + lists;
}

}  // namespace uc::chaos::html
