import json, sys, os
SAM = os.environ.get('SAM', '1') == '1'  # SAM=0 leaves the SAM cases out
D=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..') + '/'
def test(rule, cases, params=None):
    """cases: list of (name, fixture, [(subject, path_or_None)])"""
    t={"policies":["../../../stdlib-policies/exhaustion"],"now":"2026-11-29","rules":[rule]}
    if params: t["params"]=params
    t["cases"]=[]
    for c in cases:
        if not SAM and '.sam.' in c[1]: continue
        name, fx, exp = c[0], c[1], c[2]
        case={"name":name,"input_file":"fixtures/"+fx,"expect":[]}
        for e in exp:
            e = e if isinstance(e, tuple) else (e, None)
            subj, path = e[0], e[1]
            x={"rule_id":rule,"subject":subj}
            if path: x["path"]=path
            if len(e) > 2:
                x["outcome"]=e[2]; case["report_unknown"]=True
            case["expect"].append(x)
        if len(c) > 3: case["params"]=c[3]
        t["cases"].append(case)
    with open(D+rule.lower()+'.test.json','w') as f:
        json.dump(t,f,indent=2); f.write('\n')
