#include "common/document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/text.h"

namespace atrium::doc {

struct Document::Block {
  enum Kind { kHeading, kParagraph, kTable, kSignatures, kPageBreak, kPart };
  explicit Block(Kind k) : kind(k) {}
  Kind kind;
  std::vector<std::string> header;  // table: the header; signatures: the captions
  std::vector<double> widths;
  std::vector<Row> rows;  // paragraph and heading: one row of one cell
  bool compact = false;
  Stamp stamp = {};  // a part's
  Orientation orientation = Orientation::kPortrait;
};

namespace {

// A4 in points; the page's margins, header and footer.
constexpr double kA4Width = 595.276, kA4Height = 841.89;
constexpr double kMargin = 48, kHeaderHeight = 40, kFooterHeight = 30;
constexpr double kCellPad = 4, kGap = 6;
constexpr char kFont[] = "Noto Sans CJK SC";

struct GObjectUnref {
  void operator()(void* p) const { g_object_unref(p); }
};
using LayoutPtr = std::shared_ptr<PangoLayout>;

// The one font map, its fonts loaded once; used under kRenderMu only.
absl::Mutex kRenderMu(absl::kConstInit);

PangoFontMap* font_map = nullptr;  // under kRenderMu

// At exit, the font map and the caches of Cairo and fontconfig are given
// back (their documented calls for memory checkers), once no document is
// being rendered: otherwise the leak checker of the sanitizer builds reports
// the fonts' caches. No Cairo object outlives a render.
void ReleaseFonts() {
  absl::MutexLock lock(&kRenderMu);
  if (font_map == nullptr) return;
  g_object_unref(font_map);
  font_map = nullptr;
  cairo_debug_reset_static_data();
  FcFini();
}

PangoFontMap* FontMap() ABSL_EXCLUSIVE_LOCKS_REQUIRED(kRenderMu) {
  if (font_map == nullptr) {
    font_map = pango_cairo_font_map_new();
    // Points: one unit of Pango's is one unit of the PDF surface.
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map), 72);
    static const bool registered = [] { return std::atexit(ReleaseFonts) == 0; }();
    (void)registered;
  }
  return font_map;
}

enum class Style { kBody, kBold, kHeading, kTitle, kSmall, kSmallBold };

// Text laid out `width` points wide.
class Typesetter {
 public:
  Typesetter() : context_(pango_font_map_create_context(FontMap())) {
    cairo_font_options_t* options = cairo_font_options_create();
    // Measured as drawn: no hinting of metrics to a pixel grid.
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_, options);
    cairo_font_options_destroy(options);
  }
  ~Typesetter() { g_object_unref(context_); }
  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  LayoutPtr Lay(std::string_view text, double width, Style style, PangoAlignment align = PANGO_ALIGN_LEFT) const {
    PangoLayout* layout = pango_layout_new(context_);
    const std::string valid = ToValidUtf8(text);
    pango_layout_set_text(layout, valid.data(), static_cast<int>(valid.size()));
    pango_layout_set_width(layout, static_cast<int>(std::max(width, 1.0) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    PangoFontDescription* font = pango_font_description_from_string(kFont);
    double size = 10;
    switch (style) {
      case Style::kBody: break;
      case Style::kBold: pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD); break;
      case Style::kHeading:
        size = 12;
        pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
        break;
      case Style::kTitle:
        size = 18;
        pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
        break;
      case Style::kSmall: size = 8; break;
      case Style::kSmallBold:
        size = 8;
        pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
        break;
    }
    pango_font_description_set_size(font, static_cast<int>(size * PANGO_SCALE));
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    return LayoutPtr(layout, GObjectUnref());
  }

  PangoContext* context() const { return context_; }

 private:
  PangoContext* context_;
};

// The lines of a layout: where each starts, how tall it is, its baseline
// (points from the layout's top).
struct Lines {
  LayoutPtr layout;
  std::vector<double> left, top, height, baseline;  // left: the line's offset (alignment)
  int size() const { return static_cast<int>(top.size()); }
  double HeightOf(int from, int to) const { return from >= to ? 0 : top[to - 1] + height[to - 1] - top[from]; }
};

