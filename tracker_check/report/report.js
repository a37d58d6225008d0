// tracker-check HTML report: small progressive enhancements. The report is complete without JS.
(function () {
  "use strict";
  var all = function () { return Array.prototype.slice.call(document.querySelectorAll("details")); };
  var tools = document.querySelector(".tools");
  if (tools) {
    tools.hidden = false;
    tools.addEventListener("click", function (ev) {
      var action = ev.target && ev.target.getAttribute("data-action");
      if (action === "expand") all().forEach(function (d) { d.open = true; });
      if (action === "collapse") all().forEach(function (d) { d.open = false; });
    });
    tools.addEventListener("change", function (ev) {
      if (ev.target && ev.target.getAttribute("data-action") === "problems") {
        document.body.classList.toggle("only-problems", ev.target.checked);
      }
    });
  }

  // Following a link (funnel card, "event #3") opens the <details> that hold the target.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (el) el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) reveal();

  // Print everything: open all <details>, then restore what the reader had closed.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = all().filter(function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
