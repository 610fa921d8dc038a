"""Writes the Terraform plan fixtures (terraform show -json shape) of the exhaustion tests."""
import os
import sys, json; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tfgen import *
F=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures') + '/'
Q={"name":"jobs","visibility_timeout_seconds":120,"message_retention_seconds":345600,"delay_seconds":0,"receive_wait_time_seconds":0,"fifo_queue":False,"redrive_policy":"","sqs_managed_sse_enabled":True,"kms_master_key_id":None,"max_message_size":262144,"policy":""}
def queue(**kw):
    v=dict(Q); v.update(kw); return v
def esm(extra={}):
    v={"batch_size":10,"enabled":True,"maximum_batching_window_in_seconds":0,"scaling_config":[],"filter_criteria":[],"function_response_types":[],"destination_config":[],"starting_position":None,"maximum_retry_attempts":None,"maximum_record_age_in_seconds":None,"bisect_batch_on_function_error":None,"parallelization_factor":None}
    v.update(extra); return v
ROLE=("aws_iam_role","worker",role("worker-role"))
def fn(name, **kw):
    return ("aws_lambda_function",name,lam(name,**kw),{"role":"aws_iam_role.worker.arn"})
def mapping(name, src, fn_, extra={}):
    return ("aws_lambda_event_source_mapping",name,esm(extra),{"event_source_arn":src+".arn","function_name":fn_+".arn"},{"event_source_arn":True,"function_name":True})

write(F+'concurrency-fail.tfplan.json',[ROLE, fn("worker",timeout=20), ("aws_sqs_queue","jobs",queue()),
  mapping("jobs","aws_sqs_queue.jobs","aws_lambda_function.worker")])
write(F+'concurrency-pass.tfplan.json',[ROLE, fn("worker",timeout=20,reserved_concurrent_executions=10),
  fn("other",timeout=20,reserved_concurrent_executions=2), ("aws_sqs_queue","jobs",queue()),
  mapping("jobs","aws_sqs_queue.jobs","aws_lambda_function.worker",{"scaling_config":[{"maximum_concurrency":5}]})])

def rest(name="orders"):
    return ("aws_api_gateway_rest_api","api",{"name":name,"endpoint_configuration":[{"types":["REGIONAL"],"vpc_endpoint_ids":[]}],"policy":"","api_key_source":"HEADER","disable_execute_api_endpoint":False,"binary_media_types":[]})
def rest_method(name, method, auth="AWS_IAM", extra={}):
    v={"http_method":method,"authorization":auth,"api_key_required":False,"authorizer_id":None,"authorization_scopes":[],"request_parameters":{},"request_validator_id":None}
    v.update(extra)
    return ("aws_api_gateway_method",name,v,{"rest_api_id":"aws_api_gateway_rest_api.api.id","resource_id":"aws_api_gateway_rest_api.api.root_resource_id"},{"rest_api_id":True,"resource_id":True})
def rest_integration(name, fn_, method, timeout_ms=29000):
    return ("aws_api_gateway_integration",name,{"http_method":method,"type":"AWS_PROXY","integration_http_method":"POST","timeout_milliseconds":timeout_ms,"credentials":None},
            {"rest_api_id":"aws_api_gateway_rest_api.api.id","uri":fn_+".invoke_arn","resource_id":"aws_api_gateway_rest_api.api.root_resource_id"},{"rest_api_id":True,"uri":True,"resource_id":True})
def http_api():
    return ("aws_apigatewayv2_api","http",{"name":"search","protocol_type":"HTTP","disable_execute_api_endpoint":False,"route_selection_expression":"$request.method $request.path","cors_configuration":[]})
def http_integration(name, fn_, timeout_ms=30000):
    return ("aws_apigatewayv2_integration",name,{"integration_type":"AWS_PROXY","integration_method":"POST","payload_format_version":"2.0","timeout_milliseconds":timeout_ms,"credentials_arn":None},
            {"api_id":"aws_apigatewayv2_api.http.id","integration_uri":fn_+".invoke_arn"},{"api_id":True,"integration_uri":True})

write(F+'timeouts-fail.tfplan.json',[ROLE,
  fn("orders",timeout=60,reserved_concurrent_executions=10), fn("search",timeout=20,reserved_concurrent_executions=10),
  fn("export",timeout=900,reserved_concurrent_executions=1),
  rest(), rest_method("post","POST"), rest_integration("post","aws_lambda_function.orders","POST"),
  http_api(), http_integration("search","aws_lambda_function.search",10000)])
