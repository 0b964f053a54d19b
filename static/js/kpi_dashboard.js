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
        { label: data.strings.value, data: chart.values, tension: 0.25, borderColor: "#0d6efd", backgroundColor: "#0d6efd" },
        {
          label: data.strings.year_earlier, data: chart.year_earlier, tension: 0.25, borderDash: [4, 4],
          borderColor: "#adb5bd", backgroundColor: "#adb5bd",
        },
      ];
      if (chart.target !== null) {
        datasets.push({ label: data.strings.target, data: flat(chart.target), pointRadius: 0, borderColor: "#198754", backgroundColor: "#198754", borderWidth: 1.5 });
      }
      if (chart.benchmark !== null) {
        const label = chart.benchmark_source ? data.strings.benchmark + " (" + chart.benchmark_source + ")" : data.strings.benchmark;
        datasets.push({ label: label, data: flat(chart.benchmark), pointRadius: 0, borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [2, 2], borderWidth: 1.5 });
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
  // The range's fields for a custom period, the "including" day for a calendar one.
  function showPeriodFields() {
    const period = document.getElementById("id_period");
    if (!period) { return; }
    const custom = period.value === "custom";
    document.querySelectorAll(".period-custom").forEach(function (field) { field.classList.toggle("d-none", !custom); });
    document.querySelectorAll(".period-calendar").forEach(function (field) { field.classList.toggle("d-none", custom); });
  }
  // A choice in a dropdown shows it at once; "custom range" first shows its two dates to fill in.
  document.addEventListener("change", function (event) {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.closest("#period-form")) { return; }
    if (select.name === "period" && select.value === "custom") { showPeriodFields(); return; }
    select.form.requestSubmit();
  });
  function refresh() { showPeriodFields(); draw(); }
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target && event.detail.target.id === "dashboard-body") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
