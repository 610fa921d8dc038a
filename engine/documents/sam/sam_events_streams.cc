// Function events Lambda polls: SQS, Kinesis, DynamoDB, MQ, MSK,
// SelfManagedKafka, DocumentDB. Each becomes an
// AWS::Lambda::EventSourceMapping <Fn><Event> with the event's settings
// carried over, and adds the read permissions SAM gives the function's role
// (AWS-managed execution-role policies, or inline statements for MQ, Kafka
// and DocumentDB, and the on-failure destination).
#include "documents/sam/sam_transform.h"

namespace moat::sam {

namespace {

// Event properties copied to the mapping as they are.
constexpr std::string_view kCarried[] = {
    "BatchSize", "StartingPosition", "StartingPositionTimestamp", "Enabled", "FilterCriteria",
    "FunctionResponseTypes", "MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumBatchingWindowInSeconds",
    "MaximumRecordAgeInSeconds", "ParallelizationFactor", "TumblingWindowInSeconds", "Queues",
    "SourceAccessConfigurations", "Topics", "ScalingConfig", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig",
    "DocumentDBEventSourceConfig", "AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig",
    "SchemaRegistryConfig", "Tags",
};

Value statement(Transform& t, std::vector<Value> actions, Value resource) {
  return t.map({{"Action", t.list(actions)}, {"Effect", t.str("Allow")}, {"Resource", resource}});
}

// Secrets named by SourceAccessConfigurations (BASIC_AUTH, SASL_SCRAM_*, CLIENT_CERTIFICATE_TLS_AUTH, ...).
void secret_statements(Transform& t, const Value* access, std::vector<Value>& out) {
  if (access == nullptr || !access->is_list()) return;
  for (const Value& a : access->as_list()) {
    std::string type = text(member(a, "Type"));
    const Value* uri = member(a, "URI");
    if (uri == nullptr || type == "VPC_SUBNET" || type == "VPC_SECURITY_GROUP" || type == "VIRTUAL_HOST") continue;
    out.push_back(statement(t, {t.str("secretsmanager:GetSecretValue")}, *uri));
  }
}

bool has_vpc_access(const Value* access) {
  if (access == nullptr || !access->is_list()) return false;
  for (const Value& a : access->as_list()) {
    std::string type = text(member(a, "Type"));
    if (type == "VPC_SUBNET" || type == "VPC_SECURITY_GROUP") return true;
  }
  return false;
}

Value vpc_statement(Transform& t) {
  return statement(t,
                   {t.str("ec2:CreateNetworkInterface"), t.str("ec2:DescribeNetworkInterfaces"),
                    t.str("ec2:DeleteNetworkInterface"), t.str("ec2:DescribeVpcs"), t.str("ec2:DescribeSubnets"),
                    t.str("ec2:DescribeSecurityGroups")},
                   t.str("*"));
}

}  // namespace

void expand_stream_event(Transform& t, const Event& e, const Target& target) {
  std::vector<std::pair<std::string, Value>> props;
  props.emplace_back("FunctionName", target.ref);
  std::string_view source_key = e.type == "SQS"          ? "Queue"
                                : e.type == "MQ"         ? "Broker"
                                : e.type == "DocumentDB" ? "Cluster"
                                                         : "Stream";
  const Value* source = member(e.props, source_key);
  if (source) props.emplace_back("EventSourceArn", *source);
  for (std::string_view key : kCarried)
    if (const Value* v = member(e.props, key)) props.emplace_back(std::string(key), *v);
  if (const Value* g = member(e.props, "ConsumerGroupId")) {
    std::string cfg = e.type == "MSK" ? "AmazonManagedKafkaEventSourceConfig" : "SelfManagedKafkaEventSourceConfig";
    props.emplace_back(cfg, t.map({{"ConsumerGroupId", *g}}));
  }
  if (const Value* servers = member(e.props, "KafkaBootstrapServers"))
    props.emplace_back("SelfManagedEventSource",
                       t.map({{"Endpoints", t.map({{"KafkaBootstrapServers", *servers}})}}));
  if (e.type == "DocumentDB") {
    std::vector<std::pair<std::string, Value>> cfg;
    for (std::string_view key : {"DatabaseName", "CollectionName", "FullDocument"})
      if (const Value* v = member(e.props, key)) cfg.emplace_back(std::string(key), *v);
    if (!cfg.empty()) props.emplace_back("DocumentDBEventSourceConfig", t.map(cfg));
  }

  Transform::RoleAdditions& role = t.role_additions(e.owner);
  // DestinationConfig.OnFailure {Type, Destination}: the mapping gets the
  // destination, the role the right to send there.
  if (const Value* dc = member(e.props, "DestinationConfig"); dc && dc->is_map()) {
    const Value* on_failure = member(*dc, "OnFailure");
    const Value* dest = on_failure ? member(*on_failure, "Destination") : nullptr;
    if (dest) {
      props.emplace_back("DestinationConfig", t.map({{"OnFailure", t.map({{"Destination", *dest}})}}));
      std::string type = text(member(*on_failure, "Type"));
      std::string action = type == "SNS" ? "sns:publish" : type == "S3" ? "s3:PutObject" : "sqs:SendMessage";
      if (!type.empty())
        role.policies.emplace_back(cat(e.owner, e.name, "DestinationPolicy"),
                                   t.list({statement(t, {t.str(action)}, *dest)}));
    }
  }
  t.add_for_event(cat(e.owner, e.name), "AWS::Lambda::EventSourceMapping", t.map(props), e);

  const Value* access = member(e.props, "SourceAccessConfigurations");
  if (e.type == "SQS") {
    role.managed_arns.push_back(t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"));
  } else if (e.type == "Kinesis") {
    role.managed_arns.push_back(t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"));
  } else if (e.type == "DynamoDB") {
    role.managed_arns.push_back(t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"));
  } else if (e.type == "MSK") {
    role.managed_arns.push_back(t.str("arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole"));
    std::vector<Value> statements;
    secret_statements(t, access, statements);
    if (!statements.empty()) role.policies.emplace_back("MSKExecutionRolePolicy", t.list(statements));
  } else if (e.type == "MQ") {
    std::vector<Value> statements;
    secret_statements(t, access, statements);
    if (source) statements.push_back(statement(t, {t.str("mq:DescribeBroker")}, *source));
    role.policies.emplace_back("SamAutoGeneratedAMQPolicy", t.list(statements));
  } else if (e.type == "SelfManagedKafka") {
    std::vector<Value> statements;
    secret_statements(t, access, statements);
    if (has_vpc_access(access)) statements.push_back(vpc_statement(t));
    if (!statements.empty()) role.policies.emplace_back("SelfManagedKafkaExecutionRolePolicy", t.list(statements));
  } else if (e.type == "DocumentDB") {
    std::vector<Value> statements;
    secret_statements(t, access, statements);
    if (source)
      statements.push_back(statement(t, {t.str("rds:DescribeDBClusterParameters"), t.str("rds:DescribeDBClusters"),
                                         t.str("rds:DescribeDBSubnetGroups")},
                                     *source));
    statements.push_back(vpc_statement(t));
    role.policies.emplace_back("SamAutoGeneratedDocumentDBPolicy", t.list(statements));
  }
}

}  // namespace moat::sam
