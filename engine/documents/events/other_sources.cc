// EventBridge (custom and AWS events, schedules, S3 via EventBridge),
// Cognito triggers, AWS IoT, and payloads that are not recognized.
#include <string>
#include <utility>

#include "documents/events/sources.h"

namespace moat::events {
namespace {

constexpr int64_t kNoRecord = -1;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The envelope: source, detail-type and resources are whatever the sender
// put, and only AWS may send a source starting with "aws.".
void envelope(EventBuilder& b, const Value& p, bool all_trusted) {
  bool aws = starts_with(string_member(p, "source"), "aws.");
  bool trusted = aws || all_trusted;
  static constexpr std::pair<std::string_view, std::string_view> kSender[] = {
      {"source", "eventbridge.source"}, {"detail-type", "eventbridge.detail_type"}};
  for (const auto& [k, name] : kSender) {
    if (trusted) b.trusted(child("", k), name, member(p, k), kNoRecord);
    else b.untrusted(child("", k), name, member(p, k), kNoRecord);
  }
  if (const ListRep* resources = list_member(p, "resources")) {
    for (uint32_t i = 0; i < resources->size; ++i) {
      if (trusted) b.trusted(child("/resources", i), "eventbridge.resource", &resources->items[i], kNoRecord);
      else b.untrusted(child("/resources", i), "eventbridge.resource", resources->items[i], kNoRecord);
    }
  }
  b.trusted("/account", "eventbridge.account", member(p, "account"), kNoRecord);
  b.trusted("/region", "eventbridge.region", member(p, "region"), kNoRecord);
  b.trusted("/time", "eventbridge.time", member(p, "time"), kNoRecord);
  b.trusted("/id", "eventbridge.id", member(p, "id"), kNoRecord);
}

}  // namespace

void extract_eventbridge(EventBuilder& b, const Value& p, bool scheduled) {
  envelope(b, p, scheduled);
  // Events from AWS services still carry what users chose (names, tags,
  // CloudTrail requestParameters): the detail is never trusted, except for
  // a schedule, whose detail is fixed in the rule.
  if (scheduled) b.trusted_all("/detail", "eventbridge.detail", member(p, "detail"), kNoRecord);
  else b.untrusted_strings("/detail", "eventbridge.detail", member(p, "detail"), kNoRecord);
}

void extract_s3_eventbridge(EventBuilder& b, const Value& p) {
  envelope(b, p, false);
  const Value* detail = member(p, "detail");
  if (detail == nullptr) return;
  // Unlike S3's own notifications, EventBridge events carry the key as is.
  b.untrusted("/detail/object/key", "s3.object.key", member_at(*detail, {"object", "key"}), kNoRecord);
  b.untrusted("/detail/requester", "s3.requester", member(*detail, "requester"), kNoRecord);
  b.untrusted("/detail/source-ip-address", "s3.source_ip", member(*detail, "source-ip-address"), kNoRecord);
  b.trusted("/detail/bucket/name", "s3.bucket.name", member_at(*detail, {"bucket", "name"}), kNoRecord);
  b.trusted("/detail/reason", "s3.reason", member(*detail, "reason"), kNoRecord);
}

void extract_cognito(EventBuilder& b, const Value& p) {
  if (const Value* records = member(p, "datasetRecords")) {
    // Cognito Sync: the identity wrote the dataset.
    b.untrusted("/datasetName", "cognito.sync.dataset_name", member(p, "datasetName"), kNoRecord);
    if (records->is_map()) {
      for (const Member& r : records->as_map()) {
        std::string rp = child("/datasetRecords", r.key.as_string());
        if (const Value* v = member(r.value, "newValue"))
          b.untrusted(rp + "/newValue", "cognito.sync.new_value", *v, kNoRecord, Decode::kNone, &r.key);
        if (const Value* v = member(r.value, "oldValue"))
          b.untrusted(rp + "/oldValue", "cognito.sync.old_value", *v, kNoRecord, Decode::kNone, &r.key);
      }
    }
    b.trusted("/identityPoolId", "cognito.identity_pool_id", member(p, "identityPoolId"), kNoRecord);
    b.trusted("/identityId", "cognito.identity_id", member(p, "identityId"), kNoRecord);
    return;
  }
  // User-pool triggers.
  b.untrusted("/userName", "cognito.user_name", member(p, "userName"), kNoRecord);
  if (const Value* request = member(p, "request")) {
    if (const Value* attrs = member(*request, "userAttributes"); attrs != nullptr && attrs->is_map()) {
      for (const Member& a : attrs->as_map()) {
        std::string_view k = a.key.as_string();
        std::string ap = child("/request/userAttributes", k);
        // Attributes Cognito maintains itself.
        bool generated = k == "sub" || starts_with(k, "cognito:") || k == "email_verified" ||
                         k == "phone_number_verified";
        if (generated) b.trusted(ap, "cognito.user_attribute", &a.value, kNoRecord);
        else b.untrusted(ap, "cognito.user_attribute", a.value, kNoRecord, Decode::kNone, &a.key);
      }
    }
    b.untrusted_members("/request/validationData", "cognito.validation_data", member(*request, "validationData"),
                        kNoRecord);
    b.untrusted_members("/request/clientMetadata", "cognito.client_metadata", member(*request, "clientMetadata"),
                        kNoRecord);
    b.untrusted("/request/password", "cognito.password", member(*request, "password"), kNoRecord);
    b.untrusted("/request/challengeAnswer", "cognito.challenge_answer", member(*request, "challengeAnswer"),
                kNoRecord);
    b.untrusted("/request/codeParameter", "cognito.code_parameter", member(*request, "codeParameter"), kNoRecord);
    b.untrusted("/request/usernameParameter", "cognito.username_parameter", member(*request, "usernameParameter"),
                kNoRecord);
    // Inbound federation: what the external identity provider asserted.
    b.untrusted_strings("/request/attributes", "cognito.federation_attribute", member(*request, "attributes"),
                        kNoRecord);
  }
  b.trusted("/triggerSource", "cognito.trigger_source", member(p, "triggerSource"), kNoRecord);
  b.trusted("/userPoolId", "cognito.user_pool_id", member(p, "userPoolId"), kNoRecord);
  b.trusted("/callerContext/clientId", "cognito.client_id", member_at(p, {"callerContext", "clientId"}), kNoRecord);
}

void extract_iot(EventBuilder& b, const Value& p) {
  if (const Value* pd = member(p, "protocolData")) {
    // Custom authorizer: what the connecting client presented.
    b.untrusted("/token", "iot.token", member(p, "token"), kNoRecord);
    b.untrusted("/protocolData/mqtt/username", "iot.mqtt.username", member_at(*pd, {"mqtt", "username"}), kNoRecord);
    b.untrusted("/protocolData/mqtt/password", "iot.mqtt.password", member_at(*pd, {"mqtt", "password"}), kNoRecord,
                Decode::kBase64);
    b.untrusted("/protocolData/mqtt/clientId", "iot.mqtt.client_id", member_at(*pd, {"mqtt", "clientId"}), kNoRecord);
    b.untrusted_members("/protocolData/http/headers", "iot.http.header", member_at(*pd, {"http", "headers"}),
                        kNoRecord);
    b.untrusted("/protocolData/http/queryString", "iot.http.query_string", member_at(*pd, {"http", "queryString"}),
                kNoRecord);
    b.untrusted("/protocolData/tls/serverName", "iot.tls.server_name", member_at(*pd, {"tls", "serverName"}),
                kNoRecord);
    b.trusted("/connectionMetadata/id", "iot.connection_id", member_at(p, {"connectionMetadata", "id"}), kNoRecord);
    b.trusted("/signatureVerified", "iot.signature_verified", member(p, "signatureVerified"), kNoRecord);
    return;
  }
  if (member(p, "deviceEvent") != nullptr) {
    // IoT 1-Click: the device reports the event; placement data is the
    // owner's configuration.
    b.untrusted_strings("/deviceEvent", "iot.device_event", member(p, "deviceEvent"), kNoRecord);
    b.trusted("/deviceInfo/deviceId", "iot.device_id", member_at(p, {"deviceInfo", "deviceId"}), kNoRecord);
    b.trusted_all("/placementInfo", "iot.placement", member(p, "placementInfo"), kNoRecord);
    return;
  }
  if (member(p, "claimCertificateId") != nullptr) {
    // Fleet provisioning pre-provisioning hook: parameters come from the device.
    b.untrusted_members("/parameters", "iot.provisioning_parameter", member(p, "parameters"), kNoRecord);
    b.untrusted("/clientId", "iot.client_id", member(p, "clientId"), kNoRecord);
    b.trusted("/certificateId", "iot.certificate_id", member(p, "certificateId"), kNoRecord);
    b.trusted("/claimCertificateId", "iot.certificate_id", member(p, "claimCertificateId"), kNoRecord);
    b.trusted("/templateArn", "iot.template_arn", member(p, "templateArn"), kNoRecord);
    return;
  }
  // IoT button.
  b.untrusted("/serialNumber", "iot.serial_number", member(p, "serialNumber"), kNoRecord);
  b.untrusted("/clickType", "iot.click_type", member(p, "clickType"), kNoRecord);
  b.untrusted("/batteryVoltage", "iot.battery_voltage", member(p, "batteryVoltage"), kNoRecord);
}

void extract_unknown(EventBuilder& b, const Value& p) {
  b.untrusted_strings("", "unknown.leaf", &p, kNoRecord);
}

}  // namespace moat::events
