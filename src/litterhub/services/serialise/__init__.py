"""Serialisers of the one internal catalogue model (services.metadata): DCAT-AP, schema.org, DataCite, CKAN."""
