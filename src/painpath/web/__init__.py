"""The web shell: HTML pages and the JSON API, both thin layers over painpath.services."""
