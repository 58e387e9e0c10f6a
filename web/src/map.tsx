// Territory map: Leaflet with no tile server (none is reachable): the basemap is
// drawn from Natural Earth country outlines (world-atlas, public domain), then the
// zones (GeoJSON from the API) and the companies as points.
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Company, ZoneFeatureCollection } from './types.ts';
import countriesUrl from 'world-atlas/countries-50m.json?url';

let basemap: Promise<GeoJSON.FeatureCollection> | undefined;
function loadBasemap(): Promise<GeoJSON.FeatureCollection> {
  basemap ??= fetch(countriesUrl)
    .then((r) => r.json() as Promise<Topology<{ countries: GeometryCollection }>>)
    .then((topo) => feature(topo, topo.objects.countries) as GeoJSON.FeatureCollection);
  return basemap;
}

const FRANCE = '250';
const FRANCE_BOUNDS = L.latLngBounds([41.3, -5.2], [51.1, 9.6]);

export function TerritoryMap({
  zones,
  companies,
  onCompany,
}: {
  zones: ZoneFeatureCollection | undefined;
  companies: Company[];
  onCompany?: (c: Company) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const overlay = useRef<L.LayerGroup | null>(null);
  const onCompanyRef = useRef(onCompany);
  onCompanyRef.current = onCompany;

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, {
      zoomSnap: 0.25,
      attributionControl: true,
      keyboard: true,
    }).fitBounds(FRANCE_BOUNDS);
    m.attributionControl.setPrefix(false).addAttribution('Fond : Natural Earth');
    L.control.scale({ imperial: false }).addTo(m);
    map.current = m;
    overlay.current = L.layerGroup().addTo(m);
    let cancelled = false;
    void loadBasemap().then((fc) => {
      if (cancelled) return;
      L.geoJSON(fc, {
        interactive: false,
        style: (f) => ({
          color: '#9aa5b1',
          weight: 1,
          fillColor: f?.id === FRANCE ? '#f4f1e8' : '#e6e8eb',
          fillOpacity: 1,
        }),
      })
        .addTo(m)
        .bringToBack();
      if (el.current) el.current.dataset.basemap = 'ready';
    });
    return () => {
      cancelled = true;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    const group = overlay.current;
    if (!m || !group) return;
    group.clearLayers();
    const bounds = L.latLngBounds([]);
    if (zones) {
      const layer = L.geoJSON(zones, {
        style: () => ({ color: '#1d5fa8', weight: 2, fillColor: '#5b9bd5', fillOpacity: 0.18 }),
        onEachFeature: (f, l) => {
          const p = f.properties as { name: string; companyCount: number };
          l.bindTooltip(`${p.name} · ${p.companyCount} entreprises`);
        },
      });
      group.addLayer(layer);
      if (zones.features.length > 0) bounds.extend(layer.getBounds());
    }
    for (const c of companies) {
      if (!c.location) continue;
      const [lon, lat] = c.location.coordinates;
      const pt = L.latLng(lat, lon);
      const marker = L.circleMarker(pt, {
        radius: 5,
        color: '#7a3e00',
        weight: 1,
        fillColor: c.isEss ? '#2e7d32' : '#e07b00',
        fillOpacity: 0.9,
      })
        .bindTooltip(`${c.name} (${c.nafLabel})`)
        .on('click', () => onCompanyRef.current?.(c));
      group.addLayer(marker);
      bounds.extend(pt);
    }
    if (bounds.isValid()) m.fitBounds(bounds.pad(0.15), { maxZoom: 13 });
  }, [zones, companies]);

  return (
    <div
      ref={el}
      className="map"
      role="region"
      aria-label="Carte des zones d’activités et des entreprises"
    />
  );
}
