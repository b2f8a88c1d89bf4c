/*
 * The desk's file format (plugins/desk): Pelican's "Key: value" header lines, read and written
 * exactly as the build reads them (plugins/blogcore/headers.py), with no byte changed that the
 * writer did not change.
 *
 * - parse(text): the header's items (each with its raw lines), the rest of the file, and why the
 *   form could not represent the file, if so (it is then shown read-only, never rewritten);
 * - fromFile(text, format, desk): the form's values, plus `_desk` (the raw text, the reason);
 * - toFile(data, format, desk): the file again. A field whose value did not change keeps its
 *   lines byte for byte, the body too; a changed field is written in place; a new one goes where
 *   the field order puts it. A contribution (format.kind "contribution") that changed is written
 *   as the moderation tasks write it (plugins/community/store.py, dump_contribution);
 * - decide(data, action, ...): a moderation decision, as plugins/community/moderation.py takes it;
 * - wallToIso / nowIso: a date and time with the site's time zone's offset.
 *
 * Pure functions, no DOM: the same file runs in the browser (window.DeskFormat) and in Node
 * (module.exports), where the tests run it over every file of content/.
 */
(function (root) {
  "use strict";

  var KEY = /^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$/;
  var CONTINUATION = /^[ ]{4,}(.*)$/;
  var FENCE = /^-{3}\s*$/;
  // What Python's str.strip() removes (it differs from String.prototype.trim on a few characters).
  var PY_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var STRIP = new RegExp("^" + PY_SPACE + "+|" + PY_SPACE + "+$", "g");
  var SPLIT = new RegExp(PY_SPACE + "+", "g");
  // Characters that Python's splitlines() takes for line ends, or that no form field shows faithfully.
  var ODD = /[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\x00-\x08\x0e-\x1b\x7f]/;
  var TRUE_WORDS = ["yes", "oui", "true", "1"];
  var FALSE_WORDS = ["no", "non", "false", "0"];

  function pyStrip(text) { return String(text).replace(STRIP, ""); }
  function collapse(text) { return pyStrip(String(text == null ? "" : text)).split(SPLIT).filter(Boolean).join(" "); }
  function capitalize(key) { return key.charAt(0).toUpperCase() + key.slice(1).toLowerCase(); }
  function fold(text) {
    return pyStrip(text).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  /** Split a file into its header items and the rest, as blogcore/headers.py does. */
  function parse(text) {
    var result = { items: [], rest: "", body: "", readonly: null, duplicates: [] };
    if (text.charCodeAt(0) === 0xfeff) {
      result.readonly = "le fichier commence par une marque d'ordre d'octets (BOM) ; enregistrez-le en UTF-8 sans BOM";
    }
    var segments = text.match(/[^\n]*\n|[^\n]+$/g) || [];
    var index = 0;
    var current = null;
    var seen = {};
    if (segments.length && FENCE.test(segments[0].replace(/\n$/, ""))) {
      result.readonly = "l'en-tête est encadré par des lignes « --- » : retirez-les (l'en-tête finit à la première ligne vide)";
    }
    for (; index < segments.length; index++) {
      var line = segments[index].replace(/\n$/, "");
      if (pyStrip(line) === "" || FENCE.test(line)) {
        break;
      }
      var match = KEY.exec(line);
      if (match) {
        var key = match[1].toLowerCase();
        current = { key: key, name: match[1], value: pyStrip(match[2]), lines: [segments[index]] };
        if (seen[key]) { result.duplicates.push(key); }
        seen[key] = true;
        result.items.push(current);
        continue;
      }
      var more = current && CONTINUATION.exec(line);
      if (more) {
        current.value = pyStrip(current.value + " " + pyStrip(more[1]));
        current.lines.push(segments[index]);
        continue;
      }
      break;  // the first line of the body: Python-Markdown ends the header here too
    }
    var header = segments.slice(0, index).join("");
    if (!result.readonly && (ODD.test(header) || /\r/.test(text))) {
      result.readonly = /\r/.test(text)
        ? "le fichier a des fins de ligne Windows (CRLF) ; enregistrez-le avec des fins de ligne Unix (LF)"
        : "l'en-tête contient un caractère de contrôle ou un séparateur de ligne inhabituel";
    }
    result.rest = segments.slice(index).join("");
    // The body as the form shows it: what follows the blank line that ends the header.
    var first = segments[index];
    result.body = first !== undefined && pyStrip(first.replace(/\n$/, "")) === "" && !FENCE.test(first.replace(/\n$/, ""))
      ? segments.slice(index + 1).join("") : result.rest;
    return result;
  }

  function valuesOf(parsed, key) {
    return parsed.items.filter(function (item) { return item.key === key; }).map(function (item) { return item.value; });
  }

  function splitCorrection(value) {
    // Python's value.split("|", 2): at most three parts, the last one keeps its bars.
    var first = value.indexOf("|");
    if (first < 0) { return [value]; }
    var second = value.indexOf("|", first + 1);
    if (second < 0) { return [value.slice(0, first), value.slice(first + 1)]; }
    return [value.slice(0, first), value.slice(first + 1, second), value.slice(second + 1)];
  }

  function parseCorrection(value, desk) {
    var parts = splitCorrection(value).map(pyStrip);
    var messages = desk.messages;
    if (parts.length !== 3) { throw new Error(messages["transparency.correction_shape"]); }
    if (!/^\d{4}-\d{2}-\d{2}/.test(parts[0])) { throw new Error(messages["transparency.correction_date"].replace("{value}", "'" + parts[0] + "'")); }
    var type = fold(parts[1]);
    if (desk.correction_types.indexOf(type) < 0) { throw new Error(messages["transparency.correction_type"].replace("{value}", "'" + parts[1] + "'")); }
    if (!parts[2]) { throw new Error(messages["transparency.correction_text"]); }
    return { date: parts[0], type: type, text: parts[2] };
  }

  function parseMethod(value, desk) {
    var found = {};
    var count = 0;
    value.split("|").forEach(function (part) {
      if (!pyStrip(part)) { return; }
      var colon = part.indexOf(":");
      var key = fold(colon < 0 ? part : part.slice(0, colon));
      var text = colon < 0 ? "" : pyStrip(part.slice(colon + 1));
      if (colon < 0 || desk.method_parts.indexOf(key) < 0 || !text) {
        throw new Error(desk.messages["transparency.method_part"].replace("{value}", "'" + pyStrip(part) + "'"));
      }
      if (found[key] !== undefined) { throw new Error(desk.messages["transparency.method_twice"].replace("{value}", key)); }
      found[key] = text;
      count++;
    });
    if (!count) { throw new Error(desk.messages["transparency.method_empty"]); }
    return found;
  }

  /** The form value of one field, from the header's values of its key. */
  function formValue(field, values, desk) {
    var value = values.length ? values[values.length - 1] : undefined;
    switch (field.kind) {
      case "list":
        return value === undefined ? [] : value.split(",").map(pyStrip).filter(Boolean);
      case "bool":
        if (value === undefined || value === "") { return false; }
        if (TRUE_WORDS.indexOf(value.toLowerCase()) >= 0) { return true; }
        if (FALSE_WORDS.indexOf(value.toLowerCase()) >= 0) { return false; }
        throw new Error(desk.messages["transparency.guest"]);
      case "corrections":
        return values.filter(Boolean).map(function (v) { return parseCorrection(v, desk); });
      case "method":
        return value ? parseMethod(value, desk) : {};
      default:
        if (value === undefined) { return ""; }
        if (field.lower) { value = value.toLowerCase(); }
        if (field.options && value && field.options.indexOf(value) < 0) {
          throw new Error("« " + value + " » n'est pas dans la liste du site (" + field.options.join(", ") + ")");
        }
        return value;
    }
  }

  /** What a form value becomes in the header: one string per line (none: no line). */
  function headerValues(field, value, desk) {
    switch (field.kind) {
      case "list":
        var items = (value || []).map(collapse).filter(Boolean);
        return items.length ? [items.join(", ")] : [];
      case "bool":
        return value ? ["yes"] : [];
      case "corrections":
        return (value || []).map(function (c) {
          return [collapse(c.date), collapse(c.type), collapse(c.text)].join(" | ");
        }).filter(function (line) { return line !== " |  | " && line.replace(/[ |]/g, ""); });
      case "method":
        var parts = desk.method_parts.filter(function (key) { return value && collapse(value[key]); });
        return parts.length ? [parts.map(function (key) { return key + ": " + collapse(value[key]); }).join(" | ")] : [];
      default:
        var text = collapse(value);
        return text ? [text] : [];
    }
  }

  function getIn(data, field) {
    var holder = field.group ? (data[field.group] || {}) : data;
    return holder[field.key];
  }

  function setIn(data, field, value) {
    if (field.group) {
      data[field.group] = data[field.group] || {};
      data[field.group][field.key] = value;
    } else {
      data[field.key] = value;
    }
  }

  /** The form's values for a file; `_desk` keeps its raw text and, if any, why it stays read-only. */
  function fromFile(text, format, desk) {
    var parsed = parse(text);
    var data = {};
    var readonly = parsed.readonly;
    var repeatable = desk.repeatable || [];
    parsed.duplicates.forEach(function (key) {
      if (!readonly && repeatable.indexOf(key) < 0) {
        readonly = "le champ " + capitalize(key) + ": est écrit deux fois : gardez une seule ligne";
      }
    });
    var known = {};
    format.fields.forEach(function (field) {
      known[field.key] = true;
      try {
        setIn(data, field, formValue(field, valuesOf(parsed, field.key), desk));
      } catch (error) {
        readonly = readonly || (capitalize(field.key) + ": " + error.message);
        setIn(data, field, field.kind === "list" || field.kind === "corrections" ? [] : field.kind === "method" ? {} : "");
      }
    });
    var kept = parsed.items.filter(function (item) { return !known[item.key]; }).map(function (item) { return item.name; });
    data.body = format.kind === "contribution" ? pyStrip(parsed.body) : parsed.body;
    data._desk = { raw: text, readonly: readonly || "", kept: kept };
    return data;
  }

  function changedFields(data, format, desk, parsed) {
    return format.fields.filter(function (field) {
      var before;
      try {
        before = headerValues(field, formValue(field, valuesOf(parsed, field.key), desk), desk);
      } catch (error) {
        before = null;
      }
      return JSON.stringify(before) !== JSON.stringify(headerValues(field, getIn(data, field), desk));
    });
  }

  function withNewline(line) { return /\n$/.test(line) ? line : line + "\n"; }

  /** The file for the form's values: untouched fields keep their bytes (see the file's comment). */
  function toFile(data, format, desk) {
    var meta = data._desk || {};
    if (meta.readonly) {
      throw new Error("Ce fichier reste en lecture seule : " + meta.readonly);
    }
    var raw = meta.raw || "";
    var parsed = parse(raw);
    var changed = changedFields(data, format, desk, parsed);
    var bodyChanged = format.kind === "contribution"
      ? pyStrip(data.body || "") !== pyStrip(parsed.body) : (data.body || "") !== parsed.body;
    if (raw && !changed.length && !bodyChanged) {
      return raw;
    }
    if (format.kind === "contribution") {
      return dumpContribution(data, format, desk, parsed);
    }
    var order = format.fields.map(function (field) { return field.key; });
    var items = parsed.items.map(function (item) { return { key: item.key, lines: item.lines.slice() }; });
    changed.forEach(function (field) {
      var lines = headerValues(field, getIn(data, field), desk);
      var existing = parsed.items.filter(function (item) { return item.key === field.key; });
      var name = existing.length ? existing[0].name : capitalize(field.key);
      var written = lines.map(function (value) { return name + ": " + value + "\n"; });
      var at = -1;
      items.forEach(function (item, i) { if (item.key === field.key && at < 0) { at = i; } });
      items = items.filter(function (item, i) { return item.key !== field.key || i === at; });
      if (at >= 0) {
        items[at] = { key: field.key, lines: written };
        return;
      }
      // A new field: after the last field that comes before it in the form's order.
      var mine = order.indexOf(field.key);
      var after = -1;
      items.forEach(function (item, i) {
        var theirs = order.indexOf(item.key);
        if (theirs >= 0 && theirs < mine) { after = i; }
      });
      items.splice(after + 1, 0, { key: field.key, lines: written });
    });
    var lines = [];
    items.forEach(function (item) { lines = lines.concat(item.lines); });
    var header = lines.map(withNewline).join("");
    if (!bodyChanged && raw) {
      // The body and what separates it from the header, byte for byte.
      return header + parsed.rest;
    }
    var body = data.body || "";
    if (body && !/\n$/.test(body)) { body += "\n"; }
    return header + "\n" + body;
  }

  /** A contribution as plugins/community/store.py writes it (fields in a fixed order, empty ones left out). */
  function dumpContribution(data, format, desk, parsed) {
    var shown = {};
    format.fields.forEach(function (field) { shown[field.key] = field; });
    var lines = [];
    format.order.forEach(function (key) {
      // Fields the form does not show (the private ones) stay as the file has them; a redaction removes them.
      var redact = data._desk && data._desk.redact;
      var value = shown[key] ? getIn(data, shown[key]) : (redact ? "" : (valuesOf(parsed, key).pop() || ""));
      if (key === "official") {
        value = TRUE_WORDS.indexOf(pyStrip(value || "").toLowerCase()) >= 0 || value === true ? "yes" : "";
      } else if (key === "date" || key === "moderated_at") {
        value = isoForFile(value || "");
      } else if (key === "status" || key === "kind" || key === "idea_status") {
        value = (value || "").toLowerCase();
      }
      value = collapse(value);
      if (key === "decisions" && value) {
        value = value.split(";").filter(function (part) { return pyStrip(part); }).map(collapse).join(";\n    ");
      }
      if (value) { lines.push(capitalize(key) + ": " + value); }
    });
    var body = pyStrip(data.body || "");
    return lines.join("\n") + "\n\n" + (body ? body + "\n" : "");
  }

  /** An ISO 8601 date with its offset as the files carry it ('2009-02-27 00:00:00+01:00'); other text as it is. */
  function isoForFile(value) {
    var match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(Z|[+-]\d{2}:?\d{2})$/.exec(pyStrip(value));
    if (!match) { return value; }
    var offset = match[4] === "Z" ? "+00:00" : match[4].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    return match[1] + " " + match[2] + (match[3] || ":00") + offset;
  }

  // --- dates in the site's time zone ---------------------------------------------------------

  function wallClock(utcMillis, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(new Date(utcMillis)).forEach(function (p) { parts[p.type] = p.value; });
    return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  }

  function offsetAt(utcMillis, zone) { return wallClock(utcMillis, zone) - utcMillis; }

  function formatOffset(millis) {
    var minutes = Math.round(millis / 60000);
    var sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    return sign + String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function formatWall(wallMillis, offsetMillis) {
    var d = new Date(wallMillis);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + formatOffset(offsetMillis);
  }

  /** A wall time ('2026-11-22T10:00' or with seconds) in `zone` as '2026-11-22 10:00:00+01:00'; null in a skipped hour. */
  function wallToIso(wall, zone) {
    var match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall || "");
    if (!match) { return null; }
    var w = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +(match[6] || 0));
    var day = 86400000 / 2;
    var candidates = [offsetAt(w - day, zone), offsetAt(w + day, zone)];
    // The earlier instant when the hour repeats (Python's fold=0), none when the clocks skip it.
    var valid = candidates.filter(function (o) { return offsetAt(w - o, zone) === o; }).sort(function (a, b) { return b - a; });
    return valid.length ? formatWall(w, valid[0]) : null;
  }

  /** Now in `zone`, to the second, as the files carry it. */
  function nowIso(zone, now) {
    var utc = Math.floor((now === undefined ? Date.now() : now) / 1000) * 1000;
    var offset = offsetAt(utc, zone);
    return formatWall(utc + offset, offset);
  }

  // --- moderation -----------------------------------------------------------------------------

  /** Apply one decision to a contribution's form values, as plugins/community/moderation.py does. */
  function decide(data, action, options, desk) {
    var messages = desk.messages;
    var moderator = collapse(options.moderator || "");
    if (!moderator || moderator.indexOf(";") >= 0) { throw new Error(messages["moderation.moderator"]); }
    var status = (data.status || "pending").toLowerCase();
    var reason = "";
    if (action === "approved") {
      if (status === "redacted") { throw new Error(messages["moderation.approve_redacted"]); }
      if (!collapse(data.source)) { throw new Error(messages["moderation.approve_no_source"]); }
    } else if (action === "rejected") {
      reason = pyStrip(options.reason || "");
      if (!reason) { throw new Error(messages["moderation.reject_reason"]); }
      if (status === "redacted") { throw new Error(messages["moderation.reject_redacted"]); }
    } else if (action !== "redacted") {
      throw new Error("décision inconnue : " + action);
    }
    var when = options.when;
    var entry = when + " " + action + " by " + moderator;
    var next = Object.assign({}, data);
    next.status = action;
    next.moderator = moderator;
    next.moderated_at = when;
    next.decisions = data.decisions ? data.decisions + "; " + entry : entry;
    if (action !== "redacted") {
      next.reason = reason;
    } else {
      // The tombstone: no text, no identity (Contribution.redacted); private fields go too.
      ["body", "author", "author_url", "source_url", "original_id"].forEach(function (key) { next[key] = ""; });
      next._desk = Object.assign({}, data._desk || {}, { redact: true });
    }
    return next;
  }

  var api = {
    parse: parse, fromFile: fromFile, toFile: toFile, decide: decide, wallToIso: wallToIso, nowIso: nowIso,
    isoForFile: isoForFile, pyStrip: pyStrip,
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.DeskFormat = api;
  }
})(this);