Lines LinesOf(LayoutPtr layout) {
  Lines out;
  out.layout = layout;
  PangoLayoutIter* it = pango_layout_get_iter(layout.get());
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, nullptr, &logical);
    out.left.push_back(static_cast<double>(logical.x) / PANGO_SCALE);
    out.top.push_back(static_cast<double>(logical.y) / PANGO_SCALE);
    out.height.push_back(static_cast<double>(logical.height) / PANGO_SCALE);
    out.baseline.push_back(static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE);
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  return out;
}

// What is drawn on a page: lines of a layout, rectangles.
struct Op {
  enum Kind { kText, kBox, kShade, kBar, kRule } kind;
  double x = 0, y = 0, w = 0, h = 0;
  LayoutPtr layout;
  int from = 0, to = 0;  // kText: the lines [from, to)
  double first_top = 0;  // kText: top of line `from` in the layout
  std::vector<double> lefts, baselines;
};

using Page = std::vector<Op>;

Op Shape(Op::Kind kind, double x, double y, double w, double h) {
  Op op;
  op.kind = kind;
  op.x = x;
  op.y = y;
  op.w = w;
  op.h = h;
  return op;
}

// Lays the blocks out on pages.
class Composer {
 public:
  explicit Composer(const Typesetter& t) : t_(t), left_(kMargin), top_(kMargin + kHeaderHeight) {}

  // Every page from here on belongs to part `part`, `width` x `height`
  // points; the part starts on a new page.
  void StartPart(int part, double width, double height) {
    part_ = part;
    width_ = width - 2 * kMargin;
    bottom_ = height - kMargin - kFooterHeight;
    NewPage();
  }

  std::vector<Page> Take() && { return std::move(pages_); }
  const std::vector<int>& parts() const { return page_parts_; }
  size_t pages() const { return pages_.size(); }
  // Past kMaxPages: the rest is not laid out.
  bool full() const { return pages_.size() > static_cast<size_t>(kMaxPages); }

  // The document's title, centred under the page's header.
  void Title(const std::string& text) {
    Lines lines = LinesOf(t_.Lay(text, width_, Style::kTitle, PANGO_ALIGN_CENTER));
    Text(lines, 0, lines.size(), left_, y_);
    y_ += lines.HeightOf(0, lines.size()) + kGap * 2;
  }

  void Heading(const std::string& text) {
    Lines lines = LinesOf(t_.Lay(text, width_, Style::kHeading));
    const double h = lines.HeightOf(0, lines.size());
    // With room for a few lines after it, or on the next page.
    if (y_ + kGap + h + 40 > bottom_ && y_ > top_) NewPage();
    y_ += y_ > top_ ? kGap * 2 : 0;
    Text(lines, 0, lines.size(), left_, y_);
    y_ += h + kGap;
  }

  void Paragraph(const std::string& text, bool marked) {
    Lines lines = LinesOf(t_.Lay(text, width_ - (marked ? 2 * kCellPad : 0), Style::kBody));
    for (int from = 0; from < lines.size() && !full();) {
      int to = from;
      while (to < lines.size() && y_ + lines.HeightOf(from, to + 1) <= bottom_) ++to;
      if (to == from) {
        if (y_ > top_) {
          NewPage();
          continue;
        }
        to = from + 1;  // a line taller than a page: drawn as it is
      }
      const double h = lines.HeightOf(from, to);
      if (marked) Mark(left_, y_, width_, h);
      Text(lines, from, to, left_ + (marked ? kCellPad : 0), y_);
      y_ += h;
      from = to;
    }
    y_ += kGap;
  }

