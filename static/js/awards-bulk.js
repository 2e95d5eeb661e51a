// The award round page: a box in each table's head ticks every candidate of
// that table. Without JavaScript the boxes stay hidden; the link "tick all who
// meet every criterion" does the useful part on the server.
(function () {
  "use strict";
  document.querySelectorAll(".candidate-table .select-all").forEach(function (all) {
    var table = all.closest("table");
    var boxes = table.querySelectorAll('input[name="candidate"]');
    if (!boxes.length) {
      return;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
})();
