// load_event on hostile and unusual input (malformed JSON, bad base64,
// invalid UTF-8, gzip bombs, nesting and field-count limits), source
// detection, and every sample event of ../shared/corpus/aws-sam-cli and
// aws-lambda-go.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "event_test_util.h"

namespace moat {
namespace {

using namespace event_test;

TEST(EventLoader, MalformedJsonIsAnErrorWithItsLocation) {
  auto doc = load_event("{\n  \"Records\": [\n    {\"a\": }\n  ]\n}", "bad.json");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(doc.status().message()).rfind("bad.json:3:11: ", 0), 0u) << doc.status();
  EXPECT_FALSE(load_event("", "empty.json").ok());
  EXPECT_FALSE(load_event_file("/nonexistent/event.json").ok());
}

TEST(EventLoader, BadBase64AndInvalidUtf8) {
  Event e = Load(R"({"Records": [
    {"eventSource": "aws:kinesis", "kinesis": {"data": "{{{data}}}"}},
    {"eventSource": "aws:kinesis", "kinesis": {"data": "/w=="}}]})");
  EXPECT_EQ(e.source, "kinesis");
  ASSERT_EQ(e.warnings.size(), 1u) << e.all_warnings();
  EXPECT_NE(e.warnings[0].find("/Records/0/kinesis/data: not valid base64"), std::string::npos);
  EXPECT_EQ(e.at("/Records/0/kinesis/data").value, "{{{data}}}");
  EXPECT_EQ(e.at("/Records/0/kinesis/data").decoding, "");
  EXPECT_EQ(e.at("/Records/1/kinesis/data").value, "\xEF\xBF\xBD");
  EXPECT_EQ(e.at("/Records/1/kinesis/data").decoding, "base64,utf8_replace");
}

TEST(EventLoader, GzipBombStopsAtTheBudget) {
  std::string zeros(4u << 20, 'A');
  std::string bomb = base64(gzip(zeros));
  EventLoadOptions options;
  options.max_decoded_bytes = 1u << 20;
  Event e = Load(R"({"awslogs": {"data": ")" + bomb + R"("}})", options);
  EXPECT_EQ(e.source, "cloudwatch.logs");
  ASSERT_FALSE(e.warnings.empty());
  EXPECT_NE(e.all_warnings().find("exceeds the limit"), std::string::npos) << e.all_warnings();
  const Field& data = e.at("/awslogs/data");
  EXPECT_EQ(data.decoding, "base64,utf8_replace");  // kept compressed
  EXPECT_LT(data.value.size(), 1u << 20);

  // The budget is shared by every field of the event.
  std::string one = base64(std::string(600 << 10, 'x'));
  Event two = Load(R"({"Records": [{"eventSource": "aws:kinesis", "kinesis": {"data": ")" + one +
                       R"("}}, {"eventSource": "aws:kinesis", "kinesis": {"data": ")" + one + R"("}}]})",
                   options);
  EXPECT_EQ(two.at("/Records/0/kinesis/data").decoding, "base64");
  EXPECT_EQ(two.at("/Records/1/kinesis/data").decoding, "");
  EXPECT_NE(two.all_warnings().find("/Records/1/kinesis/data: decoded data exceeds max_decoded_bytes"),
            std::string::npos)
      << two.all_warnings();
}

TEST(EventLoader, NestingIsBounded) {
  // A string holding JSON holding a string holding JSON ... ten levels.
  std::string inner = q("end");
  for (int i = 0; i < 10; ++i) inner = q("{\"v\": " + inner + "}");
  Event e = Load(R"({"Records": [{"eventSource": "aws:sqs", "body": )" + inner + "}]}");
  EXPECT_EQ(e.source, "sqs");
  EXPECT_NE(e.all_warnings().find("nesting limit (8 decoding layers)"), std::string::npos) << e.all_warnings();
  size_t deepest = 0;
  for (const Field& f : e.fields) deepest = std::max(deepest, size_t(std::count(f.pointer.begin(), f.pointer.end(), '#')));
  EXPECT_EQ(deepest, 8u);

  EventLoadOptions options;
  options.max_nesting = 1;
  Event shallow = Load(R"({"Records": [{"eventSource": "aws:kinesis", "kinesis": {"data": ")" + base64("{\"a\": 1}") +
                           R"("}}]})",
                       options);
  EXPECT_EQ(shallow.at("/Records/0/kinesis/data").decoding, "base64");
  EXPECT_EQ(shallow.at("/Records/0/kinesis/data").value, "{\"a\": 1}");
}

TEST(EventLoader, FieldCountIsBounded) {
  std::string records;
  for (int i = 0; i < 50; ++i) records += std::string(i ? "," : "") + R"({"eventSource": "aws:sqs", "body": "b"})";
  EventLoadOptions options;
  options.max_fields = 10;
  Event e = Load(R"({"Records": [)" + records + "]}", options);
  EXPECT_EQ(e.fields.size() + e.trusted.size(), 10u);
  EXPECT_NE(e.all_warnings().find("more than 10 fields"), std::string::npos);
}

