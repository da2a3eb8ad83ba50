/* The receipt page's Copy and Print buttons (progressive enhancement).

   The page works without this file: the code can be selected and copied,
   written down, or printed from the browser's menu (print.css). Loaded as
   an external file because the CSP forbids inline scripts. */
(function () {
  "use strict";
  var actions = document.getElementById("receipt-actions");
  var code = document.getElementById("receipt-code");
  if (!actions || !code) { return; }
  var copyButton = document.getElementById("copy-receipt");
  var printButton = document.getElementById("print-receipt");
  var status = document.getElementById("copy-status");

  function say(message) { status.textContent = message; }

  function copyBySelection() {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    return done;
  }

  copyButton.addEventListener("click", function () {
    var text = code.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say(copyButton.dataset.copied); },
        function () { say(copyBySelection() ? copyButton.dataset.copied : copyButton.dataset.failed); }
      );
    } else {
      say(copyBySelection() ? copyButton.dataset.copied : copyButton.dataset.failed);
    }
  });
  if (typeof window.print === "function") {
    printButton.addEventListener("click", function () { window.print(); });
  } else {
    printButton.hidden = true;
  }
  actions.hidden = false;
})();
