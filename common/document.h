// Printed documents (单据): the agreement, the notice and its dispatch record,
// the function diary. A Document is a list of blocks (headings, paragraphs,
// tables, signature blocks) laid out on A4 pages as PDF by Cairo, the text
// shaped by Pango in the Noto CJK fonts, so that Chinese prints and can be
// searched and copied from the file. Every page carries the hotel's name and
// the document's title on top and, at the foot, the resource it shows, its
// version or revision, when it was printed and "第 i 页 / 共 n 页".
//
// Rendering is serialised in a process (one font map, one document at a
// time): a document takes tens of milliseconds, and a flood of requests for
// them waits instead of taking memory. A document is at most kMaxPages pages.
//
//   doc::Document d({.hotel = "…", .title = "会议通知单", .resource = name,
//                    .version = "第 2 版", .printed = "2027-03-01 09:00"});
//   d.Heading("餐饮安排");
//   d.Table({"项目", "内容"}, {1, 3}, rows);
//   ASSIGN_OR_RETURN(doc::Pdf pdf, d.Render());
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "atrium/type/v1/document.pb.h"

namespace atrium::doc {

inline constexpr int kMaxPages = 500;
inline constexpr char kPdfMediaType[] = "application/pdf";

// What every page is stamped with.
struct Stamp {
  std::string hotel;     // the hotel's name
  std::string title;     // the document's kind, e.g. "会议通知单"
  std::string resource;  // the resource name it shows
  std::string version;   // its version or revision, as the reader reads it
  std::string printed;   // when it was printed, in the hotel's time zone
};

enum class Orientation { kPortrait, kLandscape };

struct Pdf {
  std::string bytes;
  int pages = 0;
};

// The PDF as the API returns it (atrium.type.v1.Document).
type::v1::Document AsMessage(Pdf pdf, std::string file_name);

class Document {
 public:
  explicit Document(Stamp stamp, Orientation orientation = Orientation::kPortrait);
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;

  // A section's heading; it is never the last thing on a page.
  void Heading(std::string_view text);
  // Wrapped text, split across pages by lines. `marked`: changed since the
  // previous version (shaded, with a bar in the margin).
  void Paragraph(std::string_view text, bool marked = false);
  // A table of `header.size()` columns, `widths` their relative widths. The
  // header repeats on every page the table reaches; a row moves whole to the
  // next page unless it is taller than a page. `compact`: in the small type
  // of the page's foot, for a grid of many columns.
  struct Row {
    std::vector<std::string> cells;
    bool marked = false;
  };
  void Table(std::vector<std::string> header, std::vector<double> widths, std::vector<Row> rows, bool compact = false);
  // Signature blocks side by side, each a caption (e.g. "甲方（客户）") over
  // lines for the signature, the seal and the date.
  void Signatures(std::vector<std::string> captions);
  void PageBreak();
  // Starts a part of its own on a new page, for several documents in one
  // file (a daily batch): its pages are stamped with `stamp` and set in
  // `orientation`, its title on its first page. The page numbers run
  // through the whole file.
  void Part(Stamp stamp, Orientation orientation = Orientation::kPortrait);

  // The PDF. RESOURCE_EXHAUSTED past kMaxPages; INTERNAL when Cairo fails.
  absl::StatusOr<Pdf> Render() const;

  struct Block;  // (document.cc)

 private:
  Stamp stamp_;
  Orientation orientation_;
  std::vector<Block> blocks_;
};

}  // namespace atrium::doc
