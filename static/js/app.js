// QA Center's own scripts. htmx, Bootstrap and Chart.js are loaded from the npm-installed vendor folder.
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = box.dataset.message + " (" + status + ")";
    box.classList.remove("d-none");
  }
});