TEST(EventLoader, DetectEventSource) {
  auto detect = [](std::string_view json) {
    Arena arena;
    Value v;
    EXPECT_TRUE(read_json(json, arena, {}, &v, nullptr));
    return std::string(detect_event_source(v));
  };
  EXPECT_EQ(detect(R"({"Records": [{"eventSource": "aws:s3", "s3": {}}]})"), "s3");
  EXPECT_EQ(detect(R"({"Records": [{"eventSource": "aws:codecommit"}]})"), "");
  EXPECT_EQ(detect(R"({"Records": []})"), "");
  EXPECT_EQ(detect(R"({"statusCode": 200, "body": "x"})"), "");       // a function response
  EXPECT_EQ(detect(R"({"isAuthorized": true})"), "");
  EXPECT_EQ(detect(R"({"invocationId": "i", "applicationArn": "a", "records": []})"), "");  // Kinesis Analytics
  EXPECT_EQ(detect(R"({"records": [{"recordId": "r", "result": "Ok", "data": ""}]})"), "");  // Firehose response
  EXPECT_EQ(detect(R"({"awslogs": {"data": "x"}})"), "cloudwatch.logs");
  EXPECT_EQ(detect(R"({"eventSource": "aws:kafka", "records": {}})"), "kafka");
  EXPECT_EQ(detect("42"), "");
  EXPECT_EQ(detect("{}"), "");
}

// ---- Corpus ----------------------------------------------------------------

// Expected source per sample, by a fragment of its path (first match wins);
// samples that match nothing must come out "unknown".
const std::vector<std::pair<std::string, std::string>>& expected_sources() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"apigw-custom-auth-response", "unknown"},
      {"apigw-custom-auth-request", "apigateway.authorizer"},
      {"apigw-v2-custom-authorizer", "apigateway.authorizer"},
      {"apigateway/ApiGatewayAuthorizer.json", "apigateway.authorizer"},
      {"apigateway/ApiGatewayRestRequestAuthorizer.json", "apigateway.authorizer"},
      {"apigateway/authorizer.json", "apigateway.authorizer"},
      {"apigateway/request-authorizer.json", "apigateway.authorizer"},
      {"apigateway/AwsProxy.json", "apigateway.rest"},
      {"apigateway/aws-proxy.json", "apigateway.rest"},
      {"apigw-request.json", "apigateway.rest"},
      {"apigw-restapi-openapi-request.json", "apigateway.rest"},
      {"apigateway/HttpApi.json", "apigateway.http"},
      {"apigateway/http-api-proxy.json", "apigateway.http"},
      {"apigw-v2-request", "apigateway.http"},
      {"apigw-websocket-request", "apigateway.websocket"},
      {"lambda-urls-request.json", "lambda.url"},
      {"lambdaurl/testdata/", "lambda.url"},
      {"alb-lambda-target-request", "alb"},
      {"alb/ALBRequest.json", "alb"},
      {"_rendered/alb/request.json", "alb"},
      {"/cloudfront/", "cloudfront"},
      {"s3/S3Put.json", "s3"},
      {"s3/S3Delete.json", "s3"},
      {"s3/put.json", "s3"},
      {"s3/delete.json", "s3"},
      {"rekognition/", "s3"},
      {"testdata/s3-event", "s3"},
      {"testdata/s3-glacier-event", "s3"},
      {"testdata/s3-intelligenttier-event", "s3"},
      {"testdata/s3-lifecycle-event", "s3"},
      {"testdata/s3-replication-event", "s3"},
      {"testdata/s3-restore-event", "s3"},
      {"sqs/", "sqs"},
      {"sqs-event.json", "sqs"},
      {"sns/", "sns"},
      {"testdata/sns-event.json", "sns"},
      {"cloudwatch-alarm-sns-payload", "sns"},
      {"ses/", "ses"},
      {"testdata/ses-", "ses"},
      {"dynamodb/", "dynamodb"},
      {"dynamodb-event.json", "dynamodb"},
      {"dynamodb-time-window-event.json", "dynamodb"},
      {"kinesis/Kinesis.json", "kinesis"},
      {"kinesis/get-records.json", "kinesis"},
      {"kinesis-event.json", "kinesis"},
      {"kinesis-time-window-event.json", "kinesis"},
      {"kinesis/KinesisFirehose", "firehose"},
      {"kinesis/kinesis-firehose.json", "firehose"},
      {"kinesis/apachelog.json", "firehose"},
      {"kinesis/syslog.json", "firehose"},
      {"kinesis/cloudwatch-logs-processor.json", "firehose"},
      {"kinesis/streams-as-source.json", "firehose"},
      {"kinesis-firehose-event.json", "firehose"},
      {"kafka-event.json", "kafka"},
      {"activemq-event.json", "mq"},
      {"rabbitmq-event.json", "mq"},
      {"cloudwatch/CloudwatchLogs.json", "cloudwatch.logs"},
      {"cloudwatch/logs.json", "cloudwatch.logs"},
      {"cloudwatch-logs-event.json", "cloudwatch.logs"},
      {"cloudwatch/ScheduledEvent.json", "scheduled"},
      {"cloudwatch/scheduled-event.json", "scheduled"},
      {"testdata/autoscaling-event", "eventbridge"},
      {"testdata/codebuild-", "eventbridge"},
      {"testdata/codedeploy-", "eventbridge"},
      {"testdata/codepipeline-action-execution", "eventbridge"},
      {"testdata/codepipeline-execution", "eventbridge"},
      {"testdata/ecr-image-", "eventbridge"},
      {"testdata/ecs-container-instance", "eventbridge"},
      {"testdata/cognito-event", "cognito"},
      {"cognito/", "cognito"},
      {"iot-1-click-event.json", "iot"},
      {"iot-button-event.json", "iot"},
      {"iot-custom-auth-request.json", "iot"},
      {"iot-preprovision-hook-request.json", "iot"},
  };
  return table;
}

