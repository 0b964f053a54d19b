// The dispute form: a criterion's reason box opens when its "dispute" box is ticked and closes when it is
// unticked (what was typed stays, so unticking by mistake loses nothing: the server refuses a reason without a
// tick and says so next to it). A reason already written or refused stays open. Without JavaScript every box
// shows.
(function () {
  "use strict";

  function sync(cell, checkbox, focus) {
    const box = cell.querySelector(".dispute-reason-box");
    const textarea = cell.querySelector("textarea");
    const keepOpen = textarea && (textarea.value.trim() !== "" || textarea.classList.contains("is-invalid"));
    const open = checkbox.checked || Boolean(keepOpen);
    box.classList.toggle("d-none", !open);
    if (open && focus && textarea) {
      textarea.focus();
    }
  }

  document.querySelectorAll("[data-reason-for]").forEach(function (cell) {
    const checkbox = document.getElementById(cell.dataset.reasonFor);
    if (!checkbox || !cell.querySelector(".dispute-reason-box")) {
      return;
    }
    sync(cell, checkbox, false);
    checkbox.addEventListener("change", function () {
      sync(cell, checkbox, checkbox.checked);
    });
  });
})();
