// The registry map: sites from the API over the offline country basemap (and tiles if set).
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  const map = L.map(el, { worldCopyJump: true }).setView([30, 35], 4);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
  }
  fetch(el.dataset.basemapUrl).then((r) => r.json()).then((countries) => {
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#8a9bb0", weight: 1, fillColor: "#f4f1ea", fillOpacity: el.dataset.tileUrl ? 0 : 1 },
    }).addTo(map).bringToBack();
  });
  const text = (s) => document.createTextNode(s == null ? "" : String(s));
  function popup(p) {
    const box = document.createElement("div");
    const title = document.createElement("strong");
    title.appendChild(text(p.name));
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(text(p.countries.join(", ") + " · " + p.geometry_precision));
    if (p.designation.in_danger) {
      box.appendChild(document.createElement("br"));
      box.appendChild(text("In Danger since " + (p.designation.in_danger_since || "?")));
    }
    return box;
  }
  // The API pages its results; follow the 'next' links until every site is in.
  async function allSites(url) {
    const features = [];
    while (url) {
      const page = await (await fetch(url)).json();
      features.push(...page.features);
      const next = (page.links || []).find((l) => l.rel === "next");
      url = next ? next.href : null;
    }
    return { type: "FeatureCollection", features: features };
  }
  allSites(el.dataset.sitesUrl).then((collection) => {
    const colour = (p) => (p.designation.in_danger ? "#c0392b" : "#2e86c1");
    const buffers = collection.features
      .filter((f) => f.properties.buffer_zone)
      .map((f) => ({ type: "Feature", geometry: f.properties.buffer_zone, properties: f.properties }));
    L.geoJSON({ type: "FeatureCollection", features: buffers }, {
      interactive: false,
      style: (f) => ({ color: colour(f.properties), weight: 1, dashArray: "4 4", fillOpacity: 0.05 }),
    }).addTo(map);
    const cores = L.geoJSON(collection, {
      style: (f) => ({ color: colour(f.properties), weight: 2, fillOpacity: 0.35 }),
      onEachFeature: (f, layer) => layer.bindPopup(popup(f.properties)),
    }).addTo(map);
    // Zones are too small to see below city zoom; a marker at each site keeps them findable.
    cores.eachLayer((layer) => {
      const p = layer.feature.properties;
      L.circleMarker(layer.getBounds().getCenter(), { radius: 5, color: colour(p), weight: 2, fillOpacity: 0.8 })
        .bindPopup(popup(p)).addTo(map);
    });
    if (cores.getBounds().isValid()) { map.fitBounds(cores.getBounds(), { maxZoom: 6 }); }
  });
})();
