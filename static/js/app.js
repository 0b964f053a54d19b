// QA Center's own scripts. htmx, Bootstrap and Chart.js are loaded from the npm-installed vendor folder.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = box.dataset.message + " (" + status + ")";
    box.classList.remove("d-none");
  }
});

// A select that submits its form when changed (the language menu): the Content-Security-Policy allows no inline
// event handlers (onchange=...).
document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
