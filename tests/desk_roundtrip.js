/*
 * Runs the desk's file format (plugins/desk/static/headerformat.js) in Node for the tests
 * (tests/test_desk.py): reads a JSON request on stdin, prints a JSON answer.
 *   {"desk": <desk.json's "desk">, "files": [{"path", "collection"}]}            → each file parsed and written again
 *   {"desk": …, "edits": [{"path", "collection", "set": {...}, "body": "..."}]}  → each file with the changes
 *   {"desk": …, "decide": [{"path", "action", "moderator", "when", "reason"}]}   → each contribution decided
 */
"use strict";
const fs = require("fs");
const path = require("path");
const format = require(path.join(__dirname, "..", "plugins", "desk", "static", "headerformat.js"));

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const desk = request.desk;
const answer = [];
function run(item, change) {
  const text = fs.readFileSync(item.path, "utf8");
  const spec = desk.formats[item.collection];
  const result = { path: item.path };
  try {
    let data = format.fromFile(text, spec, desk);
    result.readonly = data._desk.readonly;
    result.data = data;
    if (!data._desk.readonly) {
      data = change(JSON.parse(JSON.stringify(data)));
      result.written = format.toFile(data, spec, desk);
      result.same = result.written === text;
    }
  } catch (error) {
    result.error = error.message;
  }
  answer.push(result);
}
(request.files || []).forEach((item) => run(item, (data) => data));
(request.edits || []).forEach((item) => run(item, (data) => {
  Object.entries(item.set || {}).forEach(([key, value]) => {
    const [group, name] = key.includes(".") ? key.split(".") : [null, key];
    if (group) { data[group] = data[group] || {}; data[group][name] = value; } else { data[name] = value; }
  });
  if (item.body !== undefined) { data.body = item.body; }
  return data;
}));
(request.decide || []).forEach((item) => run({ path: item.path, collection: "contributions" },
  (data) => format.decide(data, item.action, item, desk)));
if (request.wall) {
  request.wall.forEach((w) => answer.push({ wall: w, iso: format.wallToIso(w, desk.timezone) }));
}
process.stdout.write(JSON.stringify(answer));
