// Hearth's only script. The Content-Security-Policy allows no inline script or style attribute, so what
// needs either lives here.

// Rank badges take their colour (an admin's choice) from data-colour: setting it through the CSSOM is
// allowed where a style="…" attribute would not be. The text stays white where white on that colour reaches
// WCAG AA contrast (4.5:1) and turns black where it would not: one of the two always does.
function relativeLuminance(hex) {
  const digits = hex.length === 4 ? hex.slice(1).replace(/./g, "$&$&") : hex.slice(1);
  const channels = [0, 2, 4].map((at) => parseInt(digits.slice(at, at + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

document.querySelectorAll(".rank-badge[data-colour]").forEach((badge) => {
  const colour = badge.dataset.colour;
  badge.style.setProperty("--rank-colour", colour);
  if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(colour) && 1.05 / (relativeLuminance(colour) + 0.05) < 4.5) {
    badge.style.setProperty("--rank-text", "#000");
  }
});
