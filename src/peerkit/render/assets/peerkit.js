// Facilitator notes and other folded blocks print open, so paper shows everything.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll(".md-content details:not([open])")) {
    details.setAttribute("open", "");
    details.dataset.peerkitPrintOpened = "";
  }
});
window.addEventListener("afterprint", () => {
  for (const details of document.querySelectorAll("details[data-peerkit-print-opened]")) {
    details.removeAttribute("open");
    delete details.dataset.peerkitPrintOpened;
  }
});
