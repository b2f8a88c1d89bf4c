/*
  The search page (/recherche/, theme/templates/recherche.html): searches the Pagefind index
  that the build wrote (plugins/search/) in the reader's own browser. Everything it loads
  comes from the site itself: Pagefind's script (data-bundle), which fetches its WebAssembly,
  the index's metadata, the chunks that the words need and the fragments of the results shown.

  - The address keeps the search: ?q=mots&kind=Contribution&category=Stratégie, so that
    a search can be bookmarked, shared or reloaded, and the header's link lands here.
  - Results come ten at a time: title (link), kind, date, author or article, category,
    and the passage with the words highlighted (<mark>), built as DOM nodes: no text
    from the index is ever parsed as HTML.
  - An article with a commercial counterpart carries its mention (the record's "disclosure",
    plugins/search/records.py): before its title, as on its card (the theme's disclosure
    macro, same classes); after the article's title on its contributions' result, so that
    it qualifies the article and never the readers' words.
  - An article's contributions are one result (plugins/search/records.py): under it, each
    contribution that holds the words (Pagefind's sub-results, best first), with its own
    link to its anchor on the article's page and its own highlighted passage.
  - The results list is aria-busy while a search runs; the status line (role="status")
    announces the count, or "Aucun résultat".
*/

const PAGE_SIZE = 10;
const PARTS_SHOWN = 5;  // contributions shown under one article's result; a link leads to the others
const DEBOUNCE_MS = 250;

const form = document.querySelector("form.search");
if (form) {
  start(form).catch(failed);
}

function failed(error) {
  console.error("Recherche indisponible :", error);
  document.getElementById("search-results").removeAttribute("aria-busy");
  document.getElementById("search-failed").hidden = false;
  document.getElementById("search-status").textContent = "";
  if (form) form.hidden = true;
}

async function start(form) {
  const input = form.elements.namedItem("q");
  const status = document.getElementById("search-status");
  const hint = document.getElementById("search-hint");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const boxes = Array.from(form.querySelectorAll("input[type=checkbox]"));

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  for (const box of boxes) box.checked = params.getAll(box.name).includes(box.value);
  form.hidden = false;
  if (input.value.trim()) list.setAttribute("aria-busy", "true");

  const pagefind = await import(new URL(form.dataset.bundle, document.baseURI).href);
  // No web worker: it would download Pagefind's code a second time (pagefind-worker.js, 41 kB),
  // and a search of this site's index takes milliseconds in the page itself.
  await pagefind.options({baseUrl: new URL(form.dataset.root, document.baseURI).href, noWorker: true});

  let shown = [];      // results of the current search (each has .data())
  let next = 0;        // how many of them are on the page
  let generation = 0;  // a newer search makes an older one's results obsolete
  let timer = null;

  function chosenFilters() {
    const filters = {};
    for (const box of boxes) {
      if (box.checked) (filters[box.name] ||= {any: []}).any.push(box.value);
    }
    return filters;
  }

  function remember(term) {
    const query = new URLSearchParams();
    if (term) query.set("q", term);
    for (const box of boxes) if (box.checked) query.append(box.name, box.value);
    const search = query.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  async function run() {
    const term = input.value.trim();
    const mine = ++generation;
    remember(term);
    list.replaceChildren();
    more.hidden = true;
    hint.hidden = true;
    if (!term) {
      status.textContent = "";
      list.removeAttribute("aria-busy");
      return;
    }
    list.setAttribute("aria-busy", "true");
    status.textContent = "Recherche en cours…";
    const found = await pagefind.search(term, {filters: chosenFilters()});
    if (mine !== generation) return;
    shown = found ? found.results : [];
    next = 0;
    const count = shown.length;
    const quoted = `« ${term} »`;
    if (count === 0) {
      status.textContent = `Aucun résultat pour ${quoted}.`;
      hint.hidden = false;
      list.removeAttribute("aria-busy");
      return;
    }
    await showMore(mine, false);
    if (mine !== generation) return;
    status.textContent = `${count} résultat${count > 1 ? "s" : ""} pour ${quoted}.`;
  }

  async function showMore(mine, focus) {
    list.setAttribute("aria-busy", "true");
    const batch = shown.slice(next, next + PAGE_SIZE);
    const data = await Promise.all(batch.map((result) => result.data()));
    if (mine !== generation) return;
    const items = data.map(resultItem);
    list.append(...items);
    next += batch.length;
    more.hidden = next >= shown.length;
    list.removeAttribute("aria-busy");
    if (focus && items.length) items[0].querySelector("a").focus();
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run().catch(failed), DEBOUNCE_MS);
  }

  input.addEventListener("input", later);
  for (const box of boxes) box.addEventListener("change", () => run().catch(failed));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    run().catch(failed);
  });
  more.addEventListener("click", () => showMore(generation, true).catch(failed));

  if (input.value.trim()) await run();
}

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/* Pagefind's excerpt escapes < and > and marks the words with <mark>…</mark>: rebuilt as nodes. */
function excerptNodes(excerpt) {
  const nodes = [];
  const parts = (excerpt || "").split(/<mark>|<\/mark>/);
  parts.forEach((part, index) => {
    const text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    if (!text) return;
    nodes.push(index % 2 === 1 ? element("mark", "", text) : document.createTextNode(text));
  });
  return nodes;
}

