-- Catalogs of the SQL Gateway. The gateway keeps them in its catalog store (a file store locally,
-- table.catalog-store.* in its configuration), so every session sees them without running this.
--   iceberg  the lakehouse as the policy lets SQL consumers read it (role sql_consumer): read
--            only; bronze is not there, quarantine without its raw messages, silver and gold
--            with classified values as tokens (see README: Governance). The raw Iceberg catalog
--            is never registered here.
--   factory  the governed views below, the objects downstream users should read
-- ${iceberg_catalog_type} (hadoop, rest), ${iceberg_uri} (a REST catalog's address, empty for hadoop),
-- ${warehouse} and ${views} are the deployment's: `factory sql --apply deploy/sql --var ...`
-- (deploy/local/sql-gateway.sh passes the local stack's).
-- Dropped and created again, so applying this file again takes changed settings.
DROP CATALOG IF EXISTS iceberg;
CREATE CATALOG iceberg WITH (
  'type' = 'factory-lake',
  'catalog-type' = '${iceberg_catalog_type}',
  'uri' = '${iceberg_uri}',
  'warehouse' = '${warehouse}',
  'role' = 'sql_consumer'
);

DROP CATALOG IF EXISTS factory;
CREATE CATALOG factory WITH (
  'type' = 'factory-views',
  'path' = '${views}'
);

CREATE DATABASE IF NOT EXISTS factory.features;
CREATE DATABASE IF NOT EXISTS factory.scoring;
CREATE DATABASE IF NOT EXISTS factory.cost;
CREATE DATABASE IF NOT EXISTS factory.ops;