std::string expected_source(const std::string& relative) {
  for (const auto& [fragment, source] : expected_sources())
    if (relative.find(fragment) != std::string::npos) return source;
  return "unknown";
}

TEST(EventLoaderCorpusHeavy, SampleEvents) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(MOAT_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (!fs::is_directory(corpus / "aws-sam-cli") || !fs::is_directory(corpus / "aws-lambda-go"))
    GTEST_SKIP() << "no sample events at " << corpus.string() << " (../shared/corpus is optional)";

  std::map<std::string, std::string> malformed;  // relative path -> reason
  {
    std::ifstream tsv(corpus / "_malformed.tsv");
    std::string line;
    while (std::getline(tsv, line)) {
      size_t tab = line.find('\t');
      if (tab != std::string::npos) malformed[line.substr(0, tab)] = line.substr(tab + 1);
    }
  }

  struct Row {
    std::string file, expected, got, problem;
    size_t untrusted = 0, trusted = 0, warnings = 0;
  };
  std::vector<Row> rows;
  for (const char* folder : {"aws-sam-cli", "aws-lambda-go"}) {
    for (const auto& entry : fs::recursive_directory_iterator(corpus / folder)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      Row row;
      row.file = fs::relative(entry.path(), corpus).generic_string();
      if (row.file.find("event-mapping.json") != std::string::npos) continue;  // sam-cli's index, not an event
      row.expected = malformed.count(row.file) ? "error" : expected_source(row.file);
      auto doc = load_event_file(entry.path().string());
      if (!doc.ok()) {
        row.got = "error";
        // name:line:col: message
        std::string message(doc.status().message());
        std::string prefix = entry.path().string() + ":";
        bool located = message.rfind(prefix, 0) == 0 && message.size() > prefix.size() &&
                       std::isdigit(static_cast<unsigned char>(message[prefix.size()]));
        if (!located) row.problem = "error without a location: " + message;
      } else {
        Event e = parse_event(*doc);
        row.got = e.source;
        row.untrusted = e.fields.size();
        row.trusted = e.trusted.size();
        row.warnings = e.warnings.size();
        if (e.source == "unknown" && e.warnings.empty()) row.problem = "unknown without a warning";
        // A schedule has no attacker-controlled fields by design.
        if (e.source != "unknown" && e.source != "scheduled" && e.fields.empty())
          row.problem = "recognized but no untrusted field";
      }
      if (row.got != row.expected && row.problem.empty()) row.problem = "wrong source";
      rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.file < b.file; });

  std::map<std::string, int> per_source;
  size_t failures = 0;
  for (const Row& r : rows) {
    ++per_source[r.got];
    failures += !r.problem.empty();
  }
  std::ostringstream summary;
  summary << rows.size() << " sample events:";
  for (const auto& [source, n] : per_source) summary << " " << source << "=" << n;
  std::cout << "[ corpus   ] " << summary.str() << "\n";
  EXPECT_GT(rows.size(), 200u);
  if (failures > 0) {
    std::ostringstream table;
    table << "file | expected | got | untrusted | trusted | warnings | problem\n";
    for (const Row& r : rows)
      table << r.file << " | " << r.expected << " | " << r.got << " | " << r.untrusted << " | " << r.trusted << " | "
            << r.warnings << " | " << (r.problem.empty() ? "ok" : r.problem) << "\n";
    ADD_FAILURE() << failures << " of " << rows.size() << " sample events failed\n" << table.str();
  }
}

}  // namespace
}  // namespace moat
