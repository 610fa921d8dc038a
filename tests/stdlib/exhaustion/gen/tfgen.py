"""Build a Terraform plan JSON (terraform show -json shape) from a compact spec.
spec: list of (type, name, values, refs) where refs maps attribute -> 'type.name[.attr]'."""
import json, sys, copy

def plan(spec):
    res, changes, conf = [], [], []
    for item in spec:
        t, n, values = item[0], item[1], item[2]
        refs = item[3] if len(item) > 3 else {}
        unknown = item[4] if len(item) > 4 else {}
        addr = f"{t}.{n}"
        values = dict(values)
        unknown = dict(unknown)
        for attr in refs:
            if attr not in values:
                unknown[attr] = True
        res.append({"address": addr, "mode": "managed", "type": t, "name": n,
                    "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                    "values": values, "sensitive_values": {}})
        changes.append({"address": addr, "mode": "managed", "type": t, "name": n,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": values,
                                   "after_unknown": dict({"arn": True, "id": True}, **unknown)}})
        exprs = {}
        for attr, target in refs.items():
            if not isinstance(target, str):
                exprs[attr] = target
                continue
            parts = target.split(".")
            base = ".".join(parts[:2])
            exprs[attr] = {"references": [target, base] if len(parts) > 2 else [base]}
        conf.append({"address": addr, "mode": "managed", "type": t, "name": n,
                     "provider_config_key": "aws", "expressions": exprs, "schema_version": 0})
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": res}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
                              "root_module": {"resources": conf}}}

def lam(name, **kw):
    v = {"function_name": name, "runtime": "python3.12", "handler": "app.handler", "timeout": 3,
         "memory_size": 128, "reserved_concurrent_executions": -1, "package_type": "Zip",
         "filename": f"build/{name}.zip", "environment": [], "tracing_config": [{"mode": "PassThrough"}],
         "vpc_config": [], "dead_letter_config": [], "architectures": ["x86_64"], "layers": []}
    v.update(kw)
    return v

def role(name, statements=None):
    v = {"name": name, "path": "/", "max_session_duration": 3600, "permissions_boundary": None,
         "assume_role_policy": json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
         "inline_policy": []}
    if statements:
        v["inline_policy"] = [{"name": "app", "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})}]
    return v

def write(path, spec):
    with open(path, "w") as f:
        json.dump(plan(spec), f, indent=2)
        f.write("\n")
