// Reads vCards from stdin with a parser independent of vobject and prints each card as JSON:
// {"kind", "properties": [{"name", "group", "params", "values"}]}, names in lower case.
//   node read_vcards.mjs ical    Mozilla's ical.js (vCard 3.0 and 4.0)
//   node read_vcards.mjs vcard4  the vcard4 package (vCard 4.0 only, RFC 6350)
// Values are each parser's own output, undoctored. A parse error exits with status 1 and the
// message on stderr.
import ICAL from "ical.js";
import { parse as parseVcard4 } from "vcard4";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");

function ical(text) {
  let parsed = ICAL.parse(text);
  if (parsed.length && typeof parsed[0] === "string") parsed = [parsed];
  return parsed.map(([kind, properties]) => ({
    kind,
    properties: properties.map(([name, params, type, ...values]) => {
      const { group, ...rest } = params;
      return { name, group: group ?? null, params: rest, type, values };
    }),
  }));
}

function vcard4(text) {
  // vcard4 reads one card per call reliably; a file of several is split at BEGIN:VCARD.
  const cards = text.split(/(?=BEGIN:VCARD\r\n)/).filter((card) => card.trim());
  return cards.map((card) => ({
    kind: "vcard",
    properties: parseVcard4(card).parsedVcard.map(({ group, property, parameters, value }) => ({
      name: property.toLowerCase(),
      group,
      params: parameters,
      // A list (CATEGORIES) is one array value in vcard4, several values in ical.js.
      values: property === "CATEGORIES" ? [value].flat() : [value],
    })),
  }));
}

const readers = { ical, vcard4 };
try {
  const reader = readers[process.argv[2] ?? "ical"];
  if (!reader) throw new Error(`unknown reader ${process.argv[2]}`);
  process.stdout.write(JSON.stringify(reader(text)));
} catch (error) {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
}
