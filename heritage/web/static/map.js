// The dashboard's maps: the registry with recent events (#map, home page) and one site with the
// events that touch it (#site-map). All data comes from the API, as the data-* attributes of the
// map say; every text from it goes into the page as textContent, never as HTML.
(function () {
  "use strict";
  const home = document.getElementById("map");
  const el = home || document.getElementById("site-map");
  if (!el || typeof L === "undefined") { return; }

  // Colours live in monitor.css, so the map, the table and the chart agree.
  const css = getComputedStyle(document.documentElement);
  const colour = (level) => css.getPropertyValue("--level-" + level).trim() || "#777";
  const eventColour = css.getPropertyValue("--event").trim() || "#3d2c8d";
  const levelOf = (p) => (p.risk && p.risk.level) || "none";

  function node(tag, text) {
    const n = document.createElement(tag);
    if (text != null) { n.textContent = String(text); }
    return n;
  }
  function lines(parts) {  // strings become text nodes (Element.append never parses HTML)
    const box = node("div");
    parts.filter((part) => part != null && part !== "").forEach((part, i) => {
      if (i) { box.appendChild(node("br")); }
      box.append(part);
    });
    return box;
  }
  function webLink(url, text) {  // only plain http(s) links from sources become hrefs
    if (!/^https?:\/\//i.test(url || "")) { return text; }
    const a = node("a", text);
    a.href = url;
    a.rel = "noopener noreferrer nofollow";
    return a;
  }

  async function getJSON(url) {
    const response = await fetch(url);
    if (!response.ok) { throw new Error(url + " answered " + response.status); }
    return response.json();
  }
  // The API pages its lists: follow the 'next' links, drawing each page as it arrives, and ask
  // for the next page before drawing this one, so that the server works while the browser draws.
  async function eachPage(url, key, onPage, max) {
    let seen = 0;
    let matched = 0;
    let pending = url ? getJSON(url) : null;
    while (pending) {
      const page = await pending;
      const items = page[key] || [];
      matched = page.numberMatched || matched;
      seen += items.length;
      const next = (page.links || []).find((link) => link.rel === "next");
      pending = next && (!max || seen < max) ? getJSON(next.href) : null;
      onPage(items);
    }
    return { seen: seen, matched: matched };
  }

  const outlines = getJSON(el.dataset.basemapUrl);  // asked for first, drawn once the map exists
  // A canvas renderer: thousands of zones and events stay quick to draw and to pan.
  const map = L.map(el, { preferCanvas: true, worldCopyJump: true }).setView([30, 35], 4);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 18 }).addTo(map);
  }
  let countries = null;
  const basemap = outlines.then((collection) => {
    countries = L.geoJSON(collection, {
      interactive: false,
      style: { color: "#8a9bb0", weight: 1, fillColor: "#f4f1ea", fillOpacity: el.dataset.tileUrl ? 0 : 1 },
    }).addTo(map).bringToBack();
  });

  function sitePopup(p) {
    const title = node("strong");
    const name = title.appendChild(node(el.dataset.sitePage ? "a" : "span", p.name));
    if (el.dataset.sitePage) {  // the home map links each site to its page
      name.href = el.dataset.sitePage.replace(/SITE_ID$/, encodeURIComponent(p.id));
    }
    const r = p.risk;
    return lines([
      title,
      r ? "Risk " + r.level + " (" + Number(r.score).toFixed(2) + ", " + r.trend + ") on " + r.as_of : "Not assessed",
      (p.countries || []).join(", ") + " · " + p.geometry_precision,
      p.designation && p.designation.in_danger ? "In Danger since " + (p.designation.in_danger_since || "?") : null,
      p.geometry_generalised ? "Sensitive site: shown only as a coarse area" : null,
    ]);
  }

  const buffers = L.geoJSON(null, {
    interactive: false,
    style: (f) => ({ color: colour(levelOf(f.properties)), weight: 1, dashArray: "4 4", fillOpacity: 0.05 }),
  }).addTo(map);
  const cores = L.geoJSON(null, {
    style: (f) => ({ color: colour(levelOf(f.properties)), weight: 2, fillOpacity: 0.45 }),
    onEachFeature: (f, layer) => layer.bindPopup(() => sitePopup(f.properties)),
  }).addTo(map);
  // Zones are too small to see below city zoom: on the home map a dot keeps each site findable.
  function dot(layer) {
    const p = layer.feature.properties;
    return L.circleMarker(layer.getBounds().getCenter(), {
      radius: 5, color: "#333", weight: 1, fillColor: colour(levelOf(p)), fillOpacity: 0.9,
    }).bindPopup(() => sitePopup(p)).bindTooltip(() => node("span", p.name));
  }
  // A buffer zone only shows apart from its core zone close up: on the home map, where they
  // would triple the work of the first render, they are drawn once the map is zoomed in.
  const BUFFER_ZOOM = 8;
  const laterBuffers = [];
  map.on("zoomend", () => {
    if (laterBuffers.length && map.getZoom() >= BUFFER_ZOOM) {
      buffers.addData(laterBuffers.splice(0));
      buffers.bringToBack();
      if (countries) { countries.bringToBack(); }
    }
  });
  function drawSites(features) {
    const drawn = features.filter((f) => f.geometry);
    const zones = drawn.filter((f) => f.properties.buffer_zone).map((f) => (
      { type: "Feature", geometry: f.properties.buffer_zone, properties: f.properties }));
    if (home && map.getZoom() < BUFFER_ZOOM) { laterBuffers.push(...zones); } else { buffers.addData(zones); }
    const before = new Set(cores.getLayers());
    cores.addData(drawn);
    if (home) {  // one canvas draws in the order layers come: the dots go above the zones
      cores.getLayers().filter((layer) => !before.has(layer)).forEach((layer) => dot(layer).addTo(map));
    }
    return drawn.length;
  }

  function eventPopup(p, exposure) {
    return lines([
      node("strong", String(p.event_type).replace(/_/g, " ")),
      p.date_start + (p.date_end && p.date_end !== p.date_start ? " to " + p.date_end : ""),
      p.place,
      exposure ? (exposure.distance_m / 1000).toFixed(1) + " km, " + exposure.zone + " zone" +
        (exposure.uncertain ? " (location uncertain)" : "") : null,
      p.precision_m ? "located within " + (p.precision_m / 1000).toFixed(1) + " km" : null,
      webLink(p.url, p.source),
    ]);
  }
  const events = L.layerGroup().addTo(map);
  const eventPoints = L.featureGroup();  // the points alone, to fit the site map around them
  // Precision circles first, then the points above them; an uncertain location is drawn lighter.
  function drawEvents(features, exposures) {
    const preciseM = Number(el.dataset.preciseM) || 5000;
    features.filter((f) => f.geometry).forEach((f) => {
      const p = f.properties;
      const exposure = exposures && exposures.get(p.id);
      const isUncertain = exposure ? exposure.uncertain : p.precision_m > preciseM;
      const latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (p.precision_m > 0) {  // outlines only: many overlapping fills would hide the zones
        L.circle(latlng, {
          radius: p.precision_m, interactive: false, color: eventColour, weight: 1, fill: false,
          opacity: isUncertain ? 0.2 : 0.5,
        }).addTo(events);
      }
      L.circleMarker(latlng, {
        radius: 4, color: eventColour, weight: 1, fillColor: eventColour,
        opacity: isUncertain ? 0.4 : 1, fillOpacity: isUncertain ? 0.3 : 0.9,
      }).bindPopup(() => eventPopup(p, exposure)).addTo(events).addTo(eventPoints);
    });
  }

  function fit(layers, maxZoom) {
    const bounds = L.latLngBounds([]);
    layers.forEach((layer) => { if (layer.getLayers().length) { bounds.extend(layer.getBounds()); } });
    if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: maxZoom, padding: [10, 10] }); }
  }
  function done(sites, shown) {
    el.dataset.featureCount = String(sites);
    el.dataset.eventCount = String(shown.seen);
    const status = document.getElementById("map-status");
    if (status) {
      status.textContent = sites + " site(s) and " + shown.seen + " event(s) on the map" +
        (shown.matched > shown.seen ? " (the newest " + shown.seen + " of " + shown.matched +
          " events: narrow the dates or the type to see the others)" : "");
    }
    el.dataset.ready = "true";
  }
  function failed(error) {
    const status = document.getElementById("map-status");
    if (status) { status.textContent = "The map could not load its data: " + error.message; }
    el.dataset.ready = "error";
  }

  if (home) {
    // Sites and events load side by side; events are drawn last so that they lie on top.
    let sites = 0;
    const eventPages = [];
    Promise.all([
      eachPage(el.dataset.sitesUrl, "features", (page) => { sites += drawSites(page); }),
      eachPage(el.dataset.eventsUrl, "features", (page) => eventPages.push(page), Number(el.dataset.eventsMax)),
      basemap,
    ]).then(([, shown]) => {
      eventPages.forEach((page) => drawEvents(page));
      fit([cores], 6);
      done(sites, shown);
    }).catch(failed);
  } else {
    // The events that touch the site: positions from the event list, distance and zone from the
    // site's own list (both are withheld for a sensitive site, and the page then gives no URL).
    const exposures = new Map();
    const eventPages = [];
    const none = Promise.resolve({ seen: 0, matched: 0 });
    const hasEvents = Boolean(el.dataset.eventsUrl && el.dataset.exposuresUrl);
    Promise.all([
      getJSON(el.dataset.siteUrl),
      hasEvents ? eachPage(el.dataset.eventsUrl, "features", (page) => eventPages.push(page)) : none,
      hasEvents ? eachPage(el.dataset.exposuresUrl, "events", (rows) => rows.forEach((row) => exposures.set(row.event, row))) : none,
      basemap,
    ]).then(([feature, shown]) => {
      const sites = drawSites([feature]);
      eventPages.forEach((page) => drawEvents(page, exposures));
      fit([cores, buffers, eventPoints], 14);
      done(sites, shown);
    }).catch(failed);
  }
})();
