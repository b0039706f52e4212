// Hearth's only script. The Content-Security-Policy allows no inline script or style attribute, so what
// needs either lives here.

// Rank badges take their colour (an admin's choice) from data-colour: setting it through the CSSOM is
// allowed where a style="…" attribute would not be.
document.querySelectorAll(".rank-badge[data-colour]").forEach((badge) => {
  badge.style.setProperty("--rank-colour", badge.dataset.colour);
});