/* A contribution's passage starts with its heading when the words are near its start: said once, above it. */
function withoutHeading(excerpt, heading) {
  const escaped = (heading || "").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const text = excerpt || "";
  if (!escaped || !text.startsWith(escaped)) return text;  // (a heading whose words are marked stays)
  return text.slice(escaped.length).replace(/^[.\s]+/, "");
}

/* The commercial mention before a card's title, as the theme's disclosure macro writes it. */
function mentionNode(mention) {
  const node = element("p", "disclosure disclosure--card");
  node.append(element("strong", "", mention));
  return node;
}

function resultItem(data) {
  const meta = data.meta || {};
  const filters = data.filters || {};
  const kind = (filters.kind || [])[0] || "";
  const mention = meta.disclosure || "";
  const item = element("li", "search-result");
  if (mention && kind !== "Contribution") item.append(mentionNode(mention));

  const heading = element("h2", "search-result__title");
  const link = element("a", "", meta.title || data.url);
  link.href = data.url;
  heading.append(link);

  const facts = element("p", "search-result__meta");
  const parts = [];
  if (kind) parts.push(element("span", "search-result__kind", kind));
  if (meta.date) parts.push(element("span", "", meta.date));
  if (meta.article) {
    const about = element("span", "", `sur « ${meta.article} »`);
    if (mention) {
      const after = element("span", "disclosure-inline disclosure-inline--after");
      after.append("(", element("strong", "", mention), ")");
      about.append(" ", after);
    }
    parts.push(about);
  }
  else if (meta.author) parts.push(element("span", "", `par ${meta.author}`));
  for (const category of filters.category || []) parts.push(element("span", "", category));
  parts.forEach((part, index) => {
    if (index) facts.append(element("span", "sep", " · "));
    facts.append(part);
  });
  facts.querySelectorAll(".sep").forEach((sep) => sep.setAttribute("aria-hidden", "true"));

  // (an article's own headings are anchors too: its result stays one passage)
  const contributions = kind === "Contribution" ? anchoredParts(data) : [];
  if (contributions.length) {
    item.append(heading, facts, partsList(contributions, data.url));
  } else {
    const excerpt = element("p", "search-result__excerpt");
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(heading, facts, excerpt);
  }
  return item;
}

/* A thread's contributions that hold the words, most matches first (ties keep the page's order). */
function anchoredParts(data) {
  const parts = (data.sub_results || []).filter((part) => part.anchor && part.anchor.id);
  return parts
    .map((part, index) => ({part, index}))
    .sort((a, b) => (b.part.locations || []).length - (a.part.locations || []).length || a.index - b.index)
    .map(({part}) => part);
}

function partsList(parts, threadUrl) {
  const list = element("ul", "search-result__parts");
  for (const part of parts.slice(0, PARTS_SHOWN)) {
    const item = element("li", "search-result__part");
    const title = element("h3", "search-result__part-title");
    const link = element("a", "", part.title);
    link.href = part.url;
    title.append(link);
    const excerpt = element("p", "search-result__excerpt");
    excerpt.append(...excerptNodes(withoutHeading(part.excerpt, part.title)));
    item.append(title, excerpt);
    list.append(item);
  }
  const others = parts.length - PARTS_SHOWN;
  if (others > 0) {
    const item = element("li", "search-result__others");
    const link = element("a", "", `${others} autre${others > 1 ? "s" : ""} contribution${others > 1 ? "s" : ""} sur la page de l’article`);
    link.href = threadUrl;
    item.append(link);
    list.append(item);
  }
  return list;
}
