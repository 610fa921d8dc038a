"""Regenerates the exhaustion tests (SAM cases included; SAM=0 leaves them out)."""
import os
import sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mktest import test
test("MOAT-DOS-001",[
 ("cfn: function without ReservedConcurrentExecutions","concurrency-fail.cfn.yaml",[("Worker","/resources/Worker/reserved_concurrency")]),
 ("cfn: reserved concurrency set","concurrency-pass.cfn.yaml",[]),
 ("sam: function without ReservedConcurrentExecutions","concurrency-fail.sam.yaml",[("Worker","/resources/Worker/reserved_concurrency")]),
 ("sam: reserved concurrency set","concurrency-pass.sam.yaml",[]),
 ("serverless: function without reservedConcurrency","concurrency-fail.serverless.yml",[("WorkerLambdaFunction","/resources/WorkerLambdaFunction/reserved_concurrency")]),
 ("serverless: reservedConcurrency on every function","concurrency-pass.serverless.yml",[]),
 ("terraform: reserved_concurrent_executions = -1","concurrency-fail.tfplan.json",[("aws_lambda_function.worker","/resources/aws_lambda_function.worker/reserved_concurrency")]),
 ("terraform: reserved_concurrent_executions set","concurrency-pass.tfplan.json",[]),
])
test("MOAT-DOS-009",[
 ("cfn: SQS mapping without ScalingConfig, function without reservation","concurrency-fail.cfn.yaml",["JobsMapping"]),
 ("cfn: reserved function","concurrency-pass.cfn.yaml",[]),
 ("sam: SQS event without ScalingConfig","concurrency-fail.sam.yaml",["WorkerJobEvent"]),
 ("sam: reserved function, capped mapping","concurrency-pass.sam.yaml",[]),
 ("serverless: sqs event without maximumConcurrency","concurrency-fail.serverless.yml",["WorkerEventSourceMappingSQSJobs"]),
 ("serverless: sqs event with maximumConcurrency","concurrency-mapping-pass.serverless.yml",[]),
 ("terraform: mapping without scaling_config","concurrency-fail.tfplan.json",["aws_lambda_event_source_mapping.jobs"]),
 ("terraform: scaling_config.maximum_concurrency set","concurrency-pass.tfplan.json",[]),
])
test("MOAT-DOS-002",[
 ("cfn: 60 s behind a REST API, 900 s export","timeouts-fail.cfn.yaml",[("OrdersFunction","/resources/OrdersFunction/timeout"),("ExportFunction","/resources/ExportFunction/timeout")]),
 ("cfn: timeouts within limits","timeouts-pass.cfn.yaml",[]),
 ("cfn: the export function allow-listed","timeouts-fail.cfn.yaml",[("OrdersFunction","/resources/OrdersFunction/timeout")],{"timeout_allow_list":["ExportFunction"]}),
 ("sam: 60 s behind an Api event, 900 s on a schedule","timeouts-fail.sam.yaml",["OrdersFunction","ExportFunction"]),
 ("sam: timeouts within limits","timeouts-pass.sam.yaml",[]),
 ("serverless: provider timeout 60 behind http, 40 behind httpApi, 900","timeouts-fail.serverless.yml",["CreateLambdaFunction","SearchLambdaFunction","ExportLambdaFunction"]),
 ("serverless: timeouts within limits","timeouts-pass.serverless.yml",[]),
 ("terraform: 60 s behind a REST API, 900 s export","timeouts-fail.tfplan.json",["aws_lambda_function.orders","aws_lambda_function.export"]),
 ("terraform: timeouts within limits","timeouts-pass.tfplan.json",[]),
])
test("MOAT-DOS-010",[
 ("cfn: 60 s function behind a REST method","timeouts-fail.cfn.yaml",[("OrdersFunction","/resources/OrdersFunction/timeout")]),
 ("cfn: 25 s behind REST","timeouts-pass.cfn.yaml",[]),
 ("sam: 60 s function behind an Api event","timeouts-fail.sam.yaml",["OrdersFunction"]),
 ("sam: 25 s behind an Api event","timeouts-pass.sam.yaml",[]),
 ("serverless: 60 s behind http, 40 s behind httpApi","timeouts-fail.serverless.yml",["CreateLambdaFunction","SearchLambdaFunction"]),
 ("serverless: within the integration timeouts","timeouts-pass.serverless.yml",[]),
 ("terraform: 60 s behind a REST integration","timeouts-fail.tfplan.json",["aws_lambda_function.orders"]),
 ("terraform: within the integration timeouts","timeouts-pass.tfplan.json",[]),
])
test("MOAT-DOS-019",[
 ("cfn: REST method default 29 s, HTTP integration 10 s","timeouts-fail.cfn.yaml",[("OrdersPost","/resources/OrdersFunction/timeout"),"SearchIntegration"]),
 ("cfn: functions shorter than their integrations","timeouts-pass.cfn.yaml",[]),
 ("sam: 60 s function behind the 29 s REST integration SAM generates","timeouts-fail.sam.yaml",[("OrdersFunctionPostMethod","/resources/OrdersFunction/timeout")]),
 ("sam: 25 s behind an Api event","timeouts-pass.sam.yaml",[]),
 ("serverless: http and httpApi integrations","timeouts-fail.serverless.yml",["ApiGatewayMethodOrdersPost","HttpApiIntegrationSearch"]),
 ("serverless: functions shorter than their integrations","timeouts-pass.serverless.yml",[]),
 ("terraform: REST integration 29 s, HTTP integration 10 s","timeouts-fail.tfplan.json",["aws_api_gateway_integration.post","aws_apigatewayv2_integration.search"]),
 ("terraform: functions shorter than their integrations","timeouts-pass.tfplan.json",[]),
])
test("MOAT-DOS-003",[
 ("cfn: REST stage and HTTP stage without throttling, plan without throttle","api-fail.cfn.yaml",[("ProdStage","/resources/ProdStage/method_settings"),("HttpStage","/resources/HttpStage/default_route_settings")]),
 ("cfn: method settings, usage plan throttle, default route settings","api-pass.cfn.yaml",[]),
 ("sam: Api and HttpApi without throttling","api-fail.sam.yaml",["CatalogApiprodStage","SearchApiApiGatewayDefaultStage"]),
 ("sam: MethodSettings and DefaultRouteSettings","api-pass.sam.yaml",[]),
 ("serverless: http and httpApi stages without throttling","api-fail.serverless.yml",["ApiGatewayStage","HttpApiStage"]),
 ("serverless: usage plan with throttle on the stage","api-pass.serverless.yml",[]),
 ("terraform: REST and v2 stages without throttling","api-fail.tfplan.json",["aws_api_gateway_stage.prod","aws_apigatewayv2_stage.default"]),
 ("terraform: method settings and default_route_settings","api-pass.tfplan.json",[]),
])
test("MOAT-DOS-004",[
 ("cfn: usage plan of a regional API without Quota","api-fail.cfn.yaml",[("Plan","/resources/Plan/quota")]),
 ("cfn: usage plan with Quota","api-pass.cfn.yaml",[]),
 ("sam: Auth.UsagePlan without Quota","api-fail.sam.yaml",["CatalogApiUsagePlan"]),
 ("sam: Auth.UsagePlan with Quota","api-pass.sam.yaml",[]),
 ("serverless: usage plan resource without Quota","api-fail.serverless.yml",["PartnerPlan"]),
 ("serverless: usage plan resource with Quota","api-pass.serverless.yml",[]),
 ("terraform: usage plan without quota_settings","api-fail.tfplan.json",["aws_api_gateway_usage_plan.partners"]),
 ("terraform: quota_settings set","api-pass.tfplan.json",[]),
])
test("MOAT-DOS-014",[
 ("cfn: public GET on a stage without cache","api-fail.cfn.yaml",[("ProdStage","/resources/ProdStage/cache_cluster_enabled")]),
 ("cfn: cache cluster and method caching","api-pass.cfn.yaml",[]),
 ("sam: public GET event on a stage without cache","api-fail.sam.yaml",[("CatalogApiprodStage","/resources/CatalogApiprodStage/cache_cluster_enabled")]),
 ("sam: CacheClusterEnabled and MethodSettings CachingEnabled","api-pass.sam.yaml",[]),
 ("serverless: public GET (no authorizer) on the generated stage","api-fail.serverless.yml",["ApiGatewayStage"]),
 ("serverless: GET behind aws_iam","api-pass.serverless.yml",[]),
 ("terraform: public GET, stage without cache","api-fail.tfplan.json",["aws_api_gateway_stage.prod"]),
 ("terraform: cache_cluster_enabled and caching_enabled","api-pass.tfplan.json",[]),
])
test("MOAT-DOS-015",[
 ("cfn: POST without validator, public queue at 256 KiB","api-fail.cfn.yaml",[("ItemsPost","/resources/ItemsPost"),("Inbox","/resources/Inbox")]),
 ("cfn: validator and a small MaximumMessageSize","api-pass.cfn.yaml",[]),
 ("sam: POST event without RequestModel","payload-fail.sam.yaml",[("OrdersFunctionCreateMethod","/resources/OrdersFunctionCreateMethod")]),
 ("sam: RequestModel with ValidateBody","payload-pass.sam.yaml",[]),
 ("terraform: POST without validator, public queue at 256 KiB","api-fail.tfplan.json",["aws_api_gateway_method.post","aws_sqs_queue.inbox"]),
 ("terraform: request_validator_id and max_message_size","api-pass.tfplan.json",[]),
])
test("MOAT-DOS-005",[
 ("cfn: RecursiveLoop Allow","recursion-fail.cfn.yaml",[("ResizeFunction","/resources/ResizeFunction/native/RecursiveLoop")]),
 ("cfn: RecursiveLoop Terminate","recursion-pass.cfn.yaml",[]),
 ("sam: RecursiveLoop Allow","recursion-fail.sam.yaml",["ResizeFunction"]),
 ("sam: RecursiveLoop Terminate","recursion-pass.sam.yaml",[]),
 ("terraform: aws_lambda_function_recursion_config Allow","recursion-fail.tfplan.json",[("aws_lambda_function.resize","/resources/aws_lambda_function_recursion_config.resize/recursive_loop")]),
 ("terraform: recursion config Terminate","recursion-pass.tfplan.json",[]),
])
test("MOAT-DOS-016",[
 ("cfn: S3 self-loop, two-queue cycle, invoke on *","recursion-fail.cfn.yaml",[
    ("ResizeFunction","/resources/ResizeRole/policies/0/statements/1"),
    ("StepA","/resources/StepARole/policies/0/statements/0"),
    ("StepB","/resources/StepBPolicy/statements/0"),
    ("Crawler","/resources/CrawlerRole/policies/0/statements/0")]),
 ("cfn: disjoint prefix, acyclic queues, invoke of another function","recursion-pass.cfn.yaml",[]),
 ("cfn: object ARN known only at deploy time is UNKNOWN, not a pass","recursion-unknown.cfn.yaml",[("Resize","/resources/ResizeRole/policies/0/statements/0/resources/0","unknown")]),
 ("sam: function writes to its trigger bucket","recursion-fail.sam.yaml",["ResizeFunction"]),
 ("sam: writes under a prefix the trigger ignores","recursion-pass.sam.yaml",[]),
 ("serverless: shared role may put objects in the trigger bucket","recursion-fail.serverless.yml",[("ResizeLambdaFunction","/resources/IamRoleLambdaExecution/policies/0/statements/1")]),
 ("serverless: writes under thumbs/, trigger on incoming/","recursion-pass.serverless.yml",[]),
 ("terraform: S3 self-loop and DynamoDB stream self-loop","recursion-fail.tfplan.json",[
    ("aws_lambda_function.resize","/resources/aws_iam_role.resize/policies/0/statements/0"),
    ("aws_lambda_function.audit","/resources/aws_iam_role.audit/policies/0/statements/0")]),
 ("terraform: disjoint prefix, writes to another table","recursion-pass.tfplan.json",[]),
])
test("MOAT-DOS-006",[
 ("cfn: consumed queue without RedrivePolicy (a queue with a DLQ passes)","queues-fail.cfn.yaml",[("Orders","/resources/Orders/redrive")]),
 ("cfn: redrive policy, and an unconsumed queue","queues-pass.cfn.yaml",[]),
 ("cfn: maxReceiveCount above the maximum","queues-fail.cfn.yaml",[("Orders","/resources/Orders/redrive"),("Jobs","/resources/Jobs/redrive/max_receive_count")],{"max_receive_count":1}),
 ("sam: SQS event on a queue without DLQ","queues-fail.sam.yaml",["Jobs"]),
 ("sam: SQS event on a queue with DLQ","queues-pass.sam.yaml",[]),
 ("serverless: sqs event on a queue without DLQ","queues-fail.serverless.yml",[("Jobs","/resources/Jobs/redrive")]),
 ("serverless: queue with DLQ","queues-pass.serverless.yml",[]),
 ("terraform: consumed queue without redrive_policy","queues-fail.tfplan.json",["aws_sqs_queue.orders"]),
 ("terraform: redrive_policy known after apply","queues-pass.tfplan.json",[]),
])
test("MOAT-DOS-007",[
 ("cfn: 30 s visibility for a 60 s function","queues-fail.cfn.yaml",[("Jobs","/resources/Jobs/visibility_timeout")]),
 ("cfn: 360 s visibility for a 60 s function","queues-pass.cfn.yaml",[]),
 ("sam: 30 s visibility for a 60 s function","queues-fail.sam.yaml",["Jobs"]),
 ("sam: 360 s visibility","queues-pass.sam.yaml",[]),
 ("serverless: 30 s visibility for a 60 s function","queues-fail.serverless.yml",["Jobs"]),
 ("serverless: 360 s visibility","queues-pass.serverless.yml",[]),
 ("terraform: 30 s visibility for a 60 s function","queues-fail.tfplan.json",["aws_sqs_queue.jobs"]),
 ("terraform: 360 s visibility","queues-pass.tfplan.json",[]),
])
test("MOAT-DOS-017",[
 ("cfn: short DLQ retention, maxReceiveCount 2, oversized batch","queues-fail.cfn.yaml",[
   ("Jobs","/resources/JobsDlq/message_retention"),("Jobs","/resources/Jobs/redrive/max_receive_count"),("Orders","/resources/OrdersMapping/batch_size")]),
 ("cfn: 14-day DLQ, 5 receives, batch of 10 for 60 s","queues-pass.cfn.yaml",[]),
 ("sam: batch of 200 for a 60 s function","queues-fail.sam.yaml",["Jobs"]),
 ("sam: batch of 10","queues-pass.sam.yaml",[]),
 ("serverless: batch of 200 for a 60 s function","queues-fail.serverless.yml",[("Jobs","/resources/WorkerEventSourceMappingSQSJobs/batch_size")]),
 ("serverless: batch of 10","queues-pass.serverless.yml",[]),
 ("terraform: short DLQ retention (referenced DLQ), 2 receives, oversized batch","queues-fail.tfplan.json",[
   ("aws_sqs_queue.jobs","/resources/aws_sqs_queue.jobs_dlq/message_retention"),
   ("aws_sqs_queue.legacy","/resources/aws_sqs_queue.legacy/redrive/max_receive_count"),
   ("aws_sqs_queue.orders","/resources/aws_lambda_event_source_mapping.orders/batch_size")]),
 ("terraform: 14-day DLQ","queues-pass.tfplan.json",[]),
])
test("MOAT-DOS-008",[
 ("cfn: Kinesis mapping with defaults, DynamoDB mapping with -1","streams-fail.cfn.yaml",[("ClicksMapping","/resources/ClicksMapping/maximum_retry_attempts"),"OrdersMapping"]),
 ("cfn: bounded retries, bisection, on-failure destination","streams-pass.cfn.yaml",[]),
 ("sam: Kinesis event with defaults","streams-fail.sam.yaml",["ConsumerClicks"]),
 ("sam: Kinesis event with bounded retries","streams-pass.sam.yaml",[]),
 ("serverless: dynamodb stream event with defaults","streams-fail.serverless.yml",["AuditEventSourceMappingDynamodbOrders"]),
 ("serverless: maximumRetryAttempts, bisection, onFailure","streams-pass.serverless.yml",[]),
 ("terraform: maximum_retry_attempts -1","streams-fail.tfplan.json",["aws_lambda_event_source_mapping.clicks"]),
 ("terraform: bounded retries, on-failure destination","streams-pass.tfplan.json",[]),
])
test("MOAT-DOS-018",[
 ("cfn: batches without ReportBatchItemFailures","streams-fail.cfn.yaml",[("ClicksMapping","/resources/ClicksMapping/function_response_types"),"OrdersMapping"]),
 ("cfn: ReportBatchItemFailures, and a batch of one","streams-pass.cfn.yaml",[]),
 ("sam: Kinesis event without FunctionResponseTypes","streams-fail.sam.yaml",["ConsumerClicks"]),
 ("sam: FunctionResponseTypes set","streams-pass.sam.yaml",[]),
 ("serverless: stream event without functionResponseType","streams-fail.serverless.yml",["AuditEventSourceMappingDynamodbOrders"]),
 ("serverless: functionResponseType ReportBatchItemFailures","streams-pass.serverless.yml",[]),
 ("terraform: no function_response_types","streams-fail.tfplan.json",["aws_lambda_event_source_mapping.clicks"]),
 ("terraform: function_response_types set, batch of one","streams-pass.tfplan.json",[]),
])
test("MOAT-DOS-011",[
 ("cfn: 4096 MB","cost-fail.cfn.yaml",[("Transcoder","/resources/Transcoder/memory_size")]),
 ("cfn: 2048 MB","cost-pass.cfn.yaml",[]),
 ("cfn: allow-listed","cost-fail.cfn.yaml",[],{"memory_allow_list":["Transcoder"]}),
 ("sam: 4096 MB","cost-fail.sam.yaml",["Transcoder"]),
 ("sam: 2048 MB","cost-pass.sam.yaml",[]),
 ("serverless: memorySize 4096","cost-fail.serverless.yml",["TranscodeLambdaFunction"]),
 ("serverless: memorySize 2048","cost-pass.serverless.yml",[]),
 ("terraform: memory_size 4096","cost-fail.tfplan.json",["aws_lambda_function.transcoder"]),
 ("terraform: memory_size 2048","cost-pass.tfplan.json",[]),
])
test("MOAT-DOS-012",[
 ("cfn: S3-triggered 300 s function without EventInvokeConfig","cost-fail.cfn.yaml",[("Transcoder","/resources/Transcoder")]),
 ("cfn: EventInvokeConfig with 0 retries","cost-pass.cfn.yaml",[]),
 ("sam: S3 event, no EventInvokeConfig","cost-fail.sam.yaml",["Transcoder"]),
 ("sam: EventInvokeConfig set","cost-pass.sam.yaml",[]),
 ("serverless: s3 event, no maximumRetryAttempts","cost-fail.serverless.yml",["TranscodeLambdaFunction"]),
 ("serverless: maximumRetryAttempts 0","cost-pass.serverless.yml",[]),
])
test("MOAT-DOS-013",[
 ("cfn: on-demand without OnDemandThroughput, provisioned without scaling","cost-fail.cfn.yaml",[("Orders","/resources/Orders/billing_mode"),"Legacy"]),
 ("cfn: OnDemandThroughput, scalable target","cost-pass.cfn.yaml",[]),
 ("sam: SimpleTable without ProvisionedThroughput (on demand, no OnDemandThroughput)","cost-fail.sam.yaml",[("Orders","/resources/Orders/billing_mode")]),
 ("sam: SimpleTable with ProvisionedThroughput and no scalable target","table-fail.sam.yaml",[("Orders","/resources/Orders/billing_mode")]),
 ("sam: SimpleTable with ProvisionedThroughput and a scalable target","table-pass.sam.yaml",[]),
 ("serverless: on-demand table without cap","cost-fail.serverless.yml",["Orders"]),
 ("serverless: OnDemandThroughput","cost-pass.serverless.yml",[]),
 ("terraform: PAY_PER_REQUEST without on_demand_throughput","cost-fail.tfplan.json",["aws_dynamodb_table.orders"]),
 ("terraform: on_demand_throughput set","cost-pass.tfplan.json",[]),
])
test("MOAT-DOS-020",[
 ("cfn: function URL NONE, no reservation, no billing alarm","cost-fail.cfn.yaml",[("Preview","/resources/Preview/reserved_concurrency")]),
 ("cfn: billing alarm present","cost-pass.cfn.yaml",[]),
 ("sam: FunctionUrlConfig AuthType NONE","cost-fail.sam.yaml",["Preview"]),
 ("sam: FunctionUrlConfig AWS_IAM","cost-pass.sam.yaml",[]),
 ("serverless: public GET on an unthrottled stage","cost-fail.serverless.yml",["PreviewLambdaFunction"]),
 ("serverless: billing alarm in resources","cost-pass.serverless.yml",[]),
 ("terraform: function URL NONE","cost-fail.tfplan.json",["aws_lambda_function.preview"]),
 ("terraform: budget present","cost-pass.tfplan.json",[]),
])
