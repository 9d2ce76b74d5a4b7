"""The BIM engine (issue 19): pure Python over ifcopenshell and numpy, no Django import.

- ``types``: the values every part shares (meshes, clashes, quantities);
- ``geometry``: each element of a model triangulated once, in double precision about a
  model-local origin, cached by GlobalId and a hash of its geometry;
- ``clash``: intersection, collision and clearance between two groups of meshes, and the
  re-check of a new revision that touches only changed elements;
- ``takeoff``: quantities per element and per bill-of-quantities line;
- ``bcf``: BCF 2.1 topics out and in.
"""
