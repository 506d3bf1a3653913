// Prints the logical id of the one AWS::Lambda::Function in a synthesized template whose
// Handler is the given one. CDK derives logical ids from construct paths plus a hash, so SAM
// commands read it from the template rather than hard-coding it.
//   node infra/sam/function-logical-id.js cdk.out/PartnerRegistryStack.template.json <handler>
const fs = require("fs");
const [templatePath, handler] = process.argv.slice(2);
if (!templatePath || !handler) {
  console.error("usage: function-logical-id.js <template.json> <handler>");
  process.exit(2);
}
const template = JSON.parse(fs.readFileSync(templatePath, "utf8"));
const ids = Object.entries(template.Resources || {})
  .filter(([, r]) => r.Type === "AWS::Lambda::Function" && r.Properties && r.Properties.Handler === handler)
  .map(([id]) => id);
if (ids.length !== 1) {
  console.error(`expected one function with handler ${handler} in ${templatePath}, found: [${ids.join(", ")}]`);
  process.exit(1);
}
console.log(ids[0]);
