"""Documents: Python data converted directly, loaders, errors."""

import math

import pytest

import moat


def test_python_values_convert_directly():
    data = {"s": "é", "i": -3, "big": 2**70, "f": 1.5, "b": True, "n": None, "l": [1, (2, 3)],
            "u": moat.Unknown("later"), "nested": {"k": [{"x": False}]}}
    doc = moat.Document.from_python(data, name="mine")
    assert doc.name == "mine" and doc.format == "python"
    back = doc.to_python()
    assert back["s"] == "é" and back["i"] == -3 and back["f"] == 1.5 and back["b"] is True
    assert back["n"] is None and back["l"] == [1, [2, 3]] and back["nested"] == {"k": [{"x": False}]}
    assert back["big"] == float(2**70)  # beyond int64: a float, as in the JSON reader
    assert back["u"] == moat.Unknown("later")
    assert list(back) == list(data)  # key order kept


@pytest.mark.parametrize("bad, where", [
    ({"a": [1, {"b": object()}]}, "/a/1/b"),
    ({"a": {1: 2}}, "/a"),
    ({"x/y": {"~": math.nan}}, "/x~1y/~0"),
    ({"s": "\ud800"}, "/s"),
])
def test_bad_python_values_name_the_place(bad, where):
    with pytest.raises(moat.DocumentError, match=where):
        moat.Document.from_python(bad)


def test_too_deep():
    deep = {}
    node = deep
    for _ in range(600):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(moat.DocumentError, match="nested deeper"):
        moat.Document.from_python(deep)


def test_malformed_inputs_give_positions():
    with pytest.raises(moat.DocumentError, match=r"^bad\.json:2:"):
        moat.loads('{\n  "a": }', name="bad.json")
    with pytest.raises(FileNotFoundError):
        moat.load("/nonexistent/template.yaml")
    with pytest.raises(ValueError, match="format must be"):
        moat.load("x.yaml", format="excel")


def test_loads_yaml_and_bytes():
    doc = moat.loads(b"resources:\n  f: {type: aws.lambda.function, timeout: 1}\n", name="inline.yaml")
    assert doc.format == "yaml"
    assert doc.to_python()["resources"]["f"]["timeout"] == 1


def test_events_from_dict_text_and_file():
    path = "tests/python/fixtures/apigw_event.json"
    from_file = moat.load_event(__import__("pathlib").Path(path))
    with open(path) as fh:
        text = fh.read()
    from_text = moat.load_event(text)
    from_dict = moat.load_event(__import__("json").loads(text))
    auto = moat.load(path)
    for d in (from_file, from_text, from_dict, auto):
        assert d.format == "event"
        assert d.to_python()["source"] == "apigateway.rest"


_EVENT_FIXTURES = sorted(__import__("pathlib").Path("tests/fixtures/events").glob("*.json"))


@pytest.mark.parametrize("path", _EVENT_FIXTURES, ids=lambda p: p.stem)
def test_event_dict_is_converted_without_json_and_reads_the_same(path):
    # A dict payload is converted straight to values (no json.dumps): the
    # event document must be exactly the one its JSON text gives.
    import json
    payload = json.loads(path.read_text())
    from_dict = moat.load_event(payload)
    from_text = moat.load_event(json.dumps(payload))
    assert from_dict.format == from_text.format == "event"
    assert from_dict.to_python() == from_text.to_python()


def test_event_dict_and_text_give_the_same_findings():
    import json
    payload = json.loads(open("tests/fixtures/events/apigw_rest.json").read())
    payload["queryStringParameters"] = {"id": "1' OR '1'='1' --", "cmd": "x; cat /etc/passwd"}
    engine = moat.Engine()
    engine.add_bundled()
    program = engine.compile()
    def decided(doc):
        return [(f.rule_id, f.subject, f.message) for f in program.evaluate(doc)]
    from_dict = decided(moat.load_event(payload))
    assert from_dict == decided(moat.load_event(json.dumps(payload)))
    assert {"MOAT-INJ-017", "MOAT-INJ-018"} <= {r for r, _, _ in from_dict}


def test_event_dict_with_non_string_keys_reads_as_its_json_text():
    # json.dumps writes the key 1 as "1"; the event loader sees what the
    # JSON text says, as before the direct conversion.
    d = moat.load_event({"Records": [], 1: "x"})
    assert d.to_python()["payload"] == {"Records": [], "1": "x"}


def test_event_dict_with_nan_is_a_document_error():
    with pytest.raises(moat.DocumentError, match="<event>"):
        moat.load_event({"body": float("nan")})
