// Reads vCards from stdin with Mozilla's ical.js, a parser independent of vobject, and prints
// each card as JSON: {"version": ..., "properties": [{"name", "params", "type", "values"}]}.
// A parse error exits with status 1 and the message on stderr.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

try {
  let parsed = ICAL.parse(text);
  if (parsed.length && typeof parsed[0] === "string") parsed = [parsed];
  const cards = parsed.map(([kind, properties]) => ({
    kind,
    properties: properties.map(([name, params, type, ...values]) => ({
      name,
      params,
      type,
      values,
    })),
  }));
  process.stdout.write(JSON.stringify(cards));
} catch (error) {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
}
