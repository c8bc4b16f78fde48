/*
 * The home page map: the published countries' Natural Earth shapes (served by
 * this site at data-src), drawn by Leaflet with no tile layer, coloured by the
 * indicator chosen in #map-indicator. Each country is a link: click it, or
 * Tab to it and press Enter. Without JavaScript the table below gives the same
 * figures.
 */
(function () {
  "use strict";

  // Yellow to green: the lowest class never reads as the sea; "no data" is grey.
  var PALETTE = ["#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837"];
  var NO_DATA = "#bdbdbd";
  var mapElement = document.getElementById("map");
  var select = document.getElementById("map-indicator");
  var legend = document.getElementById("map-legend");
  if (!mapElement || typeof L === "undefined") {
    return;
  }

  // In an embed the country opens in the whole window, not in the frame.
  function go(url) {
    var target = mapElement.getAttribute("data-target");
    if (target) {
      window.open(url, target);
    } else {
      window.location.href = url;
    }
  }

  function steps(max) {
    // Upper bounds of the classes: zero on its own, then up to four equal classes over 1..max.
    var bounds = [0];
    var count = Math.min(PALETTE.length - 1, max);
    for (var i = 1; i <= count; i++) {
      bounds.push(Math.ceil((max * i) / count));
    }
    return bounds;
  }

  function classOf(value, bounds) {
    for (var i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        return i;
      }
    }
    return bounds.length - 1;
  }

  function colourFor(value, bounds) {
    return PALETTE[Math.round((classOf(value, bounds) * (PALETTE.length - 1)) / Math.max(bounds.length - 1, 1))];
  }

  function renderLegend(title, bounds, unit) {
    legend.textContent = "";
    var heading = document.createElement("p");
    heading.className = "legend-title";
    heading.textContent = title;
    legend.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "legend-list";
    var lower = 0;
    bounds.forEach(function (upper) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "legend-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = colourFor(upper, bounds);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode((lower === upper ? String(upper) : lower + "–" + upper) + unit));
      list.appendChild(item);
      lower = upper + 1;
    });
    legend.appendChild(list);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  // The land of the whole world (Natural Earth, served by this site) as a grey backdrop;
  // the map works without it.
  var land = getJSON(mapElement.getAttribute("data-land")).catch(function () {
    return null;
  });

  Promise.all([getJSON(mapElement.getAttribute("data-src")), land])
    .then(function (results) {
      var data = results[0];
      if (!data.features.length) {
        return;
      }
      mapElement.hidden = false;
      var titles = {};
      var units = {};
      data.indicators.forEach(function (indicator) {
        titles[indicator.key] = indicator.title;
        units[indicator.key] = indicator.unit || "";
      });
      var map = L.map(mapElement, {
        attributionControl: false,
        zoomSnap: 0.25,
        scrollWheelZoom: false,
        minZoom: 1,
        maxZoom: 8
      });
      if (results[1]) {
        L.geoJSON(results[1], {
          interactive: false,
          style: { weight: 0, fillColor: "#cfd8dc", fillOpacity: 1 }
        }).addTo(map);
      }
      var layer = L.geoJSON(data, {
        style: { weight: 1, color: "#1f2937", fillOpacity: 0.9 },
        onEachFeature: function (feature, shape) {
          shape.on("click", function () {
            go(feature.properties.url);
          });
          // A DOM node, not a string: Leaflet would parse a string as HTML.
          var label = document.createElement("span");
          label.textContent = feature.properties.name;
          shape.bindTooltip(label, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });

      function paint() {
        var key = select.value;
        var max = 0;
        data.features.forEach(function (f) {
          max = Math.max(max, f.properties[key] || 0);
        });
        var bounds = steps(max);
        layer.eachLayer(function (shape) {
          var p = shape.feature.properties;
          var value = p[key];
          var missing = value === null || value === undefined;
          shape.setStyle({ fillColor: missing ? NO_DATA : colourFor(value, bounds) });
          var element = shape.getElement();
          if (element) {
            var shown = missing ? mapElement.getAttribute("data-no-data") : value + units[key];
            element.setAttribute("aria-label", p.name + ": " + titles[key] + ", " + shown);
          }
        });
        renderLegend(titles[key], bounds, units[key]);
      }

      layer.eachLayer(function (shape) {
        var element = shape.getElement();
        if (!element) {
          return;
        }
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "link");
        element.setAttribute("data-country", shape.feature.id);
        element.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            go(shape.feature.properties.url);
          }
        });
      });
      // The indicator is in the URL (?indicator=), so a shared link shows the same map.
      document.dispatchEvent(
        new CustomEvent("sse:map-ready", { detail: { element: mapElement, indicator: select.value } })
      );
      select.addEventListener("change", function () {
        var url = new URL(window.location.href);
        url.searchParams.set("indicator", select.value);
        window.history.replaceState(null, "", url.pathname + url.search + url.hash);
        paint();
      });
      paint();
    })
    .catch(function (error) {
      legend.textContent = "The map could not be drawn; the table below has the same figures.";
      if (window.console) {
        window.console.warn(error);
      }
    });
})();