  void Table(const Document::Block& b) {
    const double total = std::accumulate(b.widths.begin(), b.widths.end(), 0.0);
    std::vector<double> widths, xs;
    double x = left_;
    for (double w : b.widths) {
      xs.push_back(x);
      widths.push_back(width_ * w / total);
      x += widths.back();
    }
    auto cells = [&](const std::vector<std::string>& texts, Style style) {
      std::vector<Lines> out;
      for (size_t c = 0; c < widths.size(); ++c) {
        out.push_back(LinesOf(t_.Lay(c < texts.size() ? texts[c] : "", widths[c] - 2 * kCellPad, style)));
      }
      return out;
    };
    const std::vector<Lines> header = cells(b.header, b.compact ? Style::kSmallBold : Style::kBold);
    auto row_height = [](const std::vector<Lines>& row, const std::vector<int>& next) {
      double h = 0;
      for (size_t c = 0; c < row.size(); ++c) h = std::max(h, row[c].HeightOf(next[c], row[c].size()));
      return h + 2 * kCellPad;
    };
    const std::vector<int> none(widths.size(), 0);
    const double header_height = row_height(header, none);
    auto draw_header = [&] {
      DrawRow(header, none, xs, widths, header_height, true, false);
      y_ += header_height;
    };
    // The header with the first row, or both on the next page.
    if (y_ + header_height + 40 > bottom_ && y_ > top_) NewPage();
    draw_header();
    for (const Document::Row& row : b.rows) {
      if (full()) return;
      const std::vector<Lines> r = cells(row.cells, b.compact ? Style::kSmall : Style::kBody);
      std::vector<int> next(widths.size(), 0);
      const double whole = row_height(r, next);
      if (y_ + whole > bottom_ && whole <= bottom_ - top_ - header_height) {
        NewPage();
        draw_header();
      }
      // Line by line when it cannot be kept together.
      for (;;) {
        std::vector<int> to = next;
        double h = 0;
        for (size_t c = 0; c < r.size(); ++c) {
          while (to[c] < r[c].size() && y_ + r[c].HeightOf(next[c], to[c] + 1) + 2 * kCellPad <= bottom_) ++to[c];
          h = std::max(h, r[c].HeightOf(next[c], to[c]));
        }
        bool progress = false, rest = false;
        for (size_t c = 0; c < r.size(); ++c) {
          progress = progress || to[c] > next[c];
          rest = rest || to[c] < r[c].size();
        }
        if (!progress && rest) {  // not even a line fits: on to the next page
          if (y_ > top_ + header_height) {
            NewPage();
            draw_header();
            continue;
          }
          for (size_t c = 0; c < r.size(); ++c) to[c] = std::min(next[c] + 1, r[c].size());
          h = 0;
          for (size_t c = 0; c < r.size(); ++c) h = std::max(h, r[c].HeightOf(next[c], to[c]));
        }
        h += 2 * kCellPad;
        DrawRow(r, next, xs, widths, h, false, row.marked, &to);
        y_ += h;
        next = to;
        bool done = true;
        for (size_t c = 0; c < r.size(); ++c) done = done && next[c] >= r[c].size();
        if (done || full()) break;
        NewPage();
        draw_header();
      }
    }
    y_ += kGap;
  }

  void Signatures(const std::vector<std::string>& captions) {
    if (captions.empty()) return;
    const double w =
        (width_ - kGap * 2 * static_cast<double>(captions.size() - 1)) / static_cast<double>(captions.size());
    const double h = 120;
    if (y_ + kGap * 2 + h > bottom_) NewPage();
    y_ += kGap * 2;
    for (size_t i = 0; i < captions.size(); ++i) {
      const double x = left_ + static_cast<double>(i) * (w + kGap * 2);
      Lines caption = LinesOf(t_.Lay(captions[i], w - 2 * kCellPad, Style::kBold));
      Text(caption, 0, caption.size(), x + kCellPad, y_ + kCellPad);
      double line_y = y_ + kCellPad + caption.HeightOf(0, caption.size()) + 8;
      for (const char* label : {"签字：", "盖章：", "日期："}) {
        Lines l = LinesOf(t_.Lay(label, 40, Style::kBody));
        Text(l, 0, l.size(), x + kCellPad, line_y + 14);
        page().push_back(Shape(Op::kRule, x + kCellPad + 40, line_y + 28, w - 2 * kCellPad - 40, 0));
        line_y += 28;
      }
      page().push_back(Shape(Op::kBox, x, y_, w, h));
    }
    y_ += h + kGap;
  }

  void PageBreak() {
    if (y_ > top_) NewPage();
  }

 private:
  Page& page() { return pages_.back(); }

