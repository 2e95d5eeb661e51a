// Author rows: add a row from the template and show the running total of shares.
(function () {
  var form = document.getElementById("initiative-form");
  if (!form) { return; }
  var rows = document.getElementById("author-rows");
  var template = document.getElementById("author-template");
  var total = form.querySelector("input[name='authors-TOTAL_FORMS']");
  var shown = document.getElementById("share-total");
  var hint = document.getElementById("share-hint");

  function sum() {
    var value = 0;
    rows.querySelectorAll("tr").forEach(function (row) {
      var share = row.querySelector("input[name$='-share']");
      var removed = row.querySelector("input[name$='-DELETE']");
      if (share && share.value && !(removed && removed.checked)) {
        var number = parseFloat(share.value.replace(",", "."));
        if (!isNaN(number)) { value += number; }
      }
    });
    shown.textContent = value.toFixed(2).replace(".", ",");
    var off = Math.abs(value - 100) > 0.001;
    shown.classList.toggle("text-danger", off);
    // Colour alone does not tell everyone the total is wrong.
    if (hint) { hint.hidden = !off; }
  }

  form.querySelector("[data-add-author]").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var first = rows.lastElementChild.querySelector("input");
    if (first) { first.focus(); }
  });
  rows.addEventListener("input", sum);
  rows.addEventListener("change", sum);
  sum();
})();