write(F+'timeouts-pass.tfplan.json',[ROLE,
  fn("orders",timeout=25,reserved_concurrent_executions=10), fn("search",timeout=8,reserved_concurrent_executions=10),
  fn("report",timeout=240,reserved_concurrent_executions=1),
  rest(), rest_method("post","POST"), rest_integration("post","aws_lambda_function.orders","POST"),
  http_api(), http_integration("search","aws_lambda_function.search",10000)])

def rest_stage(name, stage, extra={}):
    v={"stage_name":stage,"xray_tracing_enabled":False,"cache_cluster_enabled":False,"cache_cluster_size":None,"access_log_settings":[],"variables":{},"client_certificate_id":None}
    v.update(extra)
    return ("aws_api_gateway_stage",name,v,{"rest_api_id":"aws_api_gateway_rest_api.api.id","deployment_id":"aws_api_gateway_deployment.api.id"},{"rest_api_id":True,"deployment_id":True})
DEPLOY=("aws_api_gateway_deployment","api",{"description":None},{"rest_api_id":"aws_api_gateway_rest_api.api.id"},{"rest_api_id":True})
def usage_plan(name, stage_ref, stage_name, throttle=[], quota=[]):
    return ("aws_api_gateway_usage_plan",name,{"name":"partners","api_stages":[{"stage":stage_name,"throttle":[]}],"throttle_settings":throttle,"quota_settings":quota},
            {"api_stages":[{"api_id":{"references":["aws_api_gateway_rest_api.api.id","aws_api_gateway_rest_api.api"]},"stage":{"references":[stage_ref,stage_ref.rsplit(".",1)[0]]}}]},{"api_stages":[{"api_id":True}]})
def v2_stage(name, extra={}):
    v={"name":"$default","auto_deploy":True,"default_route_settings":[],"route_settings":[],"access_log_settings":[],"stage_variables":{}}
    v.update(extra)
    return ("aws_apigatewayv2_stage",name,v,{"api_id":"aws_apigatewayv2_api.http.id"},{"api_id":True})
