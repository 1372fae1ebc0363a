/* 政策模拟: the two charts of the result (ECharts, canvas). The figures come from the page's
 * json_script "whatif-data"; the tables beside the charts hold the same figures as text. */
(function () {
  "use strict";
  var node = document.getElementById("whatif-data");
  var script = document.getElementById("whatif-script");
  if (!node || !script || !window.echarts) {
    return;
  }
  var data = JSON.parse(node.textContent);
  var text = script.dataset;
  var charts = [];

  function short(fen) {
    // a bin's end in whole yuan with a sign, e.g. +21,000 (the table below has the exact figures)
    var y = Math.round(fen / 100);
    return (y > 0 ? "+" : "") + y.toLocaleString("zh-CN");
  }

  function wan(fen) {
    return Math.round(fen / 100) / 10000; // 万元 to the yuan, for display only
  }

  // The chart's height comes from the page (data-height): a style attribute would need the
  // Content-Security-Policy's 'unsafe-inline'; setting the property from a script does not.
  function sized(node) {
    if (node) {
      node.style.width = "100%";
      node.style.height = (parseInt(node.dataset.height, 10) || 320) + "px";
    }
    return node;
  }

  // Tooltips drawn on the canvas (richText): ECharts' HTML tooltips carry style attributes,
  // which the Content-Security-Policy refuses.
  var costNode = sized(document.getElementById("whatif-cost-chart"));
  if (costNode) {
    var cost = window.echarts.init(costNode, null, { renderer: "canvas" });
    cost.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { data: [text.current, text.overlay], top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 36, containLabel: true },
      xAxis: { type: "value", name: text.unit, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "category", inverse: true, data: data.items.map(function (i) { return i.label; }) },
      series: [
        { name: text.current, type: "bar", itemStyle: { color: "#5b6b7f" },
          data: data.items.map(function (i) { return wan(i.current_fen); }) },
        { name: text.overlay, type: "bar", itemStyle: { color: "#8a1c1c" },
          data: data.items.map(function (i) { return wan(i.overlay_fen); }) }
      ]
    });
    charts.push(cost);
  }

  var histNode = sized(document.getElementById("whatif-histogram-chart"));
  if (histNode) {
    var hist = window.echarts.init(histNode, null, { renderer: "canvas" });
    hist.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", formatter: function (items) {
        var b = data.histogram[items[0].dataIndex];
        return b.label + "\n" + text.count + "：" + b.count;
      } },
      grid: { left: 48, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.histogram.map(function (b) { return short(b.low_fen) + "～" + short(b.high_fen); }),
               axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", name: text.count, minInterval: 1 },
      series: [{
        name: text.count, type: "bar", barCategoryGap: "2%",
        data: data.histogram.map(function (b) {
          return { value: b.count, itemStyle: { color: b.high_fen <= 0 ? "#9b1c1c" : "#1d6b33" } };
        })
      }]
    });
    charts.push(hist);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
