// The KPI dashboards' trend charts (Chart.js): drawn from the JSON the page carries, and drawn again when htmx
// swaps in another period. A 400 (a period that cannot be shown) is swapped in too, to show its errors.
(function () {
  function draw() {
    const source = document.getElementById("dashboard-chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    const data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas.kpi-chart").forEach(function (canvas) {
      const chart = data.charts[canvas.dataset.kpi];
      const existing = Chart.getChart(canvas);
      if (existing) { existing.destroy(); }
      if (!chart) { return; }
      const flat = function (value) { return data.labels.map(function () { return value; }); };
      const datasets = [
        { label: data.strings.value, data: chart.values, tension: 0.25, spanGaps: false },
        { label: data.strings.year_earlier, data: chart.year_earlier, borderDash: [4, 4], tension: 0.25 },
      ];
      if (chart.target !== null) {
        datasets.push({ label: data.strings.target, data: flat(chart.target), pointRadius: 0, borderColor: "#198754", borderWidth: 1.5 });
      }
      if (chart.benchmark !== null) {
        const label = chart.benchmark_source ? data.strings.benchmark + " (" + chart.benchmark_source + ")" : data.strings.benchmark;
        datasets.push({ label: label, data: flat(chart.benchmark), pointRadius: 0, borderColor: "#6c757d", borderDash: [2, 2], borderWidth: 1.5 });
      }
      new Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: datasets },
        options: {
          animation: false,
          plugins: {
            tooltip: {
              callbacks: {
                afterLabel: function (item) {
                  const whole = item.datasetIndex === 0 ? chart.wholes[item.dataIndex] : null;
                  return whole === null ? "" : data.strings.of + " " + whole;
                },
              },
            },
          },
        },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target && event.detail.target.id === "dashboard-body") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