  void NewPage() {
    pages_.emplace_back();
    page_parts_.push_back(part_);
    y_ = top_;
  }

  void Text(const Lines& lines, int from, int to, double x, double y) {
    if (from >= to) return;
    Op op = Shape(Op::kText, x, y, 0, 0);
    op.layout = lines.layout;
    op.from = from;
    op.to = to;
    op.first_top = lines.top[from];
    op.lefts = lines.left;
    op.baselines = lines.baseline;
    page().push_back(std::move(op));
  }

  void Mark(double x, double y, double w, double h) {
    page().push_back(Shape(Op::kShade, x, y, w, h));
    page().push_back(Shape(Op::kBar, x - 6, y, 3, h));
  }

  void DrawRow(const std::vector<Lines>& row, const std::vector<int>& from, const std::vector<double>& xs,
               const std::vector<double>& widths, double h, bool header, bool marked,
               const std::vector<int>* to = nullptr) {
    const double total = std::accumulate(widths.begin(), widths.end(), 0.0);
    if (header) page().push_back(Shape(Op::kShade, xs[0], y_, total, h));
    if (marked) Mark(xs[0], y_, total, h);
    for (size_t c = 0; c < row.size(); ++c) {
      Text(row[c], from[c], to ? (*to)[c] : row[c].size(), xs[c] + kCellPad, y_ + kCellPad);
      page().push_back(Shape(Op::kBox, xs[c], y_, widths[c], h));
    }
  }

  const Typesetter& t_;
  const double left_, top_;
  double width_ = 0, bottom_ = 0;
  int part_ = 0;
  double y_ = 0;
  std::vector<Page> pages_;
  std::vector<int> page_parts_;  // the part of each page
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void Draw(cairo_t* cr, const Op& op) {
  switch (op.kind) {
    case Op::kText:
      for (int i = op.from; i < op.to; ++i) {
        const size_t line = static_cast<size_t>(i);
        cairo_move_to(cr, op.x + op.lefts[line], op.y + op.baselines[line] - op.first_top);
        pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(op.layout.get(), i));
      }
      break;
    case Op::kBox:
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_line_width(cr, 0.5);
      cairo_rectangle(cr, op.x, op.y, op.w, op.h);
      cairo_stroke(cr);
      break;
    case Op::kShade:
      cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
      cairo_rectangle(cr, op.x, op.y, op.w, op.h);
      cairo_fill(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      break;
    case Op::kBar:
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_rectangle(cr, op.x, op.y, op.w, op.h);
      cairo_fill(cr);
      break;
    case Op::kRule:
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_line_width(cr, 0.5);
      cairo_move_to(cr, op.x, op.y);
      cairo_line_to(cr, op.x + op.w, op.y);
      cairo_stroke(cr);
      break;
  }
}

}  // namespace

type::v1::Document AsMessage(Pdf pdf, std::string file_name) {
  type::v1::Document out;
  out.set_media_type(kPdfMediaType);
  out.set_page_count(pdf.pages);
  out.set_file_name(std::move(file_name));
  *out.mutable_data() = std::move(pdf.bytes);
  return out;
}

Document::Document(Stamp stamp, Orientation orientation) : stamp_(std::move(stamp)), orientation_(orientation) {}
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

void Document::Heading(std::string_view text) {
  Block b{Block::kHeading};
  b.rows = {Row{{std::string(text)}, false}};
  blocks_.push_back(std::move(b));
}

void Document::Paragraph(std::string_view text, bool marked) {
  Block b{Block::kParagraph};
  b.rows = {Row{{std::string(text)}, marked}};
  blocks_.push_back(std::move(b));
}

void Document::Table(std::vector<std::string> header, std::vector<double> widths, std::vector<Row> rows, bool compact) {
  widths.resize(header.size(), 1);
  for (double& w : widths) w = std::max(w, 0.01);
  Block b{Block::kTable};
  b.header = std::move(header);
  b.widths = std::move(widths);
  b.rows = std::move(rows);
  b.compact = compact;
  blocks_.push_back(std::move(b));
}

void Document::Signatures(std::vector<std::string> captions) {
  Block b{Block::kSignatures};
  b.header = std::move(captions);
  blocks_.push_back(std::move(b));
}

