-- Who submitted each job (the API key's name or the JWT's subject; NULL with security off), so that only its
-- owner and administrators see and cancel it; and, per export part, the tenant the rows are confined to,
-- stored at submission because the worker that writes the file runs later, maybe on another replica.
ALTER TABLE sluice_export ADD COLUMN owner text;
ALTER TABLE sluice_export_part ADD COLUMN tenant_column text, ADD COLUMN tenant_value text;
ALTER TABLE sluice_import ADD COLUMN owner text;

CREATE INDEX sluice_export_owner ON sluice_export (owner, created_at DESC, id DESC);
CREATE INDEX sluice_import_owner ON sluice_import (owner);
