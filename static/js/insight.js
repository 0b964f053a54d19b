// The insight page's scatter charts (Chart.js): QA score per agent against CSAT and FCR, from the JSON the
// page carries.
(function () {
  const source = document.getElementById("insight-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  document.querySelectorAll("canvas.insight-scatter").forEach(function (canvas) {
    const series = canvas.dataset.series;
    new Chart(canvas, {
      type: "scatter",
      data: { datasets: [{ label: data.strings[series], data: data[series], backgroundColor: "#0d6efd" }] },
      options: {
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) { return item.raw.label + ": " + item.raw.x + " / " + item.raw.y; },
            },
          },
        },
        scales: {
          x: { title: { display: true, text: data.strings.qa_score } },
          y: { title: { display: true, text: data.strings[series] } },
        },
      },
    });
  });
})();
