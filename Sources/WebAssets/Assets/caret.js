// Where the caret of a textarea is, in pixels from the textarea's top left corner: a hidden copy of the
// textarea with the same font, padding and wrapping holds the text up to the caret and a marker after it.

const copied = [
  "boxSizing", "width", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth",
  "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "fontFamily", "fontSize", "fontWeight",
  "fontStyle", "letterSpacing", "lineHeight", "textTransform", "wordSpacing", "tabSize", "whiteSpace",
  "overflowWrap", "wordBreak",
];

/** {left, top, height} of the caret at `index` in `textarea`, scrolled as the textarea is. */
export function caretPosition(textarea, index) {
  const mirror = document.createElement("div");
  const style = getComputedStyle(textarea);
  for (const property of copied) mirror.style[property] = style[property];
  Object.assign(mirror.style, {
    position: "absolute", visibility: "hidden", top: "0", left: "-9999px", whiteSpace: "pre-wrap",
    overflowWrap: "break-word", overflow: "hidden", height: "auto",
  });
  mirror.textContent = textarea.value.slice(0, index);
  const marker = document.createElement("span");
  marker.textContent = textarea.value.slice(index, index + 1) || "\u200b";
  mirror.append(marker);
  document.body.append(mirror);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3;
  const position = {
    left: marker.offsetLeft - textarea.scrollLeft,
    top: marker.offsetTop - textarea.scrollTop,
    height: lineHeight,
  };
  mirror.remove();
  return position;
}
