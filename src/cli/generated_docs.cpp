#include "cli/generated_docs.h"

#include <fmt/format.h>

#include <functional>
#include <sstream>
#include <vector>

#include "config/cluster_file_fields.h"

namespace uc::cli {
namespace {

bool visible(const CLI::App* a) {
  return !a->get_group().empty() && a->get_name().rfind("__", 0) != 0;
}

std::vector<const CLI::App*> subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* a) { return visible(a); });
}

std::vector<const CLI::Option*> options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); });
}

// Every command, depth first, with its path ("kernel build").
void walk(const CLI::App& app, const std::string& path,
          const std::function<void(const CLI::App&, const std::string&)>& f) {
  for (const auto* s : subcommands(app)) {
    std::string p = path.empty() ? s->get_name() : path + " " + s->get_name();
    f(*s, p);
    walk(*s, p, f);
  }
}

std::string option_names(const CLI::Option* o) { return o->get_name(false, true); }

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string roff_escape(const std::string& s) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string man_page(const CLI::App& app, const std::string& version) {
  std::string m;
  m += fmt::format(".TH UMLCLUSTER 1 \"\" \"umlcluster {}\" \"User Commands\"\n", version);
  m += ".SH NAME\numlcluster \\- builds, runs, breaks and measures a cluster of User Mode Linux "
       "nodes with OCFS2\n";
  m += ".SH SYNOPSIS\n.B umlcluster\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n.br\n"
       ".B umlcluster\n\\-\\-help | \\-\\-version\n";
  m += ".SH DESCRIPTION\n" + roff_escape(app.get_description()) +
       "\n.PP\n"
       "Every command has \\fB\\-h\\fR, \\fB\\-\\-help\\fR. Commands that act on a cluster take "
       "\\fB\\-n\\fR \\fINAME\\fR "
       "(or \\fB\\-f\\fR \\fIFILE\\fR to take the name from a cluster file); without either they "
       "use the "
       "only cluster on the host, else \\fBocfs2\\fR. The cluster file is described in "
       "\\fBumlcluster.toml\\fR(5).\n";
  m += ".SH COMMANDS\n";
  walk(app, "", [&](const CLI::App& c, const std::string& path) {
    std::string usage = "umlcluster " + path;
    for (const auto* o : options(c))
      if (o->get_positional() && !o->nonpositional())
        usage += o->get_required() ? " " + upper(o->get_name(true))
                                   : " [" + upper(o->get_name(true)) + "]";
    if (!subcommands(c).empty()) usage += " COMMAND";
    m += ".SS \"" + roff_escape(usage) + "\"\n" + roff_escape(c.get_description()) + "\n";
    for (const auto* o : options(c)) {
      if (o->get_name(false, true) == "-h,--help") continue;
      std::string names = o->nonpositional() ? option_names(o) : o->get_name(true);
      std::string type = o->get_type_name();
      m +=
          ".TP\n.B " + roff_escape(names) +
          (type.empty() || o->get_expected_max() == 0 ? "" : " \\fI" + roff_escape(type) + "\\fR") +
          "\n";
      std::string text = o->get_description();
      if (!o->get_default_str().empty()) text += " (default: " + o->get_default_str() + ")";
      m += roff_escape(text) + "\n";
    }
  });
  m += ".SH EXIT STATUS\n"
       ".TP\n.B 0\ndone\n.TP\n.B 1\nfailed (the message says what and where)\n"
       ".TP\n.B 2\nbad input: the cluster file or the arguments; nothing was changed\n"
       ".TP\n.B 124\n\\fBexec \\-\\-timeout\\fR ran out\n"
       ".TP\n.B 125\n\\fBexec\\fR: umlcluster itself could not run the command (cluster down, no "
       "such node, "
       "the node died under it); otherwise \\fBexec\\fR exits with the command's own code (128+N "
       "after signal N)\n"
       ".TP\n.B 130\ninterrupted (Ctrl\\-C or SIGTERM) during a long step such as \\fBkernel "
       "build\\fR\n";
  m += ".SH ENVIRONMENT\n.TP\n.B UMLCLUSTER_HOME\nwhere umlcluster keeps its state (default "
       "/var/lib/umlcluster)\n";
  m += ".SH FILES\n"
       ".TP\n.I /var/lib/umlcluster/clusters/NAME/\na cluster: cluster.json, its disks, the nodes' "
       "COW files, "
       "console logs, events.jsonl, the supervisor's log and socket\n"
       ".TP\n.I /var/lib/umlcluster/images/\nthe cached root images (\\fBimage list\\fR)\n"
       ".TP\n.I /var/lib/umlcluster/kernels/NAME/\na built kernel: linux, modules.img, config, "
       "manifest.json "
       "(\\fBkernel list\\fR)\n"
       ".TP\n.I /var/lib/umlcluster/kernel\\-builds/, kernel\\-sources/\nobject trees and unpacked "
       "or patched "
       "sources of kernel builds, and each build's log\n"
       ".TP\n.I /usr/lib/umlcluster/\nthe helpers: umlclusterd (a cluster's supervisor), "
       "umlcluster\\-switch, "
       "umlcluster\\-agent (the guests' init)\n";
  m += ".SH SEE ALSO\n\\fBumlcluster.toml\\fR(5), \\fBmkfs.ocfs2\\fR(8), \\fBo2cb\\fR(8), "
       "\\fBfsck.ocfs2\\fR(8)\n";
  return m;
}

