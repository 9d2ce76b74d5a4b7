"""The personal blacklist of workers (失信名单): the regulator lists a person by identity and
lifts the entry; placement (进场) and the gate refuse whoever is listed."""
