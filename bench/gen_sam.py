#!/usr/bin/python3
"""Writes a synthetic AWS SAM template (JSON) with about N resources, for the
whole-library scan target of docs/performance.md (issue 8, target 5).

usage: gen_sam.py N OUT.json

The mix follows real applications: functions with Api, SQS, S3 and schedule
events, the queues, buckets and tables they use, inline policies, a few
policy templates and an API. Deterministic (seeded), so runs compare.
"""
import json
import random
import sys


def main() -> int:
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    resources = {"Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod"}}}
    i = 0
    # Each group adds a function plus one event source: about 2 resources in
    # the template (the SAM transform adds roles, permissions and mappings).
    while len(resources) < n:
        fn = f"Fn{i}"
        kind = i % 4
        props = {
            "Runtime": rnd.choice(["python3.12", "nodejs20.x", "nodejs16.x", "java21"]),
            "Handler": "app.handler",
            "CodeUri": "src/",
            "Timeout": rnd.choice([3, 30, 300, 900]),
            "Environment": {"Variables": {"TABLE": f"t{i}", "STAGE": "prod"}},
            "Policies": [{"Statement": [{"Effect": "Allow", "Action": rnd.choice(["dynamodb:*", "dynamodb:GetItem", "s3:GetObject"]),
                                          "Resource": "*"}]}],
        }
        if kind == 0:
            props["Events"] = {"Get": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Api"}, "Path": f"/r{i}", "Method": "get"}}}
        elif kind == 1:
            q = f"Queue{i}"
            resources[q] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}
            props["Events"] = {"Q": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": [q, "Arn"]}}}}
        elif kind == 2:
            b = f"Bucket{i}"
            resources[b] = {"Type": "AWS::S3::Bucket"}
            props["Events"] = {"Up": {"Type": "S3", "Properties": {"Bucket": {"Ref": b}, "Events": "s3:ObjectCreated:*"}}}
            props["Policies"].append({"S3ReadPolicy": {"BucketName": f"b{i}"}})
        else:
            t = f"Table{i}"
            resources[t] = {"Type": "AWS::DynamoDB::Table", "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}
            props["Events"] = {"Tick": {"Type": "Schedule", "Properties": {"Schedule": "rate(5 minutes)"}}}
        resources[fn] = {"Type": "AWS::Serverless::Function", "Properties": props}
        i += 1
    doc = {"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31", "Resources": resources}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
