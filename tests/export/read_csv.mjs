// Reads a CSV file from stdin with Papa Parse, a parser independent of Python's csv module, and
// prints its rows as JSON (arrays of cells). A BOM is dropped first, as Excel does; any parse
// error exits with status 1 and the errors on stderr.
import Papa from "papaparse";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8").replace(/^\uFEFF/, "");
const result = Papa.parse(text, { newline: "\r\n", skipEmptyLines: true });
if (result.errors.length) {
  process.stderr.write(JSON.stringify(result.errors));
  process.exit(1);
}
process.stdout.write(JSON.stringify(result.data));
