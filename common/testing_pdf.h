// Tests only: a printed document read back as a reader would, with
// poppler's tools (poppler-utils): its text (pdftotext), its page count
// (pdfinfo), and whether every page renders without a word of complaint
// (pdftoppm). Each writes the bytes to a temporary file first.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace atrium::testing {

class PdfReader {
 public:
  PdfReader() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pdf-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  }
  // ATRIUM_KEEP_DOCUMENTS=1 keeps the files, to look at them.
  ~PdfReader() {
    if (std::getenv("ATRIUM_KEEP_DOCUMENTS") == nullptr) {
      std::filesystem::remove_all(dir_);
    } else {
      std::printf("documents kept in %s\n", dir_.c_str());
    }
  }
  PdfReader(const PdfReader&) = delete;
  PdfReader& operator=(const PdfReader&) = delete;

  // The text of every page; "" and `ok` false when pdftotext fails.
  std::string Text(const std::string& pdf, bool* ok = nullptr) {
    int status = -1;
    std::string text = Run(absl::StrCat("pdftotext -enc UTF-8 '", Save(pdf), "' - 2>&1"), &status);
    if (ok) *ok = status == 0;
    return status == 0 ? text : "";
  }

  // The page count pdfinfo reads; -1 when it cannot.
  int Pages(const std::string& pdf) {
    const std::string info = Run(absl::StrCat("pdfinfo '", Save(pdf), "' 2>&1"));
    const size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::atoi(info.c_str() + at + 6);
  }

  // How many pages pdftoppm rendered; -1 when it failed or said anything.
  int Rendered(const std::string& pdf) {
    const std::string prefix = absl::StrCat(dir_, "/page", ++saved_, "-");
    int status = -1;
    const std::string out = Run(absl::StrCat("pdftoppm -r 20 -png '", Save(pdf), "' '", prefix, "' 2>&1"), &status);
    if (status != 0 || !out.empty()) return -1;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (absl::StartsWith(e.path().string(), prefix)) ++n;
    }
    return n;
  }

  // Whether `text` holds `want`, spaces and line breaks aside (pdftotext
  // drops the spaces it finds between Chinese characters and digits, and a
  // narrow cell breaks its text over lines).
  static bool Holds(const std::string& text, const std::string& want) {
    auto squeeze = [](std::string s) {
      std::erase_if(s, [](char c) { return c == ' ' || c == '\n'; });
      return s;
    };
    return absl::StrContains(squeeze(text), squeeze(want));
  }

 private:
  std::string Save(const std::string& pdf) {
    const std::string path = absl::StrCat(dir_, "/doc", ++saved_, ".pdf");
    std::ofstream(path, std::ios::binary) << pdf;
    return path;
  }

  static std::string Run(const std::string& cmd, int* status = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int rc = pclose(p);
    if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
  }

  std::string dir_;
  int saved_ = 0;
};

}  // namespace atrium::testing
