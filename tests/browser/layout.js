// The layout check's measurements, evaluated in the page by tests/browser/layout.py (see its docstring).
({maxGap, tolerance}) => {
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const problems = [];
  const box = (b) => ({left: Math.round(b.left), top: Math.round(b.top + window.scrollY),
                       right: Math.round(b.right), bottom: Math.round(b.bottom + window.scrollY)});
  const intersect = (a, b) => ({left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
                                right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom)});
  const empty = (b) => b.right - b.left <= 0 || b.bottom - b.top <= 0;
  const overlaps = (a, b) => {
    const i = intersect(a, b);
    return i.right - i.left > tolerance && i.bottom - i.top > tolerance;
  };
  const everything = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};

  // The area an element's own clip leaves of its box; `clip: rect(0 0 0 0)` (visually hidden) leaves nothing.
  const ownClip = (element) => {
    const style = getComputedStyle(element);
    const clipped = style.clip && style.clip !== "auto" && /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(style.clip);
    return clipped || style.clipPath === "inset(50%)" ? null : everything;
  };
  // The area in which an element's box can be seen: the overflow clips of the ancestors it is laid out in.
  // An absolutely positioned box escapes the clips of static ancestors up to its containing block (the
  // nearest positioned one); a fixed one escapes all (transforms are not considered).
  const boxClip = (element) => {
    const position = getComputedStyle(element).position;
    if (position === "fixed") return everything;
    let parent = element.parentElement;
    if (position === "absolute") {
      while (parent && parent !== root && getComputedStyle(parent).position === "static") parent = parent.parentElement;
    }
    return contentClip(parent);
  };
  // The area in which an element's content can be seen: its box's area, its own overflow and its `clip`.
  const contentClips = new Map();
  const contentClip = (element) => {
    if (!element || element === root) return everything;
    if (contentClips.has(element)) return contentClips.get(element);
    let area = boxClip(element);
    if (area !== null) {
      const style = getComputedStyle(element);
      if (ownClip(element) === null) area = null;
      else if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const rect = element.getBoundingClientRect();
        const x = style.overflowX !== "visible", y = style.overflowY !== "visible";
        const clipped = intersect(area, {
          left: x ? rect.left : -1e9, right: x ? rect.right : 1e9, top: y ? rect.top : -1e9, bottom: y ? rect.bottom : 1e9,
        });
        area = empty(clipped) ? null : clipped;
      }
    }
    contentClips.set(element, area);
    return area;
  };
  const shows = (element) => element.checkVisibility({opacityProperty: true, visibilityProperty: true});
  // The visible parts of an element's boxes (one per line for an inline element), in viewport coordinates.
  const fragments = (element, perLine) => {
    if (!shows(element) || ownClip(element) === null) return [];
    const area = boxClip(element);
    if (area === null) return [];
    const rects = perLine ? Array.from(element.getClientRects()) : [element.getBoundingClientRect()];
    return rects.map((r) => intersect(r, area)).filter((r) => !empty(r));
  };
  const textRects = (node) => {
    const parent = node.parentElement;
    if (!parent || !shows(parent)) return [];
    const area = contentClip(parent);
    if (area === null) return [];
    const range = document.createRange();
    range.selectNodeContents(node);
    return Array.from(range.getClientRects()).map((r) => intersect(r, area)).filter((r) => !empty(r));
  };
  const describe = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += "#" + element.id;
    for (const name of ["type", "name", "value", "href"]) {
      const value = element.getAttribute(name);
      if (value && !(name === "value" && element.tagName === "BUTTON")) text += `[${name}="${value.slice(0, 40)}"]`;
    }
    const words = (element.innerText || element.value || "").replace(/\s+/g, " ").trim();
    return words && element.tagName !== "INPUT" ? `${text} "${words.slice(0, 50)}"` : text;
  };
  const snippet = (node) => node.textContent.replace(/\s+/g, " ").trim().slice(0, 50);

  // Visible text, node by node.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("script, style, template, noscript, option, select, textarea")) continue;
    const rects = textRects(node);
    if (rects.length) texts.push({node, rects});
  }
  const textOf = (element) => texts.filter((t) => element.contains(t.node));

  // (a) Radio buttons and checkboxes beside their labels.
  const misplaced = new Set();
  for (const control of document.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    const [own] = fragments(control, false);
    if (!own) continue;
    const label = Array.from(control.labels || []).find((l) => textOf(l).length);
    if (!label) continue;
    const labelText = textOf(label);
    const first = labelText[0].rects[0];
    const legend = control.closest("fieldset")?.querySelector(":scope > legend");
    const covered = labelText.concat(legend ? textOf(legend) : []).filter((t) => t.rects.some((r) => overlaps(own, r)));
    const reasons = [];
    if (own.right > first.left + tolerance) reasons.push("is not left of its label's text");
    else if (first.left - own.right > maxGap) reasons.push(`is ${Math.round(first.left - own.right)} px left of its label's text (at most ${maxGap})`);
    if (own.bottom <= first.top || own.top >= first.bottom) reasons.push("is not on the line of its label's first line");
    if (covered.length) reasons.push(`covers the text "${snippet(covered[0].node)}"`);
    if (reasons.length) {
      misplaced.add(control);
      problems.push({kind: "control beside label", element: describe(control), detail: reasons.join("; "),
                     boxes: {control: box(own), label_first_line: box(first)}});
    }
  }

  // (b) Nothing sideways beyond the viewport.
  const beyond = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (beyond.some((outer) => outer.contains(element))) continue;
    const parts = fragments(element, false);
    const part = parts.find((r) => r.right > viewport + 1);
    if (part) {
      beyond.push(element);
      problems.push({kind: "overflow", element: describe(element),
                     detail: `ends at ${Math.round(part.right)} px, beyond the ${viewport} px viewport`,
                     boxes: {element: box(part)}});
    }
  }
  if (root.scrollWidth > viewport) {
    // Named with what makes it wide: the visible culprits above, or else boxes nobody sees (transparent,
    // visibility hidden) that still widen the page and let it scroll sideways.
    const wide = [];
    if (!beyond.length) {
      // What the ancestors' overflow does not clip widens the page, even with its own `clip` or opacity 0.
      for (const element of document.body.querySelectorAll("*")) {
        const area = boxClip(element);
        if (area === null || wide.some((outer) => outer.contains(element))) continue;
        const rect = intersect(element.getBoundingClientRect(), area);
        if (!empty(rect) && rect.right > viewport + 1) wide.push(element);
      }
    }
    const named = wide.slice(0, 3).map((e) => `${describe(e)} (${Math.round(e.getBoundingClientRect().right)} px)`);
    problems.unshift({kind: "overflow", element: "the page",
                      detail: `is ${root.scrollWidth} px wide in a ${viewport} px viewport` +
                              (named.length ? `; unseen boxes reach beyond it: ${named.join(", ")}` : ""),
                      boxes: {}});
  }

  // (c) Controls overlapping each other, or text outside themselves.
  const controls = Array.from(document.body.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]"
  )).map((element) => ({element, parts: fragments(element, element.tagName === "A")}))
    .filter((c) => c.parts.length);
  for (let i = 0; i < controls.length; i++) {
    const a = controls[i];
    for (let j = i + 1; j < controls.length; j++) {
      const b = controls[j];
      if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
      for (const pa of a.parts) {
        const pb = b.parts.find((p) => overlaps(pa, p));
        if (pb) {
          problems.push({kind: "controls overlap", element: describe(a.element),
                         detail: `overlaps ${describe(b.element)}`, boxes: {first: box(pa), second: box(pb)}});
          break;
        }
      }
    }
    if (misplaced.has(a.element)) continue;  // already reported with its label
    for (const t of texts) {
      if (a.element.contains(t.node)) continue;
      const hit = t.rects.find((r) => a.parts.some((p) => overlaps(p, r)));
      if (hit) {
        const part = a.parts.find((p) => overlaps(p, hit));
        problems.push({kind: "control covers text", element: describe(a.element),
                       detail: `covers the text "${snippet(t.node)}"`, boxes: {control: box(part), text: box(hit)}});
        break;
      }
    }
  }
  return {viewport, misplaced: misplaced.size, problems};
}
