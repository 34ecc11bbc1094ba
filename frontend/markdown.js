// A small markdown renderer for the composer's preview. It builds DOM nodes, never HTML
// strings, so nothing typed can run. The server's rendering (CommonMark) is what gets stored.

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(~~[^~]+~~)|(\[[^\]]+\]\([^)\s]+\))|(@[a-z0-9][a-z0-9._-]*[a-z0-9]|@[a-z0-9])/i;

function inline(text, parent) {
  let rest = text;
  while (rest) {
    const match = rest.match(INLINE);
    if (!match) { parent.append(rest); break; }
    if (match.index) parent.append(rest.slice(0, match.index));
    const token = match[0];
    let node;
    if (match[1]) { node = document.createElement("code"); node.textContent = token.slice(1, -1); }
    else if (match[2]) { node = document.createElement("strong"); inline(token.slice(2, -2), node); }
    else if (match[3]) { node = document.createElement("em"); inline(token.slice(1, -1), node); }
    else if (match[4]) { node = document.createElement("del"); inline(token.slice(2, -2), node); }
    else if (match[5]) {
      const [, label, href] = token.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
      if (/^(https?:|mailto:)/i.test(href)) {
        node = document.createElement("a");
        node.href = href;
        node.rel = "noopener nofollow";
        node.target = "_blank";
        inline(label, node);
      } else node = document.createTextNode(token);
    } else if (match[6]) {
      const before = match.index ? rest[match.index - 1] : " ";
      if (/[\w.@-]/.test(before)) node = document.createTextNode(token);
      else { node = document.createElement("span"); node.className = "mention"; node.textContent = token; }
    }
    parent.append(node);
    rest = rest.slice(match.index + token.length);
  }
}

function paragraph(lines) {
  const p = document.createElement("p");
  lines.forEach((line, index) => {
    if (index) p.append(document.createElement("br"));
    inline(line, p);
  });
  return p;
}

export function renderMarkdown(source) {
  const root = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i += 1; continue; }
    if (/^```/.test(line)) {
      const code = [];
      i += 1;
      while (i < lines.length && !/^```/.test(lines[i])) { code.push(lines[i]); i += 1; }
      i += 1;
      const pre = document.createElement("pre");
      const element = document.createElement("code");
      element.textContent = code.join("\n");
      pre.append(element);
      root.append(pre);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      const element = document.createElement(`h${heading[1].length}`);
      inline(heading[2], element);
      root.append(element);
      i += 1;
      continue;
    }
    if (/^>\s?/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) { quoted.push(lines[i].replace(/^>\s?/, "")); i += 1; }
      const block = document.createElement("blockquote");
      block.append(renderMarkdown(quoted.join("\n")));
      root.append(block);
      continue;
    }
    const bullet = /^\s*[-*+]\s+/;
    const numbered = /^\s*\d+[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const pattern = bullet.test(line) ? bullet : numbered;
      const list = document.createElement(pattern === bullet ? "ul" : "ol");
      while (i < lines.length && pattern.test(lines[i])) {
        const item = document.createElement("li");
        inline(lines[i].replace(pattern, ""), item);
        list.append(item);
        i += 1;
      }
      root.append(list);
      continue;
    }
    const block = [];
    while (i < lines.length && lines[i].trim() && !/^(```|#{1,6}\s|>|\s*[-*+]\s|\s*\d+[.)]\s)/.test(lines[i])) {
      block.push(lines[i]);
      i += 1;
    }
    if (!block.length) { block.push(line); i += 1; }
    root.append(paragraph(block));
  }
  return root;
}

/** The text a person reads, for places that show plain text (excerpts, form fields): no `**` or `](`. */
export function plainText(source) {
  const box = document.createElement("div");
  box.append(renderMarkdown(source || ""));
  for (const br of box.querySelectorAll("br")) br.replaceWith("\n");
  for (const item of box.querySelectorAll("li")) item.prepend("• ");
  const blocks = [...box.children].map((block) =>
    block.matches("ul, ol") ? [...block.children].map((item) => item.textContent).join("\n") : block.textContent);
  return blocks.join("\n\n").trim();
}
