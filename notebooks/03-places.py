# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Places: geocoding, disambiguation, distances, the offline map
#
# "Kursk" is a city and an oblast; "Kyiv" has several spellings; many place names exist in more than one country.
# Geolocation errors travel far in OSINT reporting, so osintkit keeps the runner-up candidates beside each
# resolution and lets the analyst choose. Everything here uses the offline GeoNames gazetteer: no geocoding
# request leaves the machine.

# %% tags=["parameters"]
SOURCES = ["../seeds"]
CASE = "out/03-places.sqlite"

# %%
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # model-loading progress bars are noise here

import osintkit
from osintkit import Case

Path(CASE).parent.mkdir(parents=True, exist_ok=True)
print("osintkit", osintkit.__version__, "| case:", CASE)

# %% [markdown]
# ## 1 · A geopy-compatible offline geocoder
#
# `OfflineGeocoder` speaks geopy's interface, so code written for Nominatim works unchanged, without the network.

# %%
from osintkit.geo import OfflineGeocoder

geocoder = OfflineGeocoder()
kyiv = geocoder.geocode("Kyiv")
print(kyiv, kyiv.latitude, kyiv.longitude)
for loc in geocoder.geocode("Kursk", exactly_one=False)[:5]:
    print(" candidate:", loc.address, round(loc.latitude, 2), round(loc.longitude, 2))

# %% [markdown]
# ## 2 · Geoparse a document
#
# Toponyms in context are resolved together: the other places in the text vote for the region, which is how
# "Kursk" next to "Ukraine" and "Russia" resolves to the Russian city rather than a namesake elsewhere.

# %%
from osintkit.geo import geoparse, places_frame
from osintkit import load
from osintkit.pipeline import ingest

case = Case(CASE)
ingest(case, SOURCES, quiet=True)
doc = case.documents()[0]
places = geoparse(doc)
case.replace_places(doc.id, places)
places_frame(places)

# %% [markdown]
# ## 3 · Sources in Ukrainian or Russian
#
# Much of this war is first reported in Ukrainian and Russian, where a place name changes with its case: "у
# Харкові" (in Kharkiv), "під Суджею" (near Sudzha), "в Курській області". The gazetteer turns each form back into
# the name it comes from. The entity model reads English only, so the tagger warns that people and organisations in
# such a post will be missed instead of staying silent.

# %%
import warnings

post = "У Харкові та Сумах лунали вибухи. Бої тривають під Суджею в Курській області, повідомили з Києва."
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    ukrainian_places = geoparse(post)
for message in {str(w.message) for w in caught}:
    print(message[:110] + "…")
places_frame(ukrainian_places)[["text", "name", "country_code", "lat", "lon"]]

# %% [markdown]
# ## 4 · Disambiguation: the analyst decides
#
# When the gazetteer's choice is wrong, override it. The override is stored in the case, kept across pipeline
# re-runs and logged in custody. The annotation panel offers the same choice from a dropdown of candidates.

# %%
from osintkit.geo import override_place

target = next((p for p in places if p.alternatives), places[0])
print("was:", target.text, "->", target.name, target.country_code)
choice = target.alternatives[0].get("geonameid") if target.alternatives else target.geonameid
fixed = override_place(case, doc.id, target.start, target.end, int(choice) if choice else target.name)
print("now:", fixed.text, "->", fixed.name, fixed.country_code, "(overridden)")
case.custody_frame()[["seq", "action", "object_id"]].tail(2)

# %% [markdown]
# ## 5 · Distances
#
# How far apart two reported locations are is often the first plausibility check ("taken to Kyiv" from the Kursk
# front is a journey of several hundred kilometres).

# %%
from osintkit.geo import distance_km, distance_matrix

resolved = case.places(doc.id)
unique = list({p.name: p for p in resolved}.values())
print(f"Kyiv to Kursk: {distance_km(geocoder.geocode('Kyiv'), geocoder.geocode('Kursk')):.0f} km")
distance_matrix(unique).round(0)

# %% [markdown]
# ## 6 · The offline map
#
# The interactive map (ipyleaflet) draws shipped country outlines instead of remote tiles; the static map (for
# reports) is an SVG or PNG drawn with matplotlib.

# %%
from osintkit.geo import interactive_map

interactive_map(resolved)

# %%
from IPython.display import SVG
from osintkit.geo import static_map

SVG(data=static_map(resolved, fmt="svg"))
