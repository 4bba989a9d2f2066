// Tooltips show text, never markup.
//
// Material for MkDocs builds its tooltips by writing a string into the tooltip with
// innerHTML: an element's `title` (with the `content.tooltips` feature), and the text of a
// truncated page title or navigation link (`.md-ellipsis`), which it copies into a title
// first. A title is text, so inside a tooltip that string is set as text: markup in a
// module's title, a heading or a `title` attribute can never run or navigate on hover.
// This file loads in the page's <head>, before the theme's own script.
(() => {
  const html = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML");
  if (!html || !html.get || !html.set) return;
  const isTooltip = (element) =>
    element.classList.contains("md-tooltip__inner") ||
    element.classList.contains("md-tooltip2__inner");
  Object.defineProperty(Element.prototype, "innerHTML", {
    configurable: true,
    enumerable: html.enumerable,
    get() {
      return html.get.call(this);
    },
    set(value) {
      if (isTooltip(this)) this.textContent = String(value);
      else html.set.call(this, value);
    },
  });
})();
