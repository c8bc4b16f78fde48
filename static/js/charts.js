/*
 * Every chart (a <figure class="chart" data-chart>) and the map get a chart/table switch and
 * CSV, SVG and PNG downloads, built from the chart's own SVG and the data table beside it
 * (data-chart-table, or the table in the same .chart-group). The toolbar's words come from
 * the translated <template id="chart-tools">. Without JavaScript both chart and table show.
 */
(function () {
  "use strict";
  var template = document.getElementById("chart-tools");
  if (!template) {
    return;
  }

  function csvOf(table) {
    var rows = [];
    table.querySelectorAll("tr").forEach(function (tr) {
      var cells = [];
      tr.querySelectorAll("th, td").forEach(function (cell) {
        var text = cell.textContent.replace(/\s+/g, " ").trim();
        // A cell that a spreadsheet would run as a formula is quoted with a leading apostrophe.
        if (/^[=+\-@]/.test(text) && !/^-?\d/.test(text)) {
          text = "'" + text;
        }
        cells.push('"' + text.replace(/"/g, '""') + '"');
      });
      rows.push(cells.join(","));
    });
    return rows.join("\r\n") + "\r\n";
  }

  // The SVG with the page's computed colours and fonts written in, so that it stands alone.
  function standaloneSvg(svg) {
    var copy = svg.cloneNode(true);
    var originals = svg.querySelectorAll("*");
    copy.querySelectorAll("*").forEach(function (node, index) {
      var style = window.getComputedStyle(originals[index]);
      ["fill", "stroke", "stroke-width", "font-size", "font-family", "font-weight", "opacity", "fill-opacity"].forEach(
        function (name) {
          node.style.setProperty(name, style.getPropertyValue(name));
        }
      );
    });
    var box = svg.getBoundingClientRect();
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("width", Math.round(box.width));
    copy.setAttribute("height", Math.round(box.height));
    return new XMLSerializer().serializeToString(copy);
  }

  function dataUrl(type, text) {
    return "data:" + type + ";charset=utf-8," + encodeURIComponent(text);
  }

  function save(href, name) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function png(svg, name) {
    var box = svg.getBoundingClientRect();
    var scale = 2;
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(box.width * scale);
      canvas.height = Math.round(box.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      save(canvas.toDataURL("image/png"), name + ".png");
    };
    image.src = dataUrl("image/svg+xml", standaloneSvg(svg));
  }

  function equip(figure, table, name, findSvg) {
    var tools = template.content.firstElementChild.cloneNode(true);
    figure.parentNode.insertBefore(tools, figure.nextSibling);
    var tableBox = table.closest(".table-scroll") || table;
    tools.querySelectorAll("[data-view]").forEach(function (button) {
      button.addEventListener("click", function () {
        var view = button.getAttribute("data-view");
        figure.hidden = view !== "chart";
        tableBox.hidden = view !== "table";
        tools.querySelectorAll("[data-view]").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      });
    });
    tableBox.hidden = true;
    tools.querySelector('[data-download="csv"]').addEventListener("click", function (event) {
      event.preventDefault();
      save(dataUrl("text/csv", "\ufeff" + csvOf(table)), name + ".csv");
    });
    tools.querySelector('[data-download="svg"]').addEventListener("click", function (event) {
      event.preventDefault();
      save(dataUrl("image/svg+xml", standaloneSvg(findSvg())), name + ".svg");
    });
    tools.querySelector('[data-download="png"]').addEventListener("click", function (event) {
      event.preventDefault();
      png(findSvg(), name);
    });
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var group = figure.closest(".chart-group");
    var table = group ? group.querySelector("table") : null;
    if (!table) {
      var next = figure.nextElementSibling;
      table = next && next.matches("table, .table-scroll") ? next.querySelector("table") || next : null;
    }
    var svg = figure.querySelector("svg");
    if (table && svg) {
      equip(figure, table, figure.getAttribute("data-chart"), function () {
        return svg;
      });
    }
  });

  // The map: its figures are the countries table; its picture is Leaflet's SVG layer.
  document.addEventListener("sse:map-ready", function (event) {
    var map = event.detail.element;
    var table = document.querySelector("#countries-table table");
    if (table) {
      equip(map, table, "sse-map-" + event.detail.indicator, function () {
        return map.querySelector(".leaflet-overlay-pane svg");
      });
    }
  });
})();
