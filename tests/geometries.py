"""A named zoo of geometries that imports must handle (shapely's tests/common.py style)."""

import numpy as np
from shapely.geometry import MultiPolygon, Point, Polygon, box

# Around the Temple of Bel, Palmyra: a small, valid core zone.
PALMYRA_SQUARE = box(38.265, 34.545, 38.280, 34.555)
# The classic bow-tie: self-intersecting, repaired by make_valid into two triangles.
BOW_TIE = Polygon([(38.0, 34.0), (38.02, 34.02), (38.02, 34.0), (38.0, 34.02), (38.0, 34.0)])
# A multipolygon whose first part has a hole.
WITH_HOLE = MultiPolygon(
    [
        Polygon(
            [(36.0, 33.0), (36.1, 33.0), (36.1, 33.1), (36.0, 33.1)],
            [[(36.04, 33.04), (36.06, 33.04), (36.06, 33.06), (36.04, 33.06)]],
        ),
        box(36.2, 33.0, 36.25, 33.05),
    ]
)
# Drawn across the antimeridian (Taveuni, Fiji): consecutive vertices jump from 179.9 to -179.9.
ACROSS_ANTIMERIDIAN = Polygon([(179.9, -16.8), (-179.9, -16.8), (-179.9, -16.7), (179.9, -16.7)])
# Near the latitude limit in both hemispheres.
NEAR_NORTH_LIMIT = box(20.0, 78.9, 20.2, 79.0)
NEAR_SOUTH_LIMIT = box(-60.2, -79.0, -60.0, -78.9)
# Palmyra with latitude and longitude swapped, as (lat, lon) pairs.
SWAPPED = box(34.545, 38.265, 34.555, 38.280)
SWAPPED_OUT_OF_RANGE = Polygon([(34.5, 138.2), (34.6, 138.2), (34.6, 138.3), (34.5, 138.3)])
OUT_OF_RANGE = box(190.0, 10.0, 191.0, 11.0)
# 2 by 2 degrees near the equator: about 49,000 km², far over the limit.
HUGE = box(30.0, 0.0, 32.0, 2.0)
EMPTY = Polygon()
LINE = Point(38.27, 34.55).buffer(0.01).exterior
POINT = Point(38.27, 34.55)


def many_vertices(count: int) -> Polygon:
    """A valid polygon with ``count`` vertices (a fine circle around Palmyra)."""
    angles = np.linspace(0.0, 2.0 * np.pi, count, endpoint=False)
    return Polygon(np.column_stack([38.27 + 0.01 * np.cos(angles), 34.55 + 0.01 * np.sin(angles)]))
