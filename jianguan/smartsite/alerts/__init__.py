"""Environmental alerts (issue 17 part 5): a reading over its limit opens an alert within the
ingest's own batch, repeated exceedances of one device and limit join the same alert, a
sustained one raises the project's warning and asks the regulator whether to make it an
inspection finding and a rectification order (a person decides; nothing is penalised
automatically)."""
