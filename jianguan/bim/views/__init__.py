"""BIM pages (issue 19): models and their upload, a revision's summary and quantities, clash
sets, clashes with the 3D view, BCF, the BoQ mapping."""
