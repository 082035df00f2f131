// Documents read back as a reader would: the text poppler's pdftotext
// extracts (Chinese included), the pages pdfinfo counts, and every page
// rendered by pdftoppm without an error.
#include "common/document.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing_pdf.h"

namespace atrium::doc {
namespace {

class DocumentTest : public ::testing::Test {
 protected:
  std::string TextOf(const Pdf& pdf) {
    bool ok = false;
    std::string text = reader_.Text(pdf.bytes, &ok);
    EXPECT_TRUE(ok);
    return text;
  }
  int PagesOf(const Pdf& pdf) { return reader_.Pages(pdf.bytes); }
  int Rendered(const Pdf& pdf) { return reader_.Rendered(pdf.bytes); }
  static bool Holds(const std::string& text, const std::string& want) { return testing::PdfReader::Holds(text, want); }

  static Stamp TheStamp() {
    return Stamp{"金陵国际酒店", "会议通知单", "meetings/m1/notice", "第 2 版", "2027-03-01 09:00"};
  }

  testing::PdfReader reader_;
};

TEST_F(DocumentTest, ChineseTextIsExtractableAndEveryPageIsStamped) {
  Document d(TheStamp());
  d.Heading("餐饮安排");
  d.Paragraph("3月15日午餐：自助餐，120人，宴会厅A。");
  d.Paragraph("午餐人数由100人改为120人。", true);
  d.Table({"项目", "内容", "变更"}, {2, 4, 2},
          {{{"午餐人数", "120", "修改，原为：100"}, true}, {{"晚宴", "中式围桌，12桌", ""}, false}});
  d.Signatures({"甲方（客户）", "乙方（酒店）"});
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_TRUE(absl::StartsWith(pdf->bytes, "%PDF-"));
  EXPECT_EQ(pdf->pages, 1);
  EXPECT_EQ(PagesOf(*pdf), 1);
  const std::string text = TextOf(*pdf);
  for (const char* want : {"金陵国际酒店", "会议通知单", "餐饮安排", "自助餐，120人", "午餐人数由100人改为120人",
                           "修改，原为：100", "中式围桌", "甲方（客户）", "乙方（酒店）", "签字", "meetings/m1/notice",
                           "第 2 版", "打印于 2027-03-01 09:00", "第 1 页 / 共 1 页"}) {
    EXPECT_TRUE(Holds(text, want)) << want << " not in:\n" << text;
  }
  EXPECT_EQ(Rendered(*pdf), 1);
}

TEST_F(DocumentTest, ALongTablePaginatesWithItsHeaderOnEveryPage) {
  Document d(TheStamp());
  d.Heading("用房安排");
  std::vector<Document::Row> rows;
  for (int i = 1; i <= 200; ++i) {
    rows.push_back(
        {{absl::StrCat("第", i, "行"), absl::StrCat("豪华大床房 ", i, " 间"), i % 7 == 0 ? "新增" : ""}, i % 7 == 0});
  }
  d.Table({"日期", "房型与数量", "变更"}, {1, 3, 1}, rows);
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_GT(pdf->pages, 3);
  EXPECT_EQ(PagesOf(*pdf), pdf->pages);
  const std::string text = TextOf(*pdf);
  for (int i = 1; i <= 200; ++i) {
    EXPECT_TRUE(Holds(text, absl::StrCat("豪华大床房 ", i, " 间"))) << i;
  }
  // The header on every page, and each page numbered of the whole.
  size_t headers = 0;
  for (size_t at = text.find("房型与数量"); at != std::string::npos; at = text.find("房型与数量", at + 1)) ++headers;
  EXPECT_EQ(headers, static_cast<size_t>(pdf->pages));
  EXPECT_TRUE(Holds(text, absl::StrCat("第 ", pdf->pages, " 页 / 共 ", pdf->pages, " 页")));
  EXPECT_EQ(Rendered(*pdf), pdf->pages);
}

TEST_F(DocumentTest, TextTallerThanAPageContinuesOnTheNext) {
  Document d(TheStamp(), Orientation::kLandscape);
  std::string tall;
  for (int i = 0; i < 120; ++i) absl::StrAppend(&tall, "第", i, "条：会场布置要求。\n");
  d.Table({"要求", "说明"}, {1, 3}, {{{"布置", tall}, false}});
  d.Paragraph(tall);
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_GT(pdf->pages, 4);
  const std::string text = TextOf(*pdf);
  EXPECT_TRUE(absl::StrContains(text, "第0条")) << text.substr(0, 500);
  EXPECT_TRUE(absl::StrContains(text, "第119条"));
  EXPECT_EQ(Rendered(*pdf), pdf->pages);
}

TEST_F(DocumentTest, InvalidUtf8IsPrintedReplacedNotRefused) {
  Document d(TheStamp());
  d.Paragraph("前\xff后");
  d.Table({"a\xfe"}, {1}, {{{"\xc3"}, false}});
  auto pdf = d.Render();
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  const std::string text = TextOf(*pdf);
  EXPECT_TRUE(absl::StrContains(text, "前")) << text;
  EXPECT_TRUE(absl::StrContains(text, "后")) << text;
}

TEST_F(DocumentTest, ADocumentPastTheLimitOfPagesIsRefused) {
  Document d(TheStamp());
  for (int i = 0; i <= kMaxPages; ++i) {
    d.Paragraph("一页");
    d.PageBreak();
  }
  auto pdf = d.Render();
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace atrium::doc