void Document::PageBreak() { blocks_.push_back(Block{Block::kPageBreak}); }

void Document::Part(Stamp stamp, Orientation orientation) {
  Block b{Block::kPart};
  b.stamp = std::move(stamp);
  b.orientation = orientation;
  blocks_.push_back(std::move(b));
}

absl::StatusOr<Pdf> Document::Render() const {
  // The document's own stamp is its first part's; Part() adds the others.
  struct PartOf {
    const Stamp* stamp;
    Orientation orientation;
  };
  std::vector<PartOf> parts = {{&stamp_, orientation_}};
  auto size_of = [](Orientation o) {
    return o == Orientation::kLandscape ? std::make_pair(kA4Height, kA4Width) : std::make_pair(kA4Width, kA4Height);
  };
  absl::MutexLock lock(&kRenderMu);
  Typesetter t;
  Composer c(t);
  auto start = [&](int part) {
    const auto [w, h] = size_of(parts[static_cast<size_t>(part)].orientation);
    c.StartPart(part, w, h);
    c.Title(parts[static_cast<size_t>(part)].stamp->title);  // under the page's header, once
  };
  start(0);
  for (const Block& b : blocks_) {
    switch (b.kind) {
      case Block::kPart:
        parts.push_back({&b.stamp, b.orientation});
        start(static_cast<int>(parts.size()) - 1);
        break;
      case Block::kHeading: c.Heading(b.rows[0].cells[0]); break;
      case Block::kParagraph: c.Paragraph(b.rows[0].cells[0], b.rows[0].marked); break;
      case Block::kTable:
        if (!b.header.empty()) c.Table(b);
        break;
      case Block::kSignatures: c.Signatures(b.header); break;
      case Block::kPageBreak: c.PageBreak(); break;
    }
    if (c.full()) {
      return absl::ResourceExhaustedError(absl::StrCat("the document would pass ", kMaxPages, " pages"));
    }
  }
  const std::vector<int> page_parts = c.parts();
  const std::vector<Page> pages = std::move(c).Take();

  Pdf out;
  out.pages = static_cast<int>(pages.size());
  const auto [first_width, first_height] = size_of(orientation_);
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out.bytes, first_width, first_height);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 ToValidUtf8(stamp_.title + " " + stamp_.resource).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Atrium");
  cairo_t* cr = cairo_create(surface);
  pango_cairo_update_context(cr, t.context());
  for (size_t i = 0; i < pages.size(); ++i) {
    const PartOf& part = parts[static_cast<size_t>(page_parts[i])];
    const auto [width, height] = size_of(part.orientation);
    cairo_pdf_surface_set_size(surface, width, height);  // before anything is drawn on the page
    const double content = width - 2 * kMargin;
    const LayoutPtr top = t.Lay(part.stamp->hotel, content, Style::kBold, PANGO_ALIGN_CENTER);
    const std::string foot_left =
        absl::StrCat(part.stamp->resource, "  ", part.stamp->version, "  打印于 ", part.stamp->printed);
    cairo_move_to(cr, kMargin, kMargin);
    pango_cairo_show_layout(cr, top.get());
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, kMargin, kMargin + kHeaderHeight - 10);
    cairo_line_to(cr, width - kMargin, kMargin + kHeaderHeight - 10);
    cairo_stroke(cr);
    const LayoutPtr foot = t.Lay(foot_left, content * 0.75, Style::kSmall);
    cairo_move_to(cr, kMargin, height - kMargin - kFooterHeight + 8);
    pango_cairo_show_layout(cr, foot.get());
    const LayoutPtr number = t.Lay(absl::StrCat("第 ", i + 1, " 页 / 共 ", pages.size(), " 页"), content * 0.25,
                                   Style::kSmall, PANGO_ALIGN_RIGHT);
    cairo_move_to(cr, kMargin + content * 0.75, height - kMargin - kFooterHeight + 8);
    pango_cairo_show_layout(cr, number.get());
    for (const Op& op : pages[i]) Draw(cr, op);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("the PDF could not be made: ", cairo_status_to_string(status)));
  }
  return out;
}

}  // namespace atrium::doc
