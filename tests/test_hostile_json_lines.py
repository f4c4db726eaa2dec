"""A refused descriptor option is reported at the line where it is written, however the JSON is laid out."""

from __future__ import annotations

import json

from sitegen.data.positions import locate, property_lines
from sitegen.errors import problem

AWKWARD = """{"name": "a", "resources": [
  {"name": "r", "schema": {"fields": [{"name": "x"},
     {"name": "tricky \\" , { [ key",
      "type": "number", "groupChar"
        :
      ","}]}},
  [[1, 2], [3,
   {"deep": null}]]
], "name": "last wins"
}"""


def test_every_property_and_item_has_the_line_it_is_written_on() -> None:
    lines = property_lines(AWKWARD)
    assert json.loads(AWKWARD)["name"] == "last wins" and lines["name"] == 9  # as json.loads: the last key
    assert lines["resources"] == 1 and lines["resources[0]"] == 2 and lines["resources[0].schema.fields[0]"] == 2
    assert lines["resources[0].schema.fields[1]"] == 3 and lines["resources[0].schema.fields[1].name"] == 3
    assert lines["resources[0].schema.fields[1].groupChar"] == 4  # the key's line, not its value's
    assert lines["resources[1][1][1].deep"] == 8 and lines["resources[1][0][1]"] == 7


def test_one_line_json_is_line_1_and_other_files_problems_are_left_alone() -> None:
    text = json.dumps({"resources": [{"schema": {"fields": [{"name": "v", "bareNumber": False}]}}]})
    mine = problem("unsupported-option", "not supported", "dp.json", 0, "resources[0].schema.fields[0].bareNumber",
                   "false")
    other = problem("unsupported-option", "not supported", "other.json", 0, "resources[0].schema", "x")
    unknown = problem("unsupported-option", "not supported", "dp.json", 0, "no.such.path", "x")
    assert [p.line for p in locate([mine, other, unknown], text, "dp.json")] == [1, 0, 0]


def test_a_missing_property_is_placed_at_the_object_that_lacks_it() -> None:
    missing = problem("invalid-descriptor", "has no path", "dp.json", 0, "resources[0].schema.fields[1].path")
    assert locate([missing], AWKWARD, "dp.json")[0].line == 3
