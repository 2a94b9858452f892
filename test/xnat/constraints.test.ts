import { strict as assert } from "node:assert";
import { ConstraintError, UnknownOperatorError, field, toConstraintText, where, isConstraintError } from "../../lib/xnat/index.js";
import { fromPostfix, toConstraintSet } from "../../lib/xnat/constraints.js";

const P = "nt:scores/PROJECTS";
const CPW = "nt:scores/CPW_IWRD_TOT";

describe("xnat constraints (pyxnat list form and typed builder)", () => {
  it("parses the seed's nested OR constraint exactly as pyxnat walks it", () => {
    const set = toConstraintSet([[P, "LIKE", "%HCP_Q1%"], [[CPW, "<", "30"], [CPW, ">=", "35"], "OR"], "AND"]);
    assert.deepEqual(set, {
      kind: "set",
      method: "AND",
      items: [
        { kind: "criterion", field: P, operator: "LIKE", value: "%HCP_Q1%" },
        {
          kind: "set",
          method: "OR",
          items: [
            { kind: "criterion", field: CPW, operator: "<", value: "30" },
            { kind: "criterion", field: CPW, operator: ">=", value: "35" },
          ],
        },
      ],
    });
  });

  it("defaults a list without AND/OR to AND (the seed's first search) and accepts numbers as values", () => {
    const set = toConstraintSet([[P, "LIKE", "%HCP_Q1%"], ["nt:scores/NEO_NEOFAC_A", ">", 40]]);
    assert.equal(set.method, "AND");
    assert.equal(toConstraintText(set), "(nt:scores/PROJECTS LIKE '%HCP_Q1%' AND nt:scores/NEO_NEOFAC_A > '40')");
  });

  it("rewrites * to % in values like pyxnat and normalises operator spelling", () => {
    const set = toConstraintSet([[P, "not  like", "*Q1*"]]);
    assert.deepEqual(set.items[0], { kind: "criterion", field: P, operator: "NOT LIKE", value: "%Q1%" });
  });

  it("names the bad part of malformed constraints", () => {
    const cases: [unknown, string, RegExp][] = [
      [[[P, "LIKE"]], "constraints[0]", /exactly 3 items/],
      [[[P, "LIKE", "%x%", "extra"]], "constraints[0]", /has 4/],
      [[[P, "LIKE", "%x%"], [[CPW, "<", "30"], [CPW, ">=", 35, 1], "OR"], "AND"], "constraints[1][1]", /exactly 3/],
      [[[P, "LIKE", "%x%"], "XOR"], "constraints[1]", /neither "AND" nor "OR"/],
      [[[P, "LIKE", "%x%"], "AND", "OR"], "constraints[2]", /both AND and OR/],
      [[["PROJECTS", "LIKE", "%x%"]], "constraints[0][0]", /type\/FIELD/],
      [[[P, "LIKE", null]], "constraints[0][2]", /string or a finite number/],
      [[[P, "LIKE", "x"], 42], "constraints[1]", /not 42/],
      [[[P, "LIKE", "x"], []], "constraints[1]", /empty list/],
      [["AND"], "constraints", /no criteria/],
      [{ foo: 1 }, "constraints", /expected a list/],
    ];
    for (const [input, where, message] of cases) {
      assert.throws(
        () => toConstraintSet(input as never),
        (error: unknown) => isConstraintError(error) && error.where === where && message.test(error.message),
        `${JSON.stringify(input)} should fail at ${where}`,
      );
    }
  });

  it("rejects unknown operators with a typed error listing the known ones", () => {
    assert.throws(
      () => toConstraintSet([[P, "~=", "x"]]),
      (error: unknown) => error instanceof UnknownOperatorError && error instanceof ConstraintError && error.where === "constraints[0][1]" && /LIKE/.test(error.hint ?? ""),
    );
  });

  it("builds the same tree with the typed builder", () => {
    const built = where.and(field(P).like("%HCP_Q1%"), where.or(field(CPW).lt(30), field(CPW).ge(35)));
    const listed = toConstraintSet([[P, "LIKE", "%HCP_Q1%"], [[CPW, "<", "30"], [CPW, ">=", "35"], "OR"], "AND"]);
    assert.deepEqual(toConstraintSet(built), listed);
    assert.equal(field(CPW).between(30, 34).value, "30 AND 34");
    assert.equal(field(P).in(["HCP_Q1", "HCP_Q2"]).value, "HCP_Q1,HCP_Q2");
    assert.throws(() => field("NEO_NEOFAC_A"), ConstraintError);
    assert.throws(() => where.or(), ConstraintError);
    assert.throws(() => field(CPW).gt(Number.NaN), ConstraintError);
  });

  it("parses pyxnat's postfix string form", () => {
    const set = fromPostfix(`${P} LIKE %HCP_Q1% nt:scores/NEO_NEOFAC_A > 40 AND`);
    assert.equal(toConstraintText(set), "(nt:scores/PROJECTS LIKE '%HCP_Q1%' AND nt:scores/NEO_NEOFAC_A > '40')");
    assert.throws(() => fromPostfix(`${P} LIKE`), ConstraintError);
    assert.throws(() => fromPostfix(`${P} LIKE x ${CPW} < 3`), /without AND\/OR/);
  });
});
