/* The staff dashboard's chart: orders (bars) and revenue (line) per day, drawn by the
   vendored Chart.js (chart.umd.min.js, next to this file) from the JSON the page embeds. */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("sales-chart");
    var source = document.getElementById("sales-data");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      data: {
        labels: data.days,
        datasets: [
          { type: "bar", label: data.ordersLabel, data: data.orders, yAxisID: "orders" },
          {
            type: "line",
            label: data.revenueLabel,
            data: data.revenue.map(Number),
            yAxisID: "revenue",
            tension: 0.2,
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || undefined,
        plugins: { legend: { rtl: data.rtl }, tooltip: { rtl: data.rtl } },
        scales: {
          x: { reverse: data.rtl },
          orders: { type: "linear", position: data.rtl ? "right" : "left", beginAtZero: true,
                    ticks: { precision: 0 } },
          revenue: { type: "linear", position: data.rtl ? "left" : "right", beginAtZero: true,
                     grid: { drawOnChartArea: false } },
        },
      },
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
