// A site's risk timeline (#risk-chart): its score by day, over bands at the level thresholds
// that the page passes in data-thresholds (heritage.config.RISK_MODEL.levels).
(function () {
  "use strict";
  const el = document.getElementById("risk-chart");
  if (!el || typeof Chart === "undefined") { return; }

  const css = getComputedStyle(document.documentElement);
  const colour = (level) => css.getPropertyValue("--level-" + level).trim() || "#777";
  const DAY_MS = 86400000;
  const dayOf = (x) => new Date(x * DAY_MS).toISOString().slice(0, 10);

  // {"critical": 6, "high": 2, ...} -> bands from 'none' up, each [from, to) on the score axis.
  const steps = Object.entries(JSON.parse(el.dataset.thresholds)).sort((a, b) => a[1] - b[1]);
  const bands = [["none", 0]].concat(steps).map(([level, from], i, all) => (
    { level: level, from: from, to: i + 1 < all.length ? all[i + 1][1] : Infinity }));

  const levelBands = {
    id: "levelBands",
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea: area, scales: { y } } = chart;
      ctx.save();
      ctx.globalAlpha = 0.25;
      bands.forEach((band) => {
        const top = y.getPixelForValue(Math.min(band.to, y.max));
        const bottom = y.getPixelForValue(Math.max(band.from, y.min));
        if (bottom > top) {
          ctx.fillStyle = colour(band.level);
          ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        }
      });
      ctx.restore();
    },
  };

  function say(text) {
    const p = document.createElement("p");
    p.textContent = text;
    el.appendChild(p);
  }

  function draw(assessments) {
    if (!assessments.length) { say("Not assessed yet: no timeline to show."); return; }
    const points = assessments.map((a) => ({ x: Date.parse(a.as_of) / DAY_MS, y: a.score, level: a.level }));
    const top = Math.max(...points.map((p) => p.y));
    // The axis ends at the next threshold above the highest score (at least 'elevated's), so
    // the way to the next level shows; above 'critical' the chart picks its own top.
    const above = steps.find(([, threshold]) => threshold > top);
    const canvas = document.createElement("canvas");
    const last = assessments[assessments.length - 1];
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Risk score by day from " + assessments[0].as_of + " to " +
      last.as_of + "; now " + last.level + " (" + last.score.toFixed(2) + ")");
    el.appendChild(canvas);
    new Chart(canvas, {
      type: "line",
      data: {
        datasets: [{
          label: "score",
          data: points,
          borderColor: "#243447",
          borderWidth: 2,
          pointRadius: points.length > 90 ? 0 : 3,
          pointBackgroundColor: points.map((p) => colour(p.level)),
        }],
      },
      options: {
        animation: false,
        parsing: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: "linear", ticks: { callback: dayOf, maxTicksLimit: 8 } },
          y: {
            min: 0,
            max: above ? Math.max(above[1], steps.length > 1 ? steps[1][1] : 0) : undefined,
            title: { display: true, text: "risk score" },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => dayOf(items[0].parsed.x),
              label: (item) => item.raw.level + ", score " + item.parsed.y.toFixed(2),
            },
          },
        },
      },
      plugins: [levelBands],
    });
  }

  fetch(el.dataset.riskUrl)
    .then((response) => {
      if (!response.ok) { throw new Error(el.dataset.riskUrl + " answered " + response.status); }
      return response.json();
    })
    .then((body) => {
      draw(body.assessments || []);
      el.dataset.ready = "true";
    })
    .catch((error) => {
      say("The timeline could not load: " + error.message);
      el.dataset.ready = "error";
    });
})();