def pub_queue(name, **kw):
    pol=json.dumps({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:inbox"}]})
    return [("aws_sqs_queue",name,queue(name="inbox",**kw)),
            ("aws_sqs_queue_policy",name,{"policy":pol},{"queue_url":"aws_sqs_queue."+name+".id"},{"queue_url":True})]

write(F+'api-fail.tfplan.json',[rest("catalog"), rest_method("get","GET","NONE"), rest_method("post","POST"), DEPLOY,
  rest_stage("prod","prod"), usage_plan("partners","aws_api_gateway_stage.prod.stage_name","prod"),
  http_api(), v2_stage("default")] + pub_queue("inbox"))
write(F+'api-pass.tfplan.json',[rest("catalog"), rest_method("get","GET","NONE"),
  rest_method("post","POST",extra={"request_validator_id":"abc123"}), DEPLOY,
  rest_stage("prod","prod",{"cache_cluster_enabled":True,"cache_cluster_size":"0.5"}),
  ("aws_api_gateway_method_settings","all",{"stage_name":"prod","method_path":"*/*","settings":[{"throttling_rate_limit":100,"throttling_burst_limit":50,"caching_enabled":True,"metrics_enabled":False,"logging_level":"OFF"}]},
    {"rest_api_id":"aws_api_gateway_rest_api.api.id","stage_name":"aws_api_gateway_stage.prod.stage_name"},{"rest_api_id":True}),
  usage_plan("partners","aws_api_gateway_stage.prod.stage_name","prod",[{"rate_limit":20,"burst_limit":10}],[{"limit":10000,"period":"DAY","offset":0}]),
  http_api(), v2_stage("default",{"default_route_settings":[{"throttling_rate_limit":100,"throttling_burst_limit":50,"detailed_metrics_enabled":False}]})]
  + pub_queue("inbox",max_message_size=16384))

def stmt_role(name, statements):
    return ("aws_iam_role",name,role(name+"-role",statements))
def bucket_notif(name, bucket_ref, fn_ref, prefix=None, suffix=None):
    lf={"lambda_function_arn":"x","events":["s3:ObjectCreated:*"],"filter_prefix":prefix or "","filter_suffix":suffix or "","id":"n1"}
    return ("aws_s3_bucket_notification",name,{"lambda_function":[lf],"queue":[],"topic":[],"eventbridge":False},
            {"bucket":bucket_ref,"lambda_function":[{"lambda_function_arn":{"references":[fn_ref+".arn",fn_ref]}}]},{"bucket":True})
def table(name, tname):
    return ("aws_dynamodb_table",name,{"name":tname,"billing_mode":"PAY_PER_REQUEST","hash_key":"id","stream_enabled":True,"stream_view_type":"NEW_IMAGE","attribute":[{"name":"id","type":"S"}],"point_in_time_recovery":[],"server_side_encryption":[],"deletion_protection_enabled":False,"on_demand_throughput":[]})
def rfn(name, role_name, **kw):
    return ("aws_lambda_function",name,lam(name,**kw),{"role":"aws_iam_role."+role_name+".arn"})
def recursion_config(name, fn_, mode):
    return ("aws_lambda_function_recursion_config",name,{"recursive_loop":mode},{"function_name":fn_+".function_name"},{"function_name":True})

write(F+'recursion-fail.tfplan.json',[
  ("aws_s3_bucket","uploads",{"bucket":"uploads-bucket","force_destroy":False}),
  stmt_role("resize",[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::uploads-bucket/*"}]),
  rfn("resize","resize"), recursion_config("resize","aws_lambda_function.resize","Allow"),
  bucket_notif("uploads","aws_s3_bucket.uploads.id","aws_lambda_function.resize",prefix="incoming/"),
  table("orders","orders"),
  stmt_role("audit",[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:UpdateItem"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/orders"}]),
  rfn("audit","audit",reserved_concurrent_executions=5),
  ("aws_lambda_event_source_mapping","orders",esm({"starting_position":"LATEST","maximum_retry_attempts":3,"bisect_batch_on_function_error":True,"destination_config":[]}),
     {"event_source_arn":"aws_dynamodb_table.orders.stream_arn","function_name":"aws_lambda_function.audit.arn"},{"event_source_arn":True,"function_name":True}),
])
write(F+'recursion-pass.tfplan.json',[
  ("aws_s3_bucket","uploads",{"bucket":"uploads-bucket","force_destroy":False}),
  stmt_role("resize",[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads-bucket/incoming/*"},
                      {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::uploads-bucket/resized/*"}]),
  rfn("resize","resize"), recursion_config("resize","aws_lambda_function.resize","Terminate"),
  bucket_notif("uploads","aws_s3_bucket.uploads.id","aws_lambda_function.resize",prefix="incoming/"),
  table("orders","orders"), table("audit_log","audit-log"),
  stmt_role("audit",[{"Effect":"Allow","Action":["dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/audit-log"}]),
  rfn("audit","audit",reserved_concurrent_executions=5),
  ("aws_lambda_event_source_mapping","orders",esm({"starting_position":"LATEST","maximum_retry_attempts":3,"bisect_batch_on_function_error":True}),
     {"event_source_arn":"aws_dynamodb_table.orders.stream_arn","function_name":"aws_lambda_function.audit.arn"},{"event_source_arn":True,"function_name":True}),
])

def redrive_q(name, qname, dlq, count, **kw):
    return ("aws_sqs_queue",name,queue(name=qname,**kw),{"redrive_policy":{"references":[dlq+".arn",dlq]}},{"redrive_policy":True})
def rq(name, qname, dlq, **kw):
    v={k:x for k,x in queue(name=qname,**kw).items() if k!="redrive_policy"}
    return ("aws_sqs_queue",name,v,{"redrive_policy":{"references":[dlq+".arn",dlq]}},{"redrive_policy":True})
write(F+'queues-fail.tfplan.json',[ROLE,
  ("aws_sqs_queue","jobs_dlq",queue(name="jobs-dlq",message_retention_seconds=60)),
  rq("jobs","jobs","aws_sqs_queue.jobs_dlq",visibility_timeout_seconds=30),
  fn("worker",timeout=60,reserved_concurrent_executions=5),
  mapping("jobs","aws_sqs_queue.jobs","aws_lambda_function.worker"),
  ("aws_sqs_queue","legacy",queue(name="legacy",visibility_timeout_seconds=360,redrive_policy=json.dumps({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:shared-dlq","maxReceiveCount":2}))),
  mapping("legacy","aws_sqs_queue.legacy","aws_lambda_function.worker"),
  ("aws_sqs_queue","orders",queue(name="orders",visibility_timeout_seconds=30)),
  fn("orders",timeout=3,reserved_concurrent_executions=5),
  mapping("orders","aws_sqs_queue.orders","aws_lambda_function.orders",{"batch_size":100,"maximum_batching_window_in_seconds":5}),
])
write(F+'queues-pass.tfplan.json',[ROLE,
  ("aws_sqs_queue","jobs_dlq",queue(name="jobs-dlq",message_retention_seconds=1209600)),
  rq("jobs","jobs","aws_sqs_queue.jobs_dlq",visibility_timeout_seconds=360),
  fn("worker",timeout=60,reserved_concurrent_executions=5),
  mapping("jobs","aws_sqs_queue.jobs","aws_lambda_function.worker"),
])

def kstream(name):
    return ("aws_kinesis_stream",name,{"name":name,"shard_count":2,"retention_period":24,"encryption_type":"KMS","kms_key_id":"alias/aws/kinesis","stream_mode_details":[{"stream_mode":"PROVISIONED"}]})
write(F+'streams-fail.tfplan.json',[ROLE, kstream("clicks"), table("orders","orders"),
  fn("consumer",reserved_concurrent_executions=5),
  ("aws_lambda_event_source_mapping","clicks",esm({"starting_position":"LATEST","batch_size":100,"maximum_retry_attempts":-1,"maximum_record_age_in_seconds":-1,"bisect_batch_on_function_error":False}),
     {"event_source_arn":"aws_kinesis_stream.clicks.arn","function_name":"aws_lambda_function.consumer.arn"},{"event_source_arn":True,"function_name":True}),
])
write(F+'streams-pass.tfplan.json',[ROLE, kstream("clicks"), table("orders","orders"),
  ("aws_sqs_queue","failed",queue(name="failed-records")),
  fn("consumer",reserved_concurrent_executions=5),
  ("aws_lambda_event_source_mapping","clicks",esm({"starting_position":"LATEST","batch_size":100,"maximum_retry_attempts":3,"maximum_record_age_in_seconds":-1,"bisect_batch_on_function_error":True,"function_response_types":["ReportBatchItemFailures"]}),
     {"event_source_arn":"aws_kinesis_stream.clicks.arn","function_name":"aws_lambda_function.consumer.arn"},{"event_source_arn":True,"function_name":True}),
  ("aws_lambda_event_source_mapping","orders",esm({"starting_position":"LATEST","batch_size":1,"maximum_retry_attempts":-1,"maximum_record_age_in_seconds":-1,"bisect_batch_on_function_error":False,"destination_config":[{"on_failure":[{"destination_arn":"arn:aws:sqs:us-east-1:123456789012:failed-records"}]}]}),
     {"event_source_arn":"aws_dynamodb_table.orders.stream_arn","function_name":"aws_lambda_function.consumer.arn","destination_config":[{"on_failure":[{"destination_arn":{"references":["aws_sqs_queue.failed.arn","aws_sqs_queue.failed"]}}]}]},{"event_source_arn":True,"function_name":True}),
])

def url(name, fn_, auth):
    return ("aws_lambda_function_url",name,{"authorization_type":auth,"cors":[],"invoke_mode":"BUFFERED","qualifier":None},{"function_name":fn_+".function_name"},{"function_name":True})
write(F+'cost-fail.tfplan.json',[ROLE,
  fn("transcoder",memory_size=4096,timeout=300,reserved_concurrent_executions=2),
  table("orders","orders"), fn("preview"), url("preview","aws_lambda_function.preview","NONE")])
write(F+'cost-pass.tfplan.json',[ROLE,
  fn("transcoder",memory_size=2048,timeout=300,reserved_concurrent_executions=2),
  ("aws_dynamodb_table","orders",dict(table("orders","orders")[2],on_demand_throughput=[{"max_read_request_units":1000,"max_write_request_units":500}])),
  fn("preview"), url("preview","aws_lambda_function.preview","NONE"),
  ("aws_budgets_budget","monthly",{"name":"monthly","budget_type":"COST","limit_amount":"100","limit_unit":"USD","time_unit":"MONTHLY"})])
