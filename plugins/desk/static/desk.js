/*
 * The desk (plugins/desk): Decap CMS set up with what the build generated (desk.json) and the
 * desk's own parts:
 * - one file format per collection (headerformat.js: Pelican's header lines, byte for byte);
 * - widgets: a date and time in the site's time zone, the Markdown text with images that need a
 *   description, read-only values, the notice of a file shown read-only, a moderation decision;
 * - preSave: the checks that span fields (with the build's French messages), a new article's
 *   Feed_id, and a moderation decision applied as the tasks apply it (Decisions: who, when, what);
 * - previews in the site's own stylesheet; a contribution's preview lists its article, author,
 *   text, links and checks.
 * Everything comes from the site itself; nothing is loaded from another host.
 */
(function () {
  "use strict";
  var CMS = window.CMS;
  var h = window.h;
  var createClass = window.createClass;
  var F = window.DeskFormat;

  function get(map, path) {
    var value = map && map.getIn ? map.getIn(path) : undefined;
    return value && value.toJS ? value.toJS() : value;
  }

  function message(text) {
    return h("p", { className: "desk-message", role: "alert" }, text);
  }

  function start(setup) {
    var desk = setup.desk;
    var zone = desk.timezone;

    Object.keys(desk.formats).forEach(function (name) {
      var format = desk.formats[name];
      CMS.registerCustomFormat("pelican-" + name, "md", {
        fromFile: function (text) { return F.fromFile(text, format, desk); },
        toFile: function (data) { return F.toFile(data, format, desk); },
      });
    });

    // --- a date and time, with the site's time zone's offset -----------------------------------
    var DateTime = createClass({
      getInitialState: function () { return { wall: null }; },
      isValid: function () {
        var value = this.props.value;
        if (value && !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2})?)?$/.test(value)) {
          return { error: { message: desk.messages["date.gap"].replace("{value}", value).replace("{zone}", zone) } };
        }
        return true;
      },
      render: function () {
        var value = this.props.value || "";
        var match = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}(?::\d{2})?))?/.exec(value);
        var wall = this.state.wall !== null ? this.state.wall : (match ? match[1] + "T" + (match[2] || "00:00:00") : "");
        var self = this;
        return h("div", { className: this.props.classNameWrapper },
          h("input", {
            id: this.props.forID, type: "datetime-local", step: 1, value: wall,
            onChange: function (event) {
              var typed = event.target.value;
              self.setState({ wall: typed });
              self.props.onChange(typed ? (F.wallToIso(typed, zone) || typed.replace("T", " ")) : "");
            },
          }),
          h("span", { className: "desk-hint" }, value ? "Enregistré : " + value : "Heure de Paris"));
      },
    });
    CMS.registerWidget("desk-datetime", DateTime, function (props) { return h("span", {}, props.value || ""); });

    // --- values shown, never edited ---------------------------------------------------------------
    function show(value) {
      if (Array.isArray(value)) { return value.join(", "); }
      return value === undefined || value === null ? "" : String(value);
    }
    var ReadOnly = createClass({
      render: function () {
        var value = this.props.value && this.props.value.toJS ? this.props.value.toJS() : this.props.value;
        return h("div", { id: this.props.forID, className: "desk-readonly " + (this.props.classNameWrapper || "") },
          show(value) || "—");
      },
    });
    CMS.registerWidget("desk-readonly", ReadOnly, function (props) { return h("span", {}, show(props.value)); });

    // --- why a file is read-only, and the lines kept as they are -----------------------------------
    var Notice = createClass({
      render: function () {
        var readonly = get(this.props.entry, ["data", "_desk", "readonly"]);
        var kept = get(this.props.entry, ["data", "_desk", "kept"]) || [];
        var parts = [];
        if (readonly) {
          parts.push(h("p", { key: "r", className: "desk-readonly-reason", role: "alert" },
            "Lecture seule : " + readonly + ". La rédaction en ligne ne réécrira pas ce fichier."));
        }
        if (kept.length) {
          parts.push(h("p", { key: "k" }, "Lignes conservées telles quelles : " + kept.join(", ") + "."));
        }
        if (!parts.length) { parts.push(h("p", { key: "n" }, "Chaque champ correspond à une ligne de l'en-tête du fichier.")); }
        return h("div", { className: "desk-notice" }, parts);
      },
    });
    CMS.registerWidget("desk-notice", Notice, function () { return null; });

    // --- the text, in Markdown, with images saved under content/images/ ---------------------------
    function imageName(name) {
      var dot = name.lastIndexOf(".");
      var stem = (dot > 0 ? name.slice(0, dot) : name).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "image";
      var ext = (dot > 0 ? name.slice(dot + 1) : "").toLowerCase().replace(/[^a-z0-9]/g, "");
      return stem + (ext ? "." + ext : "");
    }
    var Body = createClass({
      getInitialState: function () { return { problem: "", description: "" }; },
      insert: function () {
        var file = this.fileInput && this.fileInput.files && this.fileInput.files[0];
        var description = F.pyStrip(this.state.description);
        if (!file) { this.setState({ problem: "Choisissez d'abord une image." }); return; }
        if (!description) { this.setState({ problem: desk.messages["image.description"] }); return; }
        var name = imageName(file.name);
        var renamed = new File([file], name, { type: file.type });
        var self = this;
        Promise.resolve(this.props.onPersistMedia(renamed)).then(function () {
          var text = self.props.value || "";
          var line = "![" + description.replace(/[\[\]]/g, "") + "]({static}/images/" + name + ")";
          self.props.onChange(text + (text && !/\n$/.test(text) ? "\n\n" : text ? "\n" : "") + line + "\n");
          self.fileInput.value = "";
          self.setState({ problem: "", description: "" });
        });
      },
      render: function () {
        var self = this;
        return h("div", { className: "desk-body " + (this.props.classNameWrapper || "") },
          h("textarea", {
            id: this.props.forID, rows: 18, value: this.props.value || "",
            onChange: function (event) { self.props.onChange(event.target.value); },
          }),
          h("fieldset", { className: "desk-image" },
            h("legend", {}, "Ajouter une image (enregistrée dans content/images/)"),
            h("input", { type: "file", accept: "image/*", ref: function (el) { self.fileInput = el; },
              "aria-label": "Image" }),
            h("label", {}, "Description (obligatoire) ",
              h("input", { type: "text", value: this.state.description,
                onChange: function (event) { self.setState({ description: event.target.value }); } })),
            h("button", { type: "button", onClick: this.insert }, "Insérer l'image"),
            this.state.problem ? message(this.state.problem) : null));
      },
    });
    var markdown = CMS.getWidget && CMS.getWidget("markdown");
    CMS.registerWidget("desk-markdown", Body, markdown ? markdown.preview : function (props) {
      return h("pre", {}, props.value || "");
    });

    // --- a moderation decision: one action, applied on save as the tasks apply it -------------------
    var Decision = createClass({
      getInitialState: function () {
        return { reason: "", moderator: window.localStorage.getItem("desk-moderator") || "" };
      },
      choose: function (action) {
        window.localStorage.setItem("desk-moderator", this.state.moderator);
        // The time of the click is the decision's time: saving twice records it once (preSave).
        this.props.onChange({ action: action, reason: this.state.reason, moderator: this.state.moderator,
          at: F.nowIso(zone) });
      },
      render: function () {
        var self = this;
        var status = get(this.props.entry, ["data", "status"]) || "pending";
        var chosen = this.props.value && this.props.value.toJS ? this.props.value.toJS() : this.props.value;
        var labels = desk.contributions.statuses;
        return h("div", { className: "desk-decision", id: this.props.forID },
          h("p", {}, "Statut actuel : " + (labels[status] || status)),
          h("label", {}, "Votre nom (enregistré avec la décision) ",
            h("input", { type: "text", name: "desk-moderator", value: this.state.moderator,
              onChange: function (event) { self.setState({ moderator: event.target.value }); } })),
          h("div", { className: "desk-actions" },
            h("button", { type: "button", name: "approve", onClick: function () { self.choose("approved"); } }, "Approuver"),
            h("label", {}, "Motif du refus ",
              h("input", { type: "text", name: "desk-reason", value: this.state.reason,
                onChange: function (event) { self.setState({ reason: event.target.value }); } })),
            h("button", { type: "button", name: "reject", onClick: function () { self.choose("rejected"); } }, "Refuser"),
            h("button", { type: "button", name: "redact", onClick: function () { self.choose("redacted"); } },
              "Retirer (efface le texte et l'identité)")),
          chosen && chosen.action
            ? h("p", { className: "desk-chosen", role: "status" }, "Décision choisie : " + labels[chosen.action] +
              (chosen.action === "rejected" ? " (motif : " + chosen.reason + ")" : "") +
              ". Enregistrez, puis publiez : la fusion la publie.")
            : null);
      },
    });
    CMS.registerWidget("desk-decision", Decision, function () { return null; });

    // --- checks before saving, with the build's messages; the decision; a new article's Feed_id -----
    CMS.registerEventListener({
      name: "preSave",
      handler: function (event) {
        var entry = event.entry;
        var collection = entry.get("collection");
        var data = entry.get("data");
        var plain = data.toJS();
        if (plain._desk && plain._desk.readonly) {
          throw new Error("Ce fichier reste en lecture seule : " + plain._desk.readonly);
        }
        if (collection === "contributions") {
          var chosen = plain._decision;
          if (!chosen || !chosen.action) { return data.delete("_decision"); }
          var author = event.author || {};
          var who = author.name || author.login || chosen.moderator;
          if (plain.decisions && plain.decisions.indexOf(chosen.at + " " + chosen.action + " by " + F.pyStrip(who || "")) >= 0) {
            return data.delete("_decision");  // this very decision is recorded already
          }
          console.log("desk: decision", chosen.action, "on", plain.id);
          var next = F.decide(plain, chosen.action, { moderator: who, reason: chosen.reason, when: chosen.at }, desk);
          var out = data;
          ["status", "moderator", "moderated_at", "decisions", "reason", "body", "author", "author_url",
            "source_url", "original_id"].forEach(function (key) {
            if (next[key] !== undefined) { out = out.set(key, next[key]); }
          });
          if (next._desk && next._desk.redact) { out = out.setIn(["_desk", "redact"], true); }
          return out.delete("_decision");
        }
        var t = plain.transparence || {};
        var m = desk.messages;
        if (t.partnership && !F.pyStrip(t.sponsor || "")) { throw new Error("Sponsor: " + m["transparency.sponsor_missing"]); }
        if (!t.partnership && (F.pyStrip(t.sponsor || "") || F.pyStrip(t.sponsor_url || ""))) {
          throw new Error("Sponsor: " + m["transparency.sponsor_alone"]);
        }
        var seen = {};
        (t.correction || []).forEach(function (c) {
          if (!c || !c.date || !c.type || !F.pyStrip(c.text || "")) { throw new Error("Correction: " + m["transparency.correction_shape"]); }
          if (plain.date && c.date < plain.date && c.date.slice(-6) === plain.date.slice(-6)) {
            throw new Error("Correction: " + m["transparency.correction_early"]);
          }
          if (seen[c.date]) { throw new Error("Correction: " + m["transparency.correction_twice"]); }
          seen[c.date] = true;
        });
        if (collection === "articles" && !plain.feed_id) {
          var bytes = new Uint8Array(4);
          window.crypto.getRandomValues(bytes);
          var token = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
          return data.set("feed_id", "tag:" + desk.feed_id_authority + "," + F.nowIso(zone).slice(0, 10) + ":" + token);
        }
        return data;
      },
    });

    // --- previews, in the site's own stylesheet --------------------------------------------------------
    (desk.preview_styles || []).forEach(function (href) { CMS.registerPreviewStyle(href); });
    CMS.registerPreviewStyle("desk.css");

    function links(text) {
      var found = [];
      (text || "").split(/[\s<>()\[\]"']+/).forEach(function (token) {
        if (!/^https?:/i.test(token)) { return; }
        try {
          var url = new URL(token);
          found.push(url.href);
        } catch (error) { /* not an address */ }
      });
      return found;
    }

    var ContributionPreview = createClass({
      render: function () {
        var data = this.props.entry.get("data").toJS();
        var article = desk.contributions.articles[data.article];
        var body = data.body || "";
        var found = links(body + " " + (data.author_url || ""));
        var max = desk.contributions.max_body_chars;
        var brand = desk.contributions.brand_names.some(function (name) {
          return name.toLowerCase() === (data.author || "").toLowerCase();
        });
        var checks = [
          [!!article, article ? "Article : « " + article.title + " »" : "Article inconnu : " + data.article],
          [!!(data.source || "").trim(), data.source ? "Source : " + data.source : "Sans source : ne peut pas être approuvée"],
          [body.length <= max, "Longueur : " + body.length + " caractères (au plus " + max + ")"],
          [found.length <= 2, found.length + " lien(s)"],
          [!brand || data.official === "yes", brand ? "Le nom est celui de la marque" : "Nom distinct de la marque"],
        ];
        return h("article", { className: "desk-contribution" },
          h("h1", {}, (desk.contributions.kinds[data.kind || "comment"] || "Contribution") + " de " + (data.author || "(retirée)")),
          h("p", {}, "Le " + (data.date || "") + (article ? " sur « " + article.title + " »" : "") +
            (data.reply_to ? ", en réponse à " + data.reply_to : "")),
          data.author_url ? h("p", {}, "Site : " + data.author_url) : null,
          h("blockquote", { className: "desk-contribution-text" }, body || "(aucun texte)"),
          h("h2", {}, "Liens"),
          found.length ? h("ul", {}, found.map(function (href) { return h("li", { key: href }, href); })) : h("p", {}, "Aucun lien."),
          h("h2", {}, "Vérifications"),
          h("ul", { className: "desk-checks" }, checks.map(function (check, i) {
            return h("li", { key: i, className: check[0] ? "desk-ok" : "desk-ko" }, (check[0] ? "✓ " : "✗ ") + check[1]);
          })),
          h("p", {}, "Le site applique de nouveau toutes ses règles (noms de la marque, réponses officielles, données " +
            "personnelles, taille) à la construction : l'aperçu et la vérification de la demande de fusion le montrent."),
          data.decisions ? h("p", {}, "Décisions : " + data.decisions) : null);
      },
    });
    CMS.registerPreviewTemplate("contributions", ContributionPreview);

    CMS.init({ config: setup.cms });
  }

  fetch("desk.json", { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(start)
    .catch(function (error) {
      document.body.appendChild(document.createTextNode("La rédaction n'a pas pu démarrer : " + error));
    });
})();
