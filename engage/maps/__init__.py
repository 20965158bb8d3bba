"""Ward maps: boundary files checked and stored once, and results drawn as a choropleth.

``checking`` (reading and checking a GeoJSON file), ``drawing`` (the SVG) and
``figures`` (a suppressed ward table as map figures) have no Flask or database in
them; ``services`` stores and reads the boundaries, ``views`` serves the pages.
"""
