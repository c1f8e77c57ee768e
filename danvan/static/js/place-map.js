// Maps on tiles, where a tile server is configured (settings.TILE_SERVER_URL; the page then
// loads Leaflet and this script, see lib/_tile_map.html).
// - On the citizen's form, an element with data-place-picker gets a map below it: a tap sets
//   the hidden latitude and longitude fields of its form (and a "change" event tells the
//   form's own script).
// - On a case page, an element with data-map-point (data-lat, data-lon) gets a map of it.
// Progressive: the map's box is made here, so without this script, without Leaflet, or
// when the tiles do not load, the page stays as it is and the form sends the same way.
(function () {
  "use strict";
  var config = document.getElementById("tile-map-config");
  var L = window.L;
  if (!config || !L || !config.getAttribute("data-tiles")) {
    return;
  }
  var CITY = [21.0285, 105.8542]; // Hoàn Kiếm: the first view when no place is chosen
  var MARK = { radius: 10, color: "#c21f32", weight: 3, fillColor: "#c21f32", fillOpacity: 0.35 };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function point(lat, lon) {
    var a = parseFloat(lat);
    var b = parseFloat(lon);
    return isFinite(a) && isFinite(b) ? [a, b] : null;
  }

  // A map in a new box right after `anchor`, with a status line under it that says when the
  // tiles fail (the map stays usable to tap: the point is all the form needs).
  function makeMap(anchor, label, centre, zoom, css) {
    var box = document.createElement("div");
    box.className = "place-map " + css;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    var note = document.createElement("p");
    note.className = "muted place-map-note";
    note.setAttribute("role", "status");
    anchor.insertAdjacentElement("afterend", box);
    box.insertAdjacentElement("afterend", note);
    var map = L.map(box, { attributionControl: false, scrollWheelZoom: false });
    map.setView(centre, zoom);
    var attribution = config.getAttribute("data-attribution");
    if (attribution) {
      L.control.attribution({ prefix: false }).addAttribution(text(attribution)).addTo(map);
    }
    var layer = L.tileLayer(config.getAttribute("data-tiles"), { maxZoom: 19 });
    layer.on("tileerror", function () {
      note.textContent = config.getAttribute("data-failed");
      box.setAttribute("data-tiles-failed", "1");
    });
    layer.on("tileload", function () {
      box.setAttribute("data-tiles-loaded", "1");
    });
    layer.addTo(map);
    return { map: map, note: note };
  }

  // The citizen taps the place of the case.
  document.querySelectorAll("[data-place-picker]").forEach(function (anchor) {
    var form = anchor.closest("form");
    var lat = form && form.elements.namedItem("latitude");
    var lon = form && form.elements.namedItem("longitude");
    if (!lat || !lon) {
      return;
    }
    var chosen = point(lat.value, lon.value);
    var hint = document.createElement("p");
    hint.className = "muted place-map-hint";
    hint.textContent = config.getAttribute("data-hint");
    anchor.insertAdjacentElement("afterend", hint);
    var made = makeMap(hint, config.getAttribute("data-pick-label"), chosen || CITY, chosen ? 16 : 11, "place-map-pick");
    var marker = null;
    function mark(where) {
      if (!where) {
        if (marker) {
          marker.remove();
          marker = null;
        }
        return;
      }
      if (marker) {
        marker.setLatLng(where);
      } else {
        marker = L.circleMarker(where, MARK).addTo(made.map);
      }
    }
    mark(chosen);
    var tapped = false;
    made.map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      mark([event.latlng.lat, event.latlng.lng]);
      tapped = true;
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      tapped = false;
    });
    // The device's position, or "remove the position", from the form's own script.
    lat.addEventListener("change", function () {
      var where = point(lat.value, lon.value);
      mark(where);
      if (where && !tapped) {
        made.map.setView(where, 16);
      }
    });
  });

  // A case page shows its point.
  document.querySelectorAll("[data-map-point]").forEach(function (anchor) {
    var where = point(anchor.getAttribute("data-lat"), anchor.getAttribute("data-lon"));
    if (!where) {
      return;
    }
    var made = makeMap(anchor, config.getAttribute("data-show-label"), where, 16, "place-map-show");
    L.circleMarker(where, MARK).addTo(made.map);
  });
})();
