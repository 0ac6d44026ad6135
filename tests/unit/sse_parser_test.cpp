#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "llm/sse_parser.hpp"

using planetude::llm::SseEvent;
using planetude::llm::SseParser;
using planetude::llm::WireError;

namespace {

// The exact bytes of one real gemini-2.5-flash event, as Gemini streams it.
const std::string kCapturedData =
    R"({"candidates": [{"content": {"parts": [{"text": "1, 2, 3"}],"role": "model"},"finishReason": "STOP","index": 0}],)"
    R"("usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 7,"totalTokenCount": 38,"promptTokensDetails": )"
    R"([{"modality": "TEXT","tokenCount": 8}],"thoughtsTokenCount": 23},"modelVersion": "gemini-2.5-flash",)"
    R"("responseId": "4HkhaaajEJaY0-kPyI_b2A4"})";
const std::string kCapturedEvent = "data: " + kCapturedData + "\r\n\r\n";

std::vector<SseEvent> drain(SseParser& p) {
  std::vector<SseEvent> out;
  while (auto e = p.next()) out.push_back(std::move(*e));
  return out;
}

std::vector<SseEvent> parse_whole(const std::string& bytes) {
  SseParser p;
  p.feed(bytes);
  return drain(p);
}

void expect_same(const std::vector<SseEvent>& got, const std::vector<SseEvent>& want, const std::string& how) {
  ASSERT_EQ(got.size(), want.size()) << how;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].event, want[i].event) << how << " event #" << i;
    EXPECT_EQ(got[i].data, want[i].data) << how << " event #" << i;
  }
}

// Every separator, comments, multi-line data (with LF and CRLF), event names, unknown fields.
const std::string kMixedStream =
    ": hello\r\n"
    "data: {\"n\":1}\r\n\r\n"
    "event: update\n"
    "id: 7\n"
    "retry: 1000\n"
    "data:first\n"
    "data:  second\n"
    "data\n"
    "\n"
    "data: cr-only\r\r"
    "event: multi\r\n"
    "data: one\r\n"
    "data: two\r\n"
    "\r\n"
    ": keep-alive\n\n"
    "foo: bar\n"
    "data: {\"n\":4}\r\n"
    "\n"
    "data: last\r\n\r\n";

const std::vector<SseEvent> kMixedEvents = {
    {"", "{\"n\":1}"}, {"update", "first\n second\n"}, {"", "cr-only"}, {"multi", "one\ntwo"}, {"", "{\"n\":4}"},
    {"", "last"},
};

}  // namespace

TEST(SseParser, CapturedGeminiEvent) {
  SseParser p;
  p.feed(kCapturedEvent);
  auto e = p.next();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->data, kCapturedData);
  EXPECT_EQ(e->event, "");
  EXPECT_FALSE(p.next().has_value());
  EXPECT_FALSE(p.has_partial());
}

TEST(SseParser, EachSeparatorEndsAnEvent) {
  expect_same(parse_whole("data: a\n\ndata: b\r\rdata: c\r\n\r\n"), {{"", "a"}, {"", "b"}, {"", "c"}}, "plain");
  // Line ends mixed inside one blank line still make a blank line.
  expect_same(parse_whole("data: a\r\n\ndata: b\n\r\ndata: c\r\r\n"), {{"", "a"}, {"", "b"}, {"", "c"}}, "mixed");
}

TEST(SseParser, DataWithOrWithoutOneSpace) {
  expect_same(parse_whole("data:x\n\ndata: x\n\ndata:  x\n\n"), {{"", "x"}, {"", "x"}, {"", " x"}}, "spaces");
}

TEST(SseParser, MixedStreamParsedWhole) { expect_same(parse_whole(kMixedStream), kMixedEvents, "whole"); }

TEST(SseParser, SplitAtEveryBytePosition) {
  for (std::size_t i = 0; i <= kMixedStream.size(); ++i) {
    SseParser p;
    p.feed(std::string_view(kMixedStream).substr(0, i));
    p.feed(std::string_view(kMixedStream).substr(i));
    expect_same(drain(p), kMixedEvents, "split at " + std::to_string(i));
    EXPECT_FALSE(p.has_partial());
  }
}