std::string cluster_file_man_page(const std::string& version) {
  std::string m =
      fmt::format(".TH UMLCLUSTER.TOML 5 \"\" \"umlcluster {}\" \"File Formats\"\n", version);
  m += ".SH NAME\numlcluster.toml \\- the cluster file of umlcluster\n";
  m += ".SH DESCRIPTION\nA TOML file that describes a cluster for \\fBumlcluster up \\-f\\fR "
       "\\fIFILE\\fR. "
       "Everything has a default: an empty file, or none, is the paper's cluster (node0 "
       "192.168.0.112 and "
       "node1 192.168.0.116, 128M each, one 1G OCFS2 disk at /cluster). A bad file gets every "
       "error at "
       "once, each naming the file, the line and the field, and nothing is started or changed. "
       "Sizes are "
       "written \"128M\", \"1G\", \"2T\" or \"512K\" (a bare number is megabytes).\n";
  for (const auto& t : cluster_file_tables()) {
    m += fmt::format(".SH {}\n{}\n", roff_escape(t.header), roff_escape(t.doc));
    for (const auto& f : cluster_file_fields())
      if (std::string(f.table) == t.name)
        m += fmt::format(".TP\n.B {}\n({}; default: {}) {}\n", roff_escape(f.key),
                         roff_escape(f.type), roff_escape(f.fallback), roff_escape(f.doc));
  }
  m += ".SH EXAMPLE\n.nf\n[cluster]\nname = \"lab\"\n\n[defaults]\nmemory = \"256M\"\n\n[[node]]\n"
       "name = \"node0\"\naddress = \"192.168.0.112\"\n\n[[node]]\nname = \"node1\"\naddress = "
       "\"192.168.0.116\"\nkernel = \"built:paper\"\n\n[[disk]]\nname = \"shared\"\nsize = "
       "\"2G\"\n.fi\n";
  m += ".SH SEE ALSO\n\\fBumlcluster\\fR(1)\n";
  return m;
}

std::string bash_completion(const CLI::App& app) {
  std::string cases, paths = " ";
  auto add = [&](const CLI::App& c, const std::string& path) {
    std::string subs, opts, positional;
    for (const auto* s : subcommands(c)) subs += (subs.empty() ? "" : " ") + s->get_name();
    for (const auto* o : options(c)) {
      if (o->nonpositional()) {
        std::string n = option_names(o);
        std::stringstream ss(n);
        for (std::string one; std::getline(ss, one, ',');) opts += (opts.empty() ? "" : " ") + one;
      } else if (positional.empty()) {
        positional = o->get_name(true);
      }
    }
    cases += fmt::format("    \"{}\") subs=\"{}\"; opts=\"{}\"; pos=\"{}\" ;;\n", path, subs, opts,
                         positional);
    if (!path.empty()) paths += path + "|";
  };
  add(app, "");
  walk(app, "", add);
  std::string s =
      R"BASH(# bash completion for umlcluster: generated by `umlcluster __completion` from the same
# definitions as its --help. Cluster, node and kernel names come from `umlcluster __names`.
_umlcluster() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local path="" w i cluster=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case "$w" in -n|--name) cluster=(-n "${COMP_WORDS[i+1]}");; esac
    case "|PATHSLIST" in *"|${path:+$path }$w|"*) path=${path:+$path }$w;; esac
  done
  local subs="" opts="" pos=""
  case "$path" in
CASES  esac
  case "$prev" in
    -n|--name)
      if [ "$path" != "kernel build" ]; then
        COMPREPLY=($(compgen -W "$(umlcluster __names clusters 2>/dev/null)" -- "$cur")); return
      fi;;
    --kernel) COMPREPLY=($(compgen -W "$(umlcluster __names kernels 2>/dev/null)" -- "$cur")); return;;
    -f|--file|--from|--patch|--config|--source|-o|--out|--json) COMPREPLY=($(compgen -f -- "$cur")); return;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    case "$pos" in
      node|nodes|groups) COMPREPLY=($(compgen -W "$(umlcluster __names nodes "${cluster[@]}" 2>/dev/null)" -- "$cur"));;
      name) [ "$path" = "kernel rm" ] && COMPREPLY=($(compgen -W "$(umlcluster __names kernels 2>/dev/null)" -- "$cur"));;
      image) COMPREPLY=($(compgen -W "$(umlcluster __names images 2>/dev/null)" -- "$cur"));;
    esac
  fi
}
complete -F _umlcluster umlcluster
)BASH";
  std::string list = paths.substr(1);
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  };
  replace("CASES", cases);
  replace("PATHSLIST", list);
  return s;
}

}  // namespace uc::cli