TEST(SseParser, OneByteAtATime) {
  SseParser p;
  std::vector<SseEvent> got;
  for (char c : kMixedStream) {
    p.feed(std::string_view(&c, 1));
    for (auto& e : drain(p)) got.push_back(std::move(e));
  }
  expect_same(got, kMixedEvents, "byte by byte");
  EXPECT_FALSE(p.has_partial());
}

TEST(SseParser, RandomSplitsGiveTheSameEvents) {
  std::mt19937 rng(20240611);
  const std::string stream = kMixedStream + kCapturedEvent + kMixedStream;
  std::vector<SseEvent> want = kMixedEvents;
  want.push_back({"", kCapturedData});
  want.insert(want.end(), kMixedEvents.begin(), kMixedEvents.end());
  for (int round = 0; round < 300; ++round) {
    SseParser p;
    std::vector<SseEvent> got;
    for (std::size_t at = 0; at < stream.size();) {
      std::size_t n = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
      p.feed(std::string_view(stream).substr(at, n));
      at += n;
      if (rng() % 2)
        for (auto& e : drain(p)) got.push_back(std::move(e));
    }
    for (auto& e : drain(p)) got.push_back(std::move(e));
    expect_same(got, want, "round " + std::to_string(round));
    EXPECT_FALSE(p.has_partial());
  }
}

TEST(SseParser, CrThenLfInTheNextPieceIsOneLineEnd) {
  // Were the '\n' read as a second line end, "a" would be dispatched alone.
  SseParser p;
  p.feed("data: a\r");
  p.feed("\ndata: b\r\n\r\n");
  expect_same(drain(p), {{"", "a\nb"}}, "CR|LF");
}

TEST(SseParser, CommentsAreIgnored) {
  expect_same(parse_whole(": ping\n\n:\n\ndata: x\n: inside\n\n"), {{"", "x"}}, "comments");
}

TEST(SseParser, LeadingByteOrderMarkIsSkippedOnce) {
  SseParser p;
  p.feed("\xEF\xBB");
  p.feed(
      "\xBF"
      "data: x\n\n\xEF\xBB\xBF"
      "data: y\n\n");
  expect_same(drain(p), {{"", "x"}}, "bom");  // a BOM later is part of a field name: unknown, ignored
}

TEST(SseParser, HasPartial) {
  SseParser p;
  EXPECT_FALSE(p.has_partial());
  p.feed("\n\n  ");
  EXPECT_FALSE(p.has_partial());
  p.feed("\n");  // a line of spaces: a field with a strange name, ignored
  EXPECT_FALSE(p.has_partial());
  p.feed("data: {\"a\"");
  EXPECT_TRUE(p.has_partial());
  p.feed(":1}\n");
  EXPECT_TRUE(p.has_partial());
  EXPECT_FALSE(p.next().has_value());
  p.feed("\n");
  EXPECT_FALSE(p.has_partial());
  EXPECT_EQ(p.next()->data, "{\"a\":1}");

  p.feed("data: x\r\n\r");  // the second CR already ends the event
  EXPECT_FALSE(p.has_partial());
  EXPECT_EQ(p.next()->data, "x");
  p.feed("\n");
  EXPECT_FALSE(p.next().has_value());

  p.feed(": only a comment\n");
  EXPECT_TRUE(p.has_partial());
}

TEST(SseParser, EventLargerThanOneMebibyteIsRefused) {
  const std::size_t mib = std::size_t{1} << 20;
  {
    SseParser p;
    std::string big = "data: " + std::string(mib - 16, 'x') + "\n\n";
    p.feed(big);
    EXPECT_EQ(p.next()->data.size(), mib - 16);
  }
  {
    SseParser p;  // one line without an end, in pieces
    std::string piece(64 * 1024, 'x');
    p.feed("data: ");
    EXPECT_THROW(
        {
          for (int i = 0; i < 17; ++i) p.feed(piece);
        },
        WireError);
  }
  {
    SseParser p;  // many short data lines, never a blank line
    std::string line = "data: " + std::string(1000, 'y') + "\n";
    EXPECT_THROW(
        {
          for (int i = 0; i < 1100; ++i) p.feed(line);
        },
        WireError);
  }
  {
    SseParser p;  // many events that are small each: no limit on the stream
    std::string event = "data: " + std::string(1000, 'z') + "\n\n";
    for (int i = 0; i < 3000; ++i) {
      p.feed(event);
      ASSERT_TRUE(p.next().has_value());
    }
  }
}
